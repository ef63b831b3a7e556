"""Template helpers of the case screens: the deadline badge ("剩余 3 工作小时" / "超期 2 天")."""

from __future__ import annotations

import datetime
import math

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.cases.choices import INTAKE_STATES, UNIT_CLOCK_STATES, CaseState
from wenming.core.workcal import get_calendar

register = template.Library()

# A running clock turns orange when this little working time is left (or a quarter of the cycle).
WARN_SECONDS = 2 * 3600


def _overdue_text(late: datetime.timedelta) -> str:
    if late.days >= 1:
        return _("超期 %(n)d 天") % {"n": late.days}
    return _("超期 %(n)d 小时") % {"n": max(1, math.ceil(late.total_seconds() / 3600))}


def _remaining_text(seconds: int, day_seconds: int) -> str:
    if day_seconds and seconds >= day_seconds:
        return _("剩余 %(n)d 工作日") % {"n": seconds // day_seconds}
    if seconds >= 3600:
        return _("剩余 %(n)d 工作小时") % {"n": math.ceil(seconds / 3600)}
    return _("剩余 %(n)d 工作分钟") % {"n": max(0, math.ceil(seconds / 60))}


def _clock(case) -> tuple[str, datetime.datetime | None, datetime.datetime | None]:
    """(which clock, its deadline, when it started) for the case's current state."""
    if case.state in UNIT_CLOCK_STATES:
        return "fix", case.fix_deadline, case.cycle_started_at or case.dispatched_at
    if case.state in INTAKE_STATES:
        return "dispatch", case.dispatch_deadline, case.reported_at
    if case.state == CaseState.RETURNED:
        return "transfer", case.transfer_deadline, None
    return "", None, None


CLOCK_PREFIX = {"dispatch": gettext_lazy("待派遣"), "transfer": gettext_lazy("退回待审")}
CLOCK_LABELS = {
    "fix": gettext_lazy("处置时限"),
    "dispatch": gettext_lazy("派遣时限"),
    "transfer": gettext_lazy("退回审核时限"),
}


def deadline_status(case, now: datetime.datetime | None = None) -> dict | None:
    """The badge for the clock running now: {text, colour, overdue, title}; None when no clock runs.

    Remaining time is working time (core.workcal: weekends, holidays and 调休 counted right); time past a
    deadline is plain calendar time, as people say "超期 2 天".
    """
    now = now or timezone.now()
    if case.state == CaseState.PARKED and case.park_until:
        late = case.park_until < timezone.localtime(now).date()
        text = _("挂账至 %(d)s") % {"d": f"{case.park_until:%Y-%m-%d}"}
        return {"text": text, "colour": "red" if late else "grey", "overdue": late, "title": case.park_plan}
    kind, deadline, started = _clock(case)
    if deadline is None:
        return None
    title = f"{CLOCK_LABELS[kind]} {timezone.localtime(deadline):%Y-%m-%d %H:%M}"
    if deadline <= now:
        text = _overdue_text(now - deadline)
        if kind != "fix":
            text = f"{CLOCK_PREFIX[kind]} · {text}"
        return {"text": text, "colour": "red", "overdue": True, "title": title}
    calendar = get_calendar()
    seconds = calendar.working_seconds_between(now, deadline)
    total = calendar.working_seconds_between(started, deadline) if started else 0
    warn = seconds <= WARN_SECONDS or (total > 0 and seconds * 4 <= total)
    text = _remaining_text(seconds, calendar.day_seconds)
    if kind != "fix":
        text = f"{CLOCK_PREFIX[kind]} · {text}"
    return {"text": text, "colour": "orange" if warn else "green", "overdue": False, "title": title}


@register.inclusion_tag("cases/_deadline_badge.html")
def deadline_badge(case, now=None):
    return {"status": deadline_status(case, now)}


@register.filter
def iso_local(value) -> str:
    """An ISO timestamp from an event's data (stored in UTC) as local "Y-m-d H:i"; "" when unreadable."""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
