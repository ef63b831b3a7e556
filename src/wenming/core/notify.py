"""Notifications: the in-app inbox every user has, plus outbound e-mail/SMS copies (站内消息与推送).

    notify([user], kind="case.dispatched", title="新案件待签收", url=case.get_absolute_url(), channels=["sms"])

`notify` writes the inbox rows (and one `Delivery` per channel) in the caller's transaction and, only once
that transaction commits, enqueues the `deliver_notifications` task; a rollback sends nothing.
A delivery attempt first claims the row with a conditional UPDATE (so two workers never send the same
attempt), then sends. A failure is kept on the row (`last_error`) and retried after 1 min, 5 min, 30 min,
2 h, 6 h… up to `settings.NOTIFY_MAX_ATTEMPTS`, then marked failed; the periodic task
`retry_due_deliveries` (run by `wenming run_scheduler`) picks up due retries. A recipient without an e-mail
address or phone number fails at once, without retries. Delivery is at-least-once: a worker that dies
between sending and recording may send again after the claim's lease (10 minutes) runs out.
"""

import datetime
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator

from wenming.core.choices import DeliveryChannel, DeliveryStatus
from wenming.core.models import Delivery, Notification
from wenming.core.sms import get_sms_backend

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)
CLAIM_LEASE = datetime.timedelta(minutes=10)
SMS_MAX_CHARS = 300


class PermanentDeliveryError(Exception):
    """A delivery that can never succeed as it stands (no address): failed at once, not retried."""


def notify(
    recipients: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = (),
) -> list[Notification]:
    """Put a message in each recipient's inbox and queue its e-mail/SMS copies for after the commit."""
    channels = list(dict.fromkeys(channels))
    unknown = [c for c in channels if c not in DeliveryChannel.values]
    if unknown:
        raise ValueError(f"unknown notification channel(s): {', '.join(map(str, unknown))}")
    title = Truncator((title or "").strip()).chars(200)
    if not title:
        raise ValueError("a notification needs a title")
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    if not users:
        return []
    now = timezone.now()
    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            Notification(recipient=u, kind=kind[:50], title=title, body=body, url=url[:500], created_at=now)
            for u in users.values()
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification=n, channel=c, created_at=now, next_attempt_at=now)
            for n in notes
            for c in channels
        )
        if deliveries:
            from wenming.core.tasks import deliver_notifications

            transaction.on_commit(partial(deliver_notifications.enqueue, [n.pk for n in notes]))
    return notes


def absolute_url(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _send_email(notification: Notification) -> str:
    address = (notification.recipient.email or "").strip()
    if not address:
        raise PermanentDeliveryError("收件人未设置电子邮箱")
    text = notification.body
    if notification.url:
        text = f"{text}\n\n{absolute_url(notification.url)}".strip()
    send_mail(notification.title, text, None, [address], using="default")
    return address


def _send_sms(notification: Notification) -> str:
    phone = (getattr(notification.recipient, "phone", "") or "").strip()
    if not phone:
        raise PermanentDeliveryError("收件人未设置手机号")
    text = notification.title if not notification.body else f"{notification.title}：{notification.body}"
    if notification.url:
        text = f"{Truncator(text).chars(SMS_MAX_CHARS - 60)} {absolute_url(notification.url)}"
    get_sms_backend().send(phone, Truncator(text).chars(SMS_MAX_CHARS))
    return phone


SENDERS = {DeliveryChannel.EMAIL: _send_email, DeliveryChannel.SMS: _send_sms}


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next attempt after `attempts` failed ones."""
    return datetime.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def attempt_delivery(delivery_id: int, now=None) -> str | None:
    """One attempt at one due delivery; returns its new status, or None if it was not due or taken."""
    now = now or timezone.now()
    claimed = (
        Delivery.objects.due(now)
        .filter(pk=delivery_id)
        .update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    changes: dict = {}
    try:
        changes["address"] = SENDERS[delivery.channel](delivery.notification)
    except PermanentDeliveryError as exc:
        changes.update(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=str(exc))
    except Exception as exc:  # noqa: BLE001 - any channel failure is recorded and retried
        logger.warning("delivery %s (%s) failed: %s", delivery.pk, delivery.channel, exc)
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            changes.update(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error)
        else:
            changes.update(next_attempt_at=now + backoff(delivery.attempts), last_error=error)
    else:
        changes.update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )
    Delivery.objects.filter(pk=delivery.pk).update(**changes)
    return changes.get("status", DeliveryStatus.PENDING)


def deliver_due(
    *, notification_ids: Iterable[int] | None = None, now=None, limit: int = 500
) -> dict[str, int]:
    """Attempt every due delivery (of these notifications, or all); counts by resulting status."""
    now = now or timezone.now()
    due = Delivery.objects.due(now)
    if notification_ids is not None:
        due = due.filter(notification_id__in=list(notification_ids))
    counts: dict[str, int] = {}
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        status = attempt_delivery(pk, now)
        if status is not None:
            counts[status] = counts.get(status, 0) + 1
    return counts
