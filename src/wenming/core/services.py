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
from wenming.core.holidays import provisional_days
from wenming.core.models import CalendarDay, Delivery, Notification
from wenming.core.roles import is_office
from wenming.core.signals import calendar_confirmed
from wenming.core.workcal import calendar_changed, get_calendar

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
    provisional_years: list[int] = field(default_factory=list)  # seeded from the statutory rules (暂定)
    confirmed_years: list[int] = field(default_factory=list)  # were provisional, now from the package
    recomputed: list = field(
        default_factory=list
    )  # deadline changes listed by `calendar_confirmed` receivers


def seed_calendar(*, actor=None, years: Iterable[int], provisional: bool = False) -> SeedReport:
    """Load the package's arrangements for `years`; idempotent, never touches office overrides or imported
    notices. With `provisional`, a year the package does not know gets the statutory holidays only
    (origin "rules", marked 暂定) unless its notice has been imported; a provisional year that the package
    now knows is confirmed from it, and the provisional deadlines are recomputed."""
    report = SeedReport()
    with transaction.atomic():
        before = get_calendar()
        for year in sorted(set(years)):
            data = package_days(year)
            origin = DayOrigin.PACKAGE
            if not data:
                report.skipped_years.append(year)
                if (
                    not provisional
                    or CalendarDay.objects.in_year(year).filter(origin=DayOrigin.NOTICE).exists()
                ):
                    continue
                data, origin = provisional_days(year), DayOrigin.RULES
                report.provisional_years.append(year)
            _seed_year(year, data, actor, report, origin=origin)
            report.seeded_years.append(year)
            if origin == DayOrigin.PACKAGE and year in before.provisional_years:
                report.confirmed_years.append(year)
        if report.created or report.updated:
            calendar_changed()
        if report.confirmed_years:
            report.recomputed = _confirmed(actor, before, report.confirmed_years)
    return report


def seed_provisional_year(*, actor, year: int) -> SeedReport:
    """The office's "按法定假日推算": the statutory holidays of a year that is not confirmed yet (rows from the
    package, a notice or an override are kept). Refused for a confirmed year."""
    _check_can_edit_calendar(actor)
    if get_calendar().is_confirmed(year):
        raise ValidationError(_("%(year)s 年的放假安排已确认，无需推算。") % {"year": year})
    report = SeedReport()
    with transaction.atomic():
        _seed_year(year, provisional_days(year), actor, report, origin=DayOrigin.RULES)
        report.seeded_years.append(year)
        report.provisional_years.append(year)
        calendar_changed()
    return report


def _confirmed(actor, before, years) -> list:
    """Tell the higher apps (cases) that `years` are confirmed; returns the changes they list."""
    changes = []
    for _receiver, result in calendar_confirmed.send(
        sender=CalendarDay, actor=actor, before=before, years=years
    ):
        changes.extend(result or [])
    return changes


_KEEP = {
    DayOrigin.PACKAGE: {DayOrigin.OVERRIDE, DayOrigin.NOTICE},
    DayOrigin.RULES: {DayOrigin.OVERRIDE, DayOrigin.NOTICE, DayOrigin.PACKAGE},
    DayOrigin.NOTICE: {DayOrigin.OVERRIDE},
}


def _seed_year(year: int, data: dict, actor, report: SeedReport, *, origin=DayOrigin.PACKAGE) -> None:
    existing = {row.date: row for row in CalendarDay.objects.in_year(year)}
    now = timezone.now()
    to_create, to_update = [], []
    for day, (kind, name) in data.items():
        row = existing.get(day)
        if row is None:
            to_create.append(CalendarDay(date=day, kind=kind, name=name, origin=origin, updated_at=now))
        elif row.origin in _KEEP[origin]:
            if row.origin == DayOrigin.OVERRIDE:
                report.overrides_kept += 1
            else:
                report.unchanged += 1
        elif (row.kind, row.name, row.origin) != (kind, name, origin):
            row.kind, row.name, row.origin, row.updated_at = kind, name, origin, now
            to_update.append(row)
        else:
            report.unchanged += 1
    if to_create:
        bulk_create_with_history(to_create, CalendarDay, batch_size=500, default_user=actor)
    if to_update:
        bulk_update_with_history(
            to_update,
            CalendarDay,
            ["kind", "name", "origin", "updated_at"],
            batch_size=500,
            default_user=actor,
        )
    report.created += len(to_create)
    report.updated += len(to_update)


