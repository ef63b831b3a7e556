"""Business reads for core's own models, scoped by `restrict(user, action)` like every domain model."""

import datetime

from django.db import models
from django.utils import timezone

from wenming.core.policy import OFFICE, SIGNED_IN, Policy, RestrictedQuerySet, everything, owner, rows


class CalendarDayQuerySet(RestrictedQuerySet):
    # Any signed-in user reads the calendar; only admin and office change it.
    policy = Policy(view=[everything(SIGNED_IN)], otherwise=[everything(OFFICE)])

    def in_year(self, year: int):
        return self.filter(date__year=year)

    def overrides(self):
        from wenming.core.choices import DayOrigin

        return self.filter(origin=DayOrigin.OVERRIDE)

    def special(self):
        """Days that differ from the plain Monday–Friday rule: holidays and make-up working days."""
        from wenming.core.choices import DayKind

        return self.filter(kind__in=[DayKind.HOLIDAY, DayKind.MAKEUP])


class NotificationQuerySet(RestrictedQuerySet):
    # An inbox is personal for every role, admin included: only the recipient sees or marks it.
    policy = Policy(otherwise=[rows(owner("recipient"))])

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class DeliveryQuerySet(RestrictedQuerySet):
    # Recipients see their own deliveries; admin and office see all (to diagnose failures).
    policy = Policy(
        view=[everything(OFFICE), rows(owner("notification__recipient"))], otherwise=[everything(OFFICE)]
    )

    def pending(self):
        from wenming.core.choices import DeliveryStatus

        return self.filter(status=DeliveryStatus.PENDING)

    def due(self, now: datetime.datetime | None = None):
        """Pending deliveries whose (next) attempt time has come."""
        now = now or timezone.now()
        return self.pending().filter(
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )

    def failed(self):
        from wenming.core.choices import DeliveryStatus

        return self.filter(status=DeliveryStatus.FAILED)


class ScheduledRunQuerySet(models.QuerySet):
    def older_than(self, when: datetime.datetime):
        return self.filter(slot__lt=when)
