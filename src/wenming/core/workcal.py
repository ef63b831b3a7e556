"""Working-day calendar: deadlines in working hours and working days (工作日历与工作时间).

Definitions (aware datetimes in, aware Asia/Shanghai datetimes out):

* A **working day** is a `CalendarDay` of kind workday or make-up workday (调休上班). A date without a row
  follows the Monday–Friday rule. A whole **year without rows** therefore falls back to Monday–Friday;
  `year_is_configured(year)` is False for it, the calendar page shows a warning and the first use of such
  a year in a process logs a warning. Seed years with `wenming seed_calendar` (the chinese-calendar package
  knows the State Council's arrangements up to its last release); later years are seeded **provisionally**
  from the statutory rules (`core.holidays`, origin "rules") until the notice is imported on
  /calendar/import/. A deadline whose span touches a provisional or unconfigured year is provisional
  (`span_is_provisional`) and is recomputed when the year is confirmed (signal `calendar_confirmed`).
* **Working time** is the windows of `settings.WORK_HOURS` (default 08:30–12:00 and 14:30–18:00) on working
  days; windows are half-open for "where does work resume" (`next_working_moment(12:00)` is 14:30) and a
  deadline may fall exactly on a window's end (08:30 + 3.5 working hours = 12:00).
* **N working hours** consume N hours of working-time windows, starting at the next working moment.
  Amounts are counted in whole seconds.
* **N working days** = the same clock time on the N-th next working day, counted from the next working moment
  (so 1 working day from Friday 2025-09-26 10:00 is Sunday 2025-09-28 10:00, a make-up day, and from Tuesday
  2025-09-30 10:00 it is Thursday 2025-10-09 10:00). A fractional part is that share of one day's working
  hours (0.5 day = 3.5 working hours with the default windows). An amount of 0 returns the start if it is in
  working time, else the next working moment.
* `working_seconds_between(a, b)` counts working seconds in [a, b]; it is negative when b < a.

Caching: each thread keeps the whole calendar in memory (about 365 small rows a year) keyed on the random
token of the single `CalendarVersion` row, which every calendar write changes (a `post_save`/`post_delete`
signal, or `calendar_changed()` after bulk writes). A cached calendar is trusted without any query:

* in the process that made a change — writes bump an in-process generation at once and again when the
  transaction commits; if the change is rolled back, the token is re-checked as soon as the enclosing
  transaction block has gone;
* in other processes for `settings.CALENDAR_CACHE_SECONDS` (default 60 s), after which one query compares
  the token and the calendar is reloaded only if it changed.

So a process costs at most two queries (token, rows) on a cold or expired cache and none otherwise.
Asia/Shanghai has no daylight-saving time; wall-clock arithmetic on local times is exact.
"""

from __future__ import annotations

import datetime
import logging
import math
import threading
import time as _time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

WORKING_KINDS = frozenset({"workday", "makeup"})
UNITS = ("hours", "days")
_ONE_DAY = datetime.timedelta(days=1)
_ONE_SECOND = datetime.timedelta(seconds=1)
# A calendar with no working day for this long is a configuration error, not a deadline.
_MAX_SEARCH_DAYS = 3 * 366

Window = tuple[datetime.time, datetime.time]


class CalendarError(ValueError):
    """A working-time computation that cannot be answered (bad amount, unit or calendar)."""


# --- working hours ------------------------------------------------------------------------------------


