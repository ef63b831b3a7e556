"""Calendar-based deadlines recomputed when a year's holidays are confirmed (时限重算).

`core` sends `calendar_confirmed` (actor, before, years) inside the transaction that confirms a year (the
State Council's notice imported on /calendar/ or the package upgraded). Every running clock of an open case
whose deadline is counted on the working calendar is looked at:

* 处置时限 (fix deadline) — cases whose unit clock runs and whose fix deadline is marked provisional; the rule:
  start of the clock cycle + the category's deadline;
* 派遣时限 (dispatch deadline) — cases not yet dispatched (上报 / 已立案); the rule: reported + `CASE_DISPATCH_HOURS`
  working hours;
* 退回审核时限 (review of a "not ours" transfer) — cases 申请退回; the rule: the transfer request + the same working
  hours as a dispatch;
* 协调时限 (coordination clock) — cases 协调中; the rule: the hand-over to coordination (start of the clock cycle)
  + `CASE_COORDINATION_DAYS` working days.

For each, if the stored deadline is the rule-computed one under the calendar as it stood (`before`), it is
computed again under the confirmed calendar; a deadline that differs from its rule (set by hand, e.g. an
approved extension, or under an older setting) is kept. The fix deadline stays provisional only if its new
span still touches a provisional or unconfigured year. Only deadlines on or after 1 January of the first
confirmed year can move, so only those are read.

Each moved deadline appends a CaseEvent (`deadline_recomputed`, old and new in its data, and which deadline),
reschedules the case's alerts, and the office gets one inbox message listing the changes. The re-check due
dates of 回头看 (inspections) are recomputed by the inspections app on the same signal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases import alerts, deadlines, events
from wenming.cases.choices import INTAKE_STATES, UNIT_CLOCK_STATES, CaseState, EventKind
from wenming.cases.models import Case, CaseEvent
from wenming.core.workcal import get_calendar


@dataclass(frozen=True)
class DeadlineChange:
    case_id: int
    code: str
    old: object
    new: object
    provisional: bool
    label: str = ""  # which deadline (处置时限 when empty)

    @property
    def what(self) -> str:
        return self.label or _("处置时限")

    def __str__(self) -> str:
        local = timezone.localtime
        return f"{self.code} {self.what}: {local(self.old):%Y-%m-%d %H:%M} → {local(self.new):%Y-%m-%d %H:%M}"


def _utc(value) -> str:
    return value.astimezone(datetime.UTC).isoformat()


def rule_moved(before, after, start, old, amount, unit):
    """The deadline under the confirmed calendar when `old` is the rule's (start + amount) under `before` and
    the confirmed calendar gives another moment; else None (kept)."""
    if start is None or old is None or before.add_working_time(start, amount, unit) != old:
        return None
    new = after.add_working_time(start, amount, unit)
    return new if new != old else None


def _since(years) -> datetime.datetime | None:
    if not years:
        return None
    first = datetime.date(min(years), 1, 1)
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _transfer_requests(case_ids) -> dict[int, datetime.datetime]:
    """The latest transfer request (申请退回) of each case."""
    out: dict[int, datetime.datetime] = {}
    rows = CaseEvent.objects.filter(case_id__in=case_ids, kind=EventKind.TRANSFER_REQUESTED).order_by(
        "at", "pk"
    )
    for case_id, at in rows.values_list("case_id", "at"):
        out[case_id] = at
    return out


def _other_clocks(before, after, since):
    """(case, field, label, old, new) for the dispatch, transfer-review and coordination deadlines that move."""
    from django.conf import settings

    hours = deadlines.dispatch_hours()
    coordination_days = getattr(settings, "CASE_COORDINATION_DAYS", 15)
    clocks = (
        ("dispatch_deadline", _("派遣时限"), {"state__in": INTAKE_STATES}),
        ("transfer_deadline", _("退回审核时限"), {"state": CaseState.RETURNED}),
        ("coordination_deadline", _("协调时限"), {"state": CaseState.COORDINATING}),
    )
    for field_name, label, where in clocks:
        filters = {**where, f"{field_name}__isnull": False}
        if since is not None:
            filters[f"{field_name}__gte"] = since
        cases = list(Case.objects.select_for_update(of=("self",)).filter(**filters).order_by("pk"))
        requested = _transfer_requests([c.pk for c in cases]) if field_name == "transfer_deadline" else {}
        for case in cases:
            old = getattr(case, field_name)
            if field_name == "dispatch_deadline":
                new = rule_moved(before, after, case.reported_at, old, hours, "hours")
            elif field_name == "transfer_deadline":
                new = rule_moved(before, after, requested.get(case.pk), old, hours, "hours")
            else:
                new = rule_moved(before, after, case.cycle_started_at, old, coordination_days, "days")
            if new is not None:
                yield case, field_name, label, old, new


def _recomputed_event(case, actor, now, note: str, data: dict) -> None:
    """The case's timeline row for a deadline moved by a confirmed calendar."""
    events.transition_event(
        case, kind=EventKind.DEADLINE_RECOMPUTED, action="recompute_deadline", from_state=case.state,
        actor=actor, at=now, note=note, data=data,
    )  # fmt: skip