def _check_can_edit_calendar(actor) -> None:
    if not is_office(actor):
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
        origin = DayOrigin.PACKAGE
        kind, name = package_days(date.year).get(date, (None, ""))
        if kind is None and CalendarDay.objects.in_year(date.year).filter(origin=DayOrigin.RULES).exists():
            kind, name = provisional_days(date.year)[date]
            origin = DayOrigin.RULES
        row._history_user = actor
        if kind is None:
            row.delete()  # post_delete → calendar_changed()
            return None
        row.kind, row.name, row.origin = kind, name, origin
        row.save()
    return row


@dataclass
class DayChange:
    date: datetime.date
    old_kind: str | None
    old_name: str
    old_origin: str | None
    kind: str
    name: str

    @property
    def kind_label(self) -> str:
        return DayKind(self.kind).label

    @property
    def old_kind_label(self) -> str:
        return DayKind(self.old_kind).label if self.old_kind else ""


@dataclass
class ImportPreview:
    """What importing a year's arrangement would change; `kept` are office overrides left as they are."""

    year: int
    changes: list[DayChange]
    kept: list[DayChange]
    holidays: int
    makeups: int


def preview_calendar_import(*, year: int, days: dict) -> ImportPreview:
    """Compare an arrangement ({date: (kind, name)} for the whole year) with the stored rows; writes nothing."""
    existing = {row.date: row for row in CalendarDay.objects.in_year(year)}
    changes, kept = [], []
    for day, (kind, name) in sorted(days.items()):
        row = existing.get(day)
        old = (row.kind, row.name) if row else (None, "")
        if row is not None and row.origin == DayOrigin.NOTICE and old == (kind, name):
            continue
        if row is None and kind in (DayKind.WORKDAY, DayKind.WEEKEND):
            continue  # the Monday–Friday fallback already says so
        change = DayChange(day, old[0], old[1], row.origin if row else None, kind, name)
        if row is not None and row.origin == DayOrigin.OVERRIDE:
            if old != (kind, name):
                kept.append(change)
        elif old != (kind, name) or row is None or row.origin != DayOrigin.NOTICE:
            if old != (kind, name):
                changes.append(change)
    values = [k for k, _n in days.values()]
    return ImportPreview(
        year, changes, kept, values.count(DayKind.HOLIDAY.value), values.count(DayKind.MAKEUP.value)
    )


def import_calendar_year(*, actor, year: int, days: dict) -> SeedReport:
    """Apply the State Council's arrangement of `year` (parsed from the notice or an XLSX): every date of the
    year becomes origin "notice" (office overrides are kept), the year stops being provisional, and the
    provisional deadlines are recomputed and listed (`report.recomputed`)."""
    _check_can_edit_calendar(actor)
    if not days or any(d.year != year for d in days):
        raise ValidationError(_("导入的日期必须都在 %(year)s 年。") % {"year": year})
    for day, (kind, name) in days.items():
        validate_calendar_day(day, kind, name)
    report = SeedReport()
    with transaction.atomic():
        before = get_calendar()
        _seed_year(year, days, actor, report, origin=DayOrigin.NOTICE)
        report.seeded_years.append(year)
        calendar_changed()
        if not before.is_confirmed(year):
            report.confirmed_years.append(year)
            report.recomputed = _confirmed(actor, before, [year])
    return report


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
    if not is_office(actor):
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