def parse_work_hours(spec: str) -> tuple[Window, ...]:
    """'08:30-12:00,14:30-18:00' → ((08:30, 12:00), (14:30, 18:00)); sorted, non-overlapping, merged."""
    windows: list[Window] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        try:
            start_text, end_text = (x.strip() for x in part.split("-"))
            start = datetime.time.fromisoformat(start_text)
            end = datetime.time.fromisoformat(end_text)
        except ValueError:
            raise ImproperlyConfigured(f"WENMING_WORK_HOURS: bad window {part!r}, expected HH:MM-HH:MM")
        if start >= end:
            raise ImproperlyConfigured(f"WENMING_WORK_HOURS: window {part!r} ends before it starts")
        windows.append((start, end))
    if not windows:
        raise ImproperlyConfigured("WENMING_WORK_HOURS: at least one working-hour window is needed")
    windows.sort()
    merged: list[Window] = [windows[0]]
    for start, end in windows[1:]:
        last_start, last_end = merged[-1]
        if start < last_end:
            raise ImproperlyConfigured("WENMING_WORK_HOURS: working-hour windows overlap")
        if start == last_end:
            merged[-1] = (last_start, end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _seconds(t: datetime.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


# --- the calendar -------------------------------------------------------------------------------------


class WorkCalendar:
    """An immutable snapshot: the kind of each known date, the configured years and the working windows."""

    def __init__(
        self,
        days: Mapping[datetime.date, str],
        windows: tuple[Window, ...],
        tz: datetime.tzinfo | None = None,
        token: str = "",
        provisional_years: frozenset[int] = frozenset(),
        confirmed_years: frozenset[int] | None = None,
    ):
        self.days = dict(days)
        self.provisional_years = frozenset(provisional_years)
        self.windows = windows
        self.tz = tz or ZoneInfo(settings.TIME_ZONE)
        self.token = token
        self.configured_years = frozenset(d.year for d in self.days)
        # confirmed: the year has rows from the package or a notice and none from the statutory rules alone
        confirmed = self.configured_years if confirmed_years is None else frozenset(confirmed_years)
        self.confirmed_years = confirmed - self.provisional_years
        self.day_seconds = sum(_seconds(end) - _seconds(start) for start, end in windows)
        self._warned_years: set[int] = set()

    # -- days --
    def is_configured(self, year: int) -> bool:
        return year in self.configured_years

    def is_confirmed(self, year: int) -> bool:
        """The year's rows come from the package, a notice or the office, not from the statutory rules alone."""
        return year in self.confirmed_years

    def confirmed_until(self, today: datetime.date | None = None) -> datetime.date | None:
        """The last day of the last year of the unbroken run of confirmed years that contains today's year
        (or the latest confirmed year before it); None when no year is confirmed."""
        confirmed = sorted(self.confirmed_years)
        if not confirmed:
            return None
        year = (today or timezone.localdate()).year
        last = max((y for y in confirmed if y <= year), default=confirmed[0])
        while last + 1 in confirmed:
            last += 1
        return datetime.date(last, 12, 31)

    def span_is_provisional(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        """True when a date from `start` to `end` lies in a provisional or an unconfigured year, so a deadline
        computed over it may move once the State Council's arrangement is entered."""
        first, last = self.local(start).date(), self.local(end).date()
        if last < first:
            first, last = last, first
        return any(not self.is_confirmed(y) for y in range(first.year, last.year + 1))

    def is_working_day(self, day: datetime.date) -> bool:
        if isinstance(day, datetime.datetime):
            day = self.local(day).date()
        kind = self.days.get(day)
        if kind is not None:
            return kind in WORKING_KINDS
        if day.year not in self.configured_years and day.year not in self._warned_years:
            self._warned_years.add(day.year)
            logger.warning(
                "工作日历未配置 %s 年，按周一至周五工作计算（请运行 seed_calendar 或手工维护）", day.year
            )
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        for _ in range(_MAX_SEARCH_DAYS):
            day += _ONE_DAY
            if self.is_working_day(day):
                return day
        raise CalendarError(f"{_MAX_SEARCH_DAYS} 天内没有工作日，请检查工作日历")

    # -- moments --
    def local(self, dt: datetime.datetime) -> datetime.datetime:
        if not isinstance(dt, datetime.datetime):
            raise CalendarError("需要日期时间（datetime）")
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise CalendarError("时间必须带时区（aware datetime）")
        return dt.astimezone(self.tz)

    def _at(self, day: datetime.date, t: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, t, tzinfo=self.tz)

    def is_working_moment(self, dt: datetime.datetime, *, include_end: bool = False) -> bool:
        """Inside a working window of a working day; `include_end` also accepts a window's closing instant."""
        local = self.local(dt)
        if not self.is_working_day(local.date()):
            return False
        moment = local.timetz().replace(tzinfo=None)
        for start, end in self.windows:
            if start <= moment < end or (include_end and moment == end):
                return True
        return False

    def next_working_moment(self, dt: datetime.datetime) -> datetime.datetime:
        """`dt` itself if it is in working time (half-open windows), else where work next resumes."""
        local = self.local(dt)
        day = local.date()
        if self.is_working_day(day):
            for start, end in self.windows:
                window_start, window_end = self._at(day, start), self._at(day, end)
                if local < window_start:
                    return window_start
                if local < window_end:
                    return local
        return self._at(self.next_working_day(day), self.windows[0][0])

    def _window_end(self, local: datetime.datetime) -> datetime.datetime:
        """The end of the window that contains `local` (which must be a working moment)."""
        moment = local.timetz().replace(tzinfo=None)
        for start, end in self.windows:
            if start <= moment < end:
                return self._at(local.date(), end)
        raise CalendarError("not inside a working window")  # pragma: no cover - guarded by callers

    # -- arithmetic --
    def add_working_time(self, start: datetime.datetime, amount, unit: str) -> datetime.datetime:
        value = _amount(amount)
        if unit == "hours":
            return self._add_seconds(start, int((value * 3600).to_integral_value()))
        if unit == "days":
            return self._add_days(start, value)
        raise CalendarError(f"未知的时间单位：{unit}（应为 hours 或 days）")

    def _add_seconds(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        local = self.local(start)
        if seconds == 0:
            return (
                local if self.is_working_moment(local, include_end=True) else self.next_working_moment(local)
            )
        remaining = datetime.timedelta(seconds=seconds)
        moment = self.next_working_moment(local)
        while True:
            window_end = self._window_end(moment)
            available = window_end - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
            moment = self.next_working_moment(window_end)

    def _add_days(self, start: datetime.datetime, value: Decimal) -> datetime.datetime:
        whole = int(value)
        fraction = value - whole
        if whole == 0:
            return self._add_seconds(start, int((fraction * self.day_seconds).to_integral_value()))
        moment = self.next_working_moment(start)
        day = moment.date()
        for _ in range(whole):
            day = self.next_working_day(day)
        result = datetime.datetime.combine(day, moment.timetz())
        if fraction:
            result = self._add_seconds(result, int((fraction * self.day_seconds).to_integral_value()))
        return result

    def working_seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        first, last = self.local(start), self.local(end)
        if last < first:
            return -self.working_seconds_between(end, start)
        total = datetime.timedelta(0)
        day = first.date()
        while day <= last.date():
            if self.is_working_day(day):
                for window_start, window_end in self.windows:
                    lo = max(self._at(day, window_start), first)
                    hi = min(self._at(day, window_end), last)
                    if hi > lo:
                        total += hi - lo
            day += _ONE_DAY
        return total // _ONE_SECOND


def _amount(amount) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise CalendarError("时限必须是数字")
    if isinstance(amount, float) and not math.isfinite(amount):
        raise CalendarError("时限必须是有限的数字")
    try:
        value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    except InvalidOperation:
        raise CalendarError("时限必须是数字")
    if not value.is_finite() or value < 0:
        raise CalendarError("时限不能为负数")
    return value


# --- the per-process cache ----------------------------------------------------------------------------

_generation = 0
_generation_lock = threading.Lock()
_state = threading.local()


def _bump_generation() -> None:
    global _generation
    with _generation_lock:
        _generation += 1


def _read_token() -> str:
    from wenming.core.models import CalendarVersion

    return CalendarVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _load(generation: int) -> WorkCalendar:
    from wenming.core.models import CalendarDay

    _pending_block_closed()  # what is loaded now reflects every block closed so far
    from wenming.core.choices import DayOrigin

    token = _read_token()
    days, provisional, confirmed = {}, set(), set()
    for date, kind, origin in CalendarDay.objects.values_list("date", "kind", "origin"):
        days[date] = kind
        if origin == DayOrigin.RULES:
            provisional.add(date.year)
        elif origin in (DayOrigin.PACKAGE, DayOrigin.NOTICE):
            confirmed.add(date.year)
    calendar = WorkCalendar(
        days,
        parse_work_hours(settings.WORK_HOURS),
        token=token,
        provisional_years=frozenset(provisional),
        confirmed_years=frozenset(confirmed),
    )
    _state.calendar = calendar
    _state.generation = generation
    _state.checked_at = _time.monotonic()
    return calendar


def _pending_block_closed() -> bool:
    """True when a transaction block in which this thread changed the calendar has closed since.

    The change is at risk until the outermost of those blocks commits; a closed inner block may have rolled
    back (or been released into its parent), so the caller re-checks the token, and the blocks still open
    stay watched."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        return False
    blocks, savepoints = pending
    connection = transaction.get_connection()
    current, current_savepoints = connection.atomic_blocks, connection.savepoint_ids
    keep = 0
    # savepoint_ids[i] belongs to atomic_blocks[i + 1] (the outermost block has no savepoint).
    while (
        keep < len(blocks)
        and keep < len(current)
        and current[keep] is blocks[keep]
        and (keep == 0 or current_savepoints[keep - 1] == savepoints[keep - 1])
    ):
        keep += 1
    if keep == len(blocks):
        return False
    _state.pending = (blocks[:keep], savepoints[: max(keep - 1, 0)]) if keep else None
    return True


def get_calendar() -> WorkCalendar:
    """The current calendar, from this thread's cache when it can be trusted (see the module docstring)."""
    calendar: WorkCalendar | None = getattr(_state, "calendar", None)
    generation = _generation
    if calendar is None or _state.generation != generation:
        return _load(generation)
    expired = _time.monotonic() - _state.checked_at > settings.CALENDAR_CACHE_SECONDS
    if _pending_block_closed() or expired:
        if _read_token() != calendar.token:
            return _load(generation)
        _state.checked_at = _time.monotonic()
    return calendar


def calendar_changed() -> None:
    """Record a calendar change: new version token (same transaction), fresh caches in this process."""
    from wenming.core.models import CalendarVersion, new_public_id

    CalendarVersion.objects.update_or_create(
        pk=1, defaults={"token": new_public_id(), "changed_at": timezone.now()}
    )
    _bump_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _state.pending = (list(connection.atomic_blocks), list(connection.savepoint_ids))
        transaction.on_commit(_bump_generation)


def clear_cache() -> None:
    """Forget every thread's cached calendar in this process (tests, or after raw SQL edits)."""
    _bump_generation()


# --- the public functions -------------------------------------------------------------------------------


def add_working_time(start: datetime.datetime, amount: int | float | Decimal, unit: str) -> datetime.datetime:
    """`start` plus `amount` working "hours" or working "days" (see the module docstring)."""
    return get_calendar().add_working_time(start, amount, unit)


def working_seconds_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Working seconds from `start` to `end` (negative if `end` is earlier)."""
    return get_calendar().working_seconds_between(start, end)


def is_working_day(day: datetime.date) -> bool:
    return get_calendar().is_working_day(day)


def next_working_moment(dt: datetime.datetime) -> datetime.datetime:
    return get_calendar().next_working_moment(dt)


def is_working_moment(dt: datetime.datetime) -> bool:
    return get_calendar().is_working_moment(dt)


def span_is_provisional(start: datetime.datetime, end: datetime.datetime) -> bool:
    """A deadline from `start` to `end` crosses a provisional or unconfigured year (see WorkCalendar)."""
    return get_calendar().span_is_provisional(start, end)


EXPIRY_WARNING_DAYS = 60


def expiry_warning(today: datetime.date | None = None) -> dict | None:
    """From `EXPIRY_WARNING_DAYS` (60) days before the confirmed calendar ends: {"until": its last day,
    "days_left": days from today to it (0 on the day itself, negative once past), "year": the first year not
    confirmed, "provisional": whether that year has provisional holidays}; None otherwise."""
    calendar = get_calendar()
    today = today or timezone.localdate()
    until = calendar.confirmed_until(today)
    if until is None:
        until = datetime.date(today.year - 1, 12, 31)
    days_left = (until - today).days
    if days_left > EXPIRY_WARNING_DAYS:
        return None
    year = until.year + 1
    return {
        "until": until,
        "days_left": days_left,
        "year": year,
        "provisional": year in calendar.provisional_years,
    }


def year_is_confirmed(year: int) -> bool:
    return get_calendar().is_confirmed(year)


def year_is_configured(year: int) -> bool:
    """False when the year has no calendar rows and falls back to Monday–Friday (show a warning)."""
    return get_calendar().is_configured(year)