def recompute_provisional_deadlines(*, actor, before, years=()) -> list[DeadlineChange]:
    """Recompute the calendar-based deadlines under the current calendar (see the module docstring)."""
    changes: list[DeadlineChange] = []
    now = timezone.now()
    with transaction.atomic():
        after = get_calendar()
        cases = (
            Case.objects.select_for_update(of=("self",))
            .filter(deadline_provisional=True, state__in=UNIT_CLOCK_STATES, fix_deadline__isnull=False)
            .exclude(cycle_started_at=None)
            .select_related("category", "category__parent")
            .order_by("pk")
        )
        for case in cases:
            amount, unit = deadlines.category_deadline(case.category)
            start, old = case.cycle_started_at, case.fix_deadline
            fields = ["deadline_provisional", "updated_at"]
            if before.add_working_time(start, amount, unit) == old:
                case.fix_deadline = after.add_working_time(start, amount, unit)
                fields.append("fix_deadline")
            case.deadline_provisional = after.span_is_provisional(start, case.fix_deadline)
            if case.fix_deadline != old:
                case.next_alert_at = alerts.next_alert_at(case)
                fields.append("next_alert_at")
                _recomputed_event(
                    case, actor, now, _("放假安排已确认，处置时限按正式工作日历重算。"),
                    {"old": _utc(old), "new": _utc(case.fix_deadline)},
                )  # fmt: skip
                changes.append(
                    DeadlineChange(case.pk, case.code, old, case.fix_deadline, case.deadline_provisional)
                )
            if actor is not None:
                case._history_user = actor
            case.save(update_fields=fields)
        for case, field_name, label, old, new in _other_clocks(before, after, _since(years)):
            setattr(case, field_name, new)
            case.next_alert_at = alerts.next_alert_at(case)
            _recomputed_event(
                case, actor, now, _("放假安排已确认，%(what)s按正式工作日历重算。") % {"what": label},
                {"deadline": field_name, "old": _utc(old), "new": _utc(new)},
            )  # fmt: skip
            changes.append(DeadlineChange(case.pk, case.code, old, new, False, str(label)))
            if actor is not None:
                case._history_user = actor
            case.save(update_fields=[field_name, "next_alert_at", "updated_at"])
        if changes:
            tell_office(changes)
    return changes


def tell_office(changes: list[DeadlineChange], title: str = "") -> None:
    """One inbox message to each office user listing the moved deadlines (the first 50)."""
    from wenming.accounts.models import User
    from wenming.cases.notifications import office_user_ids
    from wenming.core.notify import notify

    lines = [str(c) for c in changes[:50]]
    if len(changes) > 50:
        lines.append(_("……共 %(n)s 件") % {"n": len(changes)})
    notify(
        User.objects.filter(pk__in=office_user_ids()),
        kind="calendar.deadlines_recomputed",
        title=title or _("放假安排确认后，%(n)s 项案件时限已重算") % {"n": len(changes)},
        body="\n".join(lines),
        url=reverse("cases:case_list"),
    )


def on_calendar_confirmed(sender, *, actor=None, before=None, years=(), **kwargs) -> list[DeadlineChange]:
    return recompute_provisional_deadlines(actor=actor, before=before, years=years)


def warn_calendar_expiry(today=None) -> int:
    """Put the calendar's expiry warning (core.workcal.expiry_warning) in each office user's inbox once per
    end date of the confirmed calendar; returns how many messages were written."""
    from wenming.accounts.models import User
    from wenming.cases.notifications import office_user_ids
    from wenming.core.models import Notification
    from wenming.core.notify import notify
    from wenming.core.workcal import expiry_warning

    warning = expiry_warning(today)
    if warning is None:
        return 0
    title = _("工作日历将于 %(date)s 到期，请导入 %(year)s 年放假安排") % {
        "date": warning["until"].isoformat(),
        "year": warning["year"],
    }
    kind = f"calendar.expiring.{warning['until'].isoformat()}"
    told = Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
    users = User.objects.filter(pk__in=office_user_ids()).exclude(pk__in=told)
    body = (
        _("目前 %(year)s 年按法定假日推算（暂定，不含调休），跨越该年的处置时限为暂定。")
        if warning["provisional"]
        else _("目前 %(year)s 年没有放假安排，按周一至周五计算。")
    ) % {"year": warning["year"]}
    with transaction.atomic():
        sent = notify(
            users,
            kind=kind,
            title=title,
            body=body,
            url=reverse("core:calendar_import") + f"?year={warning['year']}",
        )
    return len(sent)
