"""Properties of working-time arithmetic, on the real 2024–2026 State Council calendar (no database)."""

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.core.calendar_data import package_days
from wenming.core.workcal import WorkCalendar, parse_work_hours

SH = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar(
    {day: kind for year in (2024, 2025, 2026) for day, (kind, _name) in package_days(year).items()},
    parse_work_hours("08:30-12:00,14:30-18:00"),
    tz=SH,
)

starts = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1), max_value=datetime.datetime(2026, 6, 30), timezones=st.just(SH)
)
quarter_hours = st.integers(min_value=0, max_value=4 * 120).map(lambda q: q / 4)
whole_days = st.integers(min_value=0, max_value=60)


def in_working_time(dt: datetime.datetime) -> bool:
    return CALENDAR.is_working_moment(dt, include_end=True)


@settings(max_examples=300, deadline=None)
@given(starts, quarter_hours)
def test_hours_never_go_back_and_end_in_working_time(start, hours):
    result = CALENDAR.add_working_time(start, hours, "hours")
    assert result >= start
    assert in_working_time(result)


@settings(max_examples=300, deadline=None)
@given(starts, whole_days)
def test_days_never_go_back_and_end_in_working_time(start, days):
    result = CALENDAR.add_working_time(start, days, "days")
    assert result >= start
    assert in_working_time(result)


@settings(max_examples=300, deadline=None)
@given(starts, quarter_hours, quarter_hours)
def test_adding_hours_a_then_b_equals_adding_a_plus_b(start, a, b):
    step = CALENDAR.add_working_time(CALENDAR.add_working_time(start, a, "hours"), b, "hours")
    assert step == CALENDAR.add_working_time(start, a + b, "hours")


@settings(max_examples=300, deadline=None)
@given(starts, quarter_hours, quarter_hours)
def test_hours_are_monotone_in_the_amount(start, a, b):
    low, high = sorted((a, b))
    assert CALENDAR.add_working_time(start, low, "hours") <= CALENDAR.add_working_time(start, high, "hours")


@settings(max_examples=300, deadline=None)
@given(starts, whole_days, whole_days)
def test_days_are_monotone_in_the_amount(start, a, b):
    low, high = sorted((a, b))
    assert CALENDAR.add_working_time(start, low, "days") <= CALENDAR.add_working_time(start, high, "days")


@settings(max_examples=300, deadline=None)
@given(starts, quarter_hours)
def test_working_seconds_between_inverts_adding_hours(start, hours):
    start = CALENDAR.next_working_moment(start)  # a start inside working time
    end = CALENDAR.add_working_time(start, hours, "hours")
    assert CALENDAR.working_seconds_between(start, end) == hours * 3600


@settings(max_examples=200, deadline=None)
@given(starts, starts)
def test_working_seconds_between_is_antisymmetric_and_bounded(a, b):
    forward = CALENDAR.working_seconds_between(a, b)
    assert forward == -CALENDAR.working_seconds_between(b, a)
    assert abs(forward) <= abs((b - a).total_seconds())


@settings(max_examples=200, deadline=None)
@given(starts, whole_days)
def test_a_working_day_keeps_the_clock_time_of_the_working_start(start, days):
    origin = CALENDAR.next_working_moment(start)
    result = CALENDAR.add_working_time(start, days, "days")
    assert result.time() == origin.time()
    assert CALENDAR.is_working_day(result.date())
