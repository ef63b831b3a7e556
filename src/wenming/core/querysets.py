"""Business reads for core's own models, scoped by `restrict(user, action)` like every domain model."""

import datetime

from django.db import models
from django.utils import timezone


def _can_change_district(user) -> bool:
    """Admin and office change district-wide configuration (read through `user.scope()`, duck-typed)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = getattr(user, "scope", None)
    return bool(user.is_superuser or (scope is not None and scope().sees_all("change")))


class CalendarDayQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(date__year=year)

    def overrides(self):
        from wenming.core.choices import DayOrigin

        return self.filter(origin=DayOrigin.OVERRIDE)

    def special(self):
        """Days that differ from the plain Monday–Friday rule: holidays and make-up working days."""
        from wenming.core.choices import DayKind

        return self.filter(kind__in=[DayKind.HOLIDAY, DayKind.MAKEUP])

    def restrict(self, user, action: str = "view"):
        """Any signed-in user reads the calendar; only admin and office change it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if action == "view" or _can_change_district(user):
            return self
        return self.none()


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)

    def restrict(self, user, action: str = "view"):
        """An inbox is personal for every role, admin included: only the recipient sees or marks it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)


class DeliveryQuerySet(models.QuerySet):
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

    def restrict(self, user, action: str = "view"):
        """Recipients see their own deliveries; admin and office see all (to diagnose failures)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if _can_change_district(user):
            return self
        return self.filter(notification__recipient=user) if action == "view" else self.none()


class ScheduledRunQuerySet(models.QuerySet):
    def older_than(self, when: datetime.datetime):
        return self.filter(slot__lt=when)
