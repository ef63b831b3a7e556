"""Case clocks in working time (core.workcal): dispatch deadline, fix deadline, handling time.

* dispatch deadline = reported + `CASE_DISPATCH_HOURS` working hours (default 1);
* fix deadline = clock start (dispatch, reopening or unparking) + the category's deadline (working hours or
  working days); a category without one uses `CASE_DEFAULT_FIX_DAYS` working days (default 5);
* an approved extension replaces the fix deadline with the approved date;
* handling time = working seconds from the clock start to the fix report (平均处置时长);
* a fix deadline whose span touches a provisional year (holidays from the statutory rules, 调休 unknown) is
  marked `deadline_provisional`; when that year is confirmed (notice imported, or the package knows it) the
  rule-computed deadlines are recomputed from the cycle start (`services.calendar`), approved extensions kept.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from wenming.core.workcal import add_working_time, span_is_provisional, working_seconds_between


def dispatch_hours() -> float:
    return float(getattr(settings, "CASE_DISPATCH_HOURS", 1))


def dispatch_deadline(reported_at: datetime.datetime) -> datetime.datetime:
    return add_working_time(reported_at, dispatch_hours(), "hours")


def category_deadline(category) -> tuple[float, str]:
    """(amount, unit) of a category's fix deadline, falling back to its parent, then to the default."""
    for cat in (category, getattr(category, "parent", None)):
        if cat is not None and cat.deadline_value is not None and cat.deadline_unit:
            return cat.deadline_value, cat.deadline_unit
    return float(getattr(settings, "CASE_DEFAULT_FIX_DAYS", 5)), "days"


def fix_deadline(category, start: datetime.datetime) -> datetime.datetime:
    amount, unit = category_deadline(category)
    return add_working_time(start, amount, unit)


def is_provisional(start: datetime.datetime, deadline: datetime.datetime | None) -> bool:
    """The deadline crosses a year whose holidays are provisional (statutory rules only) or unknown."""
    return deadline is not None and span_is_provisional(start, deadline)


def transfer_deadline(requested_at: datetime.datetime) -> datetime.datetime:
    """The office decides on a "not ours" transfer within the same working hours as a dispatch."""
    return add_working_time(requested_at, dispatch_hours(), "hours")


def handling_seconds(start: datetime.datetime | None, end: datetime.datetime) -> int | None:
    if start is None:
        return None
    return max(0, working_seconds_between(start, end))


def deadline_label(category) -> str:
    amount, unit = category_deadline(category)
    shown = int(amount) if float(amount).is_integer() else amount
    return f"{shown} {'工作小时' if unit == 'hours' else '工作日'}"
