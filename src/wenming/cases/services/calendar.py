"""Provisional deadlines recomputed when a year's holidays are confirmed (时限重算).

`core` sends `calendar_confirmed` (actor, before, years) inside the transaction that confirms a year (the
State Council's notice imported on /calendar/ or the package upgraded). For every open case whose fix deadline
is marked provisional and whose unit clock runs:

* if the deadline is the rule-computed one under the calendar as it stood (`before`) — start of the clock
  cycle + the category's deadline — it is computed again under the confirmed calendar;
* a deadline set by hand (an approved extension) is kept;
* the case stays provisional only if its new span still touches a provisional or unconfigured year.

Each moved deadline appends a CaseEvent (`deadline_recomputed`, old and new in its data), reschedules the
case's alerts, and the office gets one inbox message listing the changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases import alerts, deadlines, events
from wenming.cases.choices import UNIT_CLOCK_STATES, EventKind
from wenming.cases.models import Case
from wenming.core.workcal import get_calendar


@dataclass(frozen=True)
class DeadlineChange:
    case_id: int
    code: str
    old: object
    new: object
    provisional: bool

    def __str__(self) -> str:
        local = timezone.localtime
        return f"{self.code}: {local(self.old):%Y-%m-%d %H:%M} → {local(self.new):%Y-%m-%d %H:%M}"


def _utc(value) -> str:
    return value.astimezone(datetime.UTC).isoformat()


def recompute_provisional_deadlines(*, actor, before) -> list[DeadlineChange]:
    """Recompute the provisional fix deadlines under the current calendar (see the module docstring)."""
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
                events.transition_event(
                    case,
                    kind=EventKind.DEADLINE_RECOMPUTED,
                    action="recompute_deadline",
                    from_state=case.state,
                    actor=actor,
                    at=now,
                    note=_("放假安排已确认，处置时限按正式工作日历重算。"),
                    data={"old": _utc(old), "new": _utc(case.fix_deadline)},
                )
                changes.append(
                    DeadlineChange(case.pk, case.code, old, case.fix_deadline, case.deadline_provisional)
                )
            if actor is not None:
                case._history_user = actor
            case.save(update_fields=fields)
        if changes:
            _tell_office(changes)
    return changes


def _tell_office(changes: list[DeadlineChange]) -> None:
    from wenming.accounts.models import User
    from wenming.cases.notifications import office_user_ids
    from wenming.core.notify import notify

    lines = [str(c) for c in changes[:50]]
    if len(changes) > 50:
        lines.append(_("……共 %(n)s 件") % {"n": len(changes)})
    notify(
        User.objects.filter(pk__in=office_user_ids()),
        kind="calendar.deadlines_recomputed",
        title=_("放假安排确认后，%(n)s 件案件的处置时限已重算") % {"n": len(changes)},
        body="\n".join(lines),
        url=reverse("cases:case_list"),
    )


def on_calendar_confirmed(sender, *, actor=None, before=None, years=(), **kwargs) -> list[DeadlineChange]:
    return recompute_provisional_deadlines(actor=actor, before=before)


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
