"""Writes for core's own models: the working-day calendar and the inbox. Each runs in one transaction.

`notify()` (wenming.core.notify) is the entry point other apps use to send messages.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from wenming.core.calendar_data import package_days
from wenming.core.choices import DayKind, DayOrigin, DeliveryStatus
from wenming.core.models import CalendarDay, Delivery, Notification
from wenming.core.querysets import _can_change_district
from wenming.core.workcal import calendar_changed

# --- working-day calendar -------------------------------------------------------------------------------


@dataclass
class SeedReport:
    """What `seed_calendar` did, year by year."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    overrides_kept: int = 0
    seeded_years: list[int] = field(default_factory=list)
    skipped_years: list[int] = field(default_factory=list)  # unknown to the installed package


def seed_calendar(*, actor=None, years: Iterable[int]) -> SeedReport:
    """Load the package's arrangements for `years`; idempotent, never touches office overrides."""
    report = SeedReport()
    with transaction.atomic():
        for year in sorted(set(years)):
            data = package_days(year)
            if not data:
                report.skipped_years.append(year)
                continue
            _seed_year(year, data, actor, report)
            report.seeded_years.append(year)
        if report.created or report.updated:
            calendar_changed()
    return report


def _seed_year(year: int, data: dict, actor, report: SeedReport) -> None:
    existing = {row.date: row for row in CalendarDay.objects.in_year(year)}
    now = timezone.now()
    to_create, to_update = [], []
    for day, (kind, name) in data.items():
        row = existing.get(day)
        if row is None:
            to_create.append(
                CalendarDay(date=day, kind=kind, name=name, origin=DayOrigin.PACKAGE, updated_at=now)
            )
        elif row.origin == DayOrigin.OVERRIDE:
            report.overrides_kept += 1
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name, row.updated_at = kind, name, now
            to_update.append(row)
        else:
            report.unchanged += 1
    if to_create:
        bulk_create_with_history(to_create, CalendarDay, batch_size=500, default_user=actor)
    if to_update:
        bulk_update_with_history(
            to_update, CalendarDay, ["kind", "name", "updated_at"], batch_size=500, default_user=actor
        )
    report.created += len(to_create)
    report.updated += len(to_update)


def _check_can_edit_calendar(actor) -> None:
    if not _can_change_district(actor):
        raise PermissionDenied(_("只有文明办可以调整工作日历。"))


def validate_calendar_day(day: datetime.date, kind: str, name: str = "") -> None:
    """The kind must fit the weekday (a make-up workday is a weekend day, a weekend is one, …)."""
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("请选择有效的日期类型。")})
    weekend = day.weekday() >= 5
    if kind == DayKind.WEEKEND and not weekend:
        raise ValidationError({"kind": _("周一至周五不能设为周末；放假请选择“法定节假日”。")})
    if kind == DayKind.MAKEUP and not weekend:
        raise ValidationError({"kind": _("调休上班只能设在周六或周日；周一至周五请选择“工作日”。")})
    if kind == DayKind.WORKDAY and weekend:
        raise ValidationError({"kind": _("周六、周日上班请选择“调休上班”。")})
    if len(name) > 40:
        raise ValidationError({"name": _("名称不能超过 40 个字。")})


def set_calendar_day(*, actor, date: datetime.date, kind: str, name: str = "") -> CalendarDay:
    """The office's override for one date (e.g. a holiday the package does not know yet)."""
    _check_can_edit_calendar(actor)
    name = (name or "").strip()
    validate_calendar_day(date, kind, name)
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=date).first() or CalendarDay(date=date)
        row.kind, row.name, row.origin = kind, name, DayOrigin.OVERRIDE
        row._history_user = actor
        row.save()  # post_save → calendar_changed()
    return row


def reset_calendar_day(*, actor, date: datetime.date) -> CalendarDay | None:
    """Drop the office's override: back to the package's value, or to the Monday–Friday rule."""
    _check_can_edit_calendar(actor)
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=date).first()
        if row is None:
            return None
        kind, name = package_days(date.year).get(date, (None, ""))
        row._history_user = actor
        if kind is None:
            row.delete()  # post_delete → calendar_changed()
            return None
        row.kind, row.name, row.origin = kind, name, DayOrigin.PACKAGE
        row.save()
    return row


# --- inbox ----------------------------------------------------------------------------------------------


def mark_notification_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (idempotent)."""
    if notification.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只能处理自己的消息。"))
    with transaction.atomic():
        if notification.read_at is None:
            now = timezone.now()
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
            notification.read_at = now
    return notification


def mark_all_notifications_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    with transaction.atomic():
        return Notification.objects.for_user(actor).unread().update(read_at=timezone.now())


def retry_delivery_now(*, actor, delivery: Delivery) -> Delivery:
    """Put a failed or waiting delivery back in the queue for an immediate attempt (admin action)."""
    if not _can_change_district(actor):
        raise PermissionDenied(_("只有文明办可以重发消息。"))
    from wenming.core.tasks import deliver_notifications

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
        )
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.PENDING:
            transaction.on_commit(lambda: deliver_notifications.enqueue([delivery.notification_id]))
    return delivery
