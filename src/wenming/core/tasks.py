"""Background jobs of core: outbound notification deliveries and scheduler housekeeping."""

import datetime

from django.tasks import task
from django.utils import timezone

from wenming.core.schedule import periodic


@task
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """Attempt the due e-mail/SMS deliveries of these notifications (enqueued by `notify` after commit)."""
    from wenming.core.notify import deliver_due

    return deliver_due(notification_ids=notification_ids)


@periodic(every=datetime.timedelta(minutes=1))
@task
def retry_due_deliveries() -> dict[str, int]:
    """Retry failed deliveries whose backoff has elapsed; idempotent (each attempt claims its row)."""
    from wenming.core.notify import deliver_due

    return deliver_due()


@periodic(every=datetime.timedelta(days=1), offset=datetime.timedelta(hours=3))
@task
def purge_scheduled_runs(keep_days: int = 30) -> int:
    """Forget scheduler slots older than `keep_days` (the unique key only matters for recent slots)."""
    from wenming.core.models import ScheduledRun

    deleted, _ = ScheduledRun.objects.older_than(timezone.now() - datetime.timedelta(days=keep_days)).delete()
    return deleted
