import calendar
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction

from tests.factories import make_user
from wenming.core import workcal
from wenming.core.calendar_data import package_years
from wenming.core.choices import DayKind, DayOrigin
from wenming.core.models import CalendarDay, CalendarVersion
from wenming.core.services import reset_calendar_day, seed_calendar, set_calendar_day
from wenming.core.workcal import CalendarError, parse_work_hours

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


# --- the two definitions from the brief, on the 2025 calendar ------------------------------------------


def test_one_working_day_from_friday_is_the_make_up_sunday(seeded_calendar):
    assert workcal.add_working_time(at(2025, 9, 26, 10, 0), 1, "days") == at(2025, 9, 28, 10, 0)


def test_one_working_day_from_the_eve_of_national_day_is_the_ninth_of_october(seeded_calendar):
    assert workcal.add_working_time(at(2025, 9, 30, 10, 0), 1, "days") == at(2025, 10, 9, 10, 0)


# --- days ---------------------------------------------------------------------------------------------


def test_working_days_start_from_the_next_working_moment(seeded_calendar):
    # Saturday 2025-09-27 is a plain weekend; work resumes Sunday 09-28 08:30 (make-up day).
    assert workcal.add_working_time(at(2025, 9, 27, 10, 0), 1, "days") == at(2025, 9, 29, 8, 30)
    # In the lunch break, the clock starts at 14:30.
    assert workcal.add_working_time(at(2025, 9, 29, 12, 30), 2, "days") == at(2025, 10, 9, 14, 30)


def test_fractional_days_are_that_share_of_a_days_working_hours(seeded_calendar):
    # 0.5 day = 3.5 working hours with the default 7-hour day.
    assert workcal.add_working_time(at(2025, 9, 29, 9, 0), 0.5, "days") == at(2025, 9, 29, 15, 0)
    assert workcal.add_working_time(at(2025, 9, 29, 9, 0), 1.5, "days") == at(2025, 9, 30, 15, 0)


def test_fifteen_working_days_cross_the_national_day_holiday(seeded_calendar):
    # 09-29, 09-30, 10-09, 10-10, 10-11 (make-up Saturday), 10-13 … counted one by one.
    assert workcal.add_working_time(at(2025, 9, 29, 9, 0), 15, "days") == at(2025, 10, 27, 9, 0)


# --- hours --------------------------------------------------------------------------------------------


def test_working_hours_skip_the_evening_and_the_holiday(seeded_calendar):
    assert workcal.add_working_time(at(2025, 9, 30, 17, 0), 2, "hours") == at(2025, 10, 9, 9, 30)


def test_working_hours_skip_the_lunch_break(seeded_calendar):
    assert workcal.add_working_time(at(2025, 9, 29, 11, 30), 1, "hours") == at(2025, 9, 29, 15, 0)
    assert workcal.add_working_time(at(2025, 9, 29, 12, 30), 1, "hours") == at(2025, 9, 29, 15, 30)


def test_a_deadline_may_fall_on_the_end_of_a_window(seeded_calendar):
    end = workcal.add_working_time(at(2025, 9, 29, 8, 30), 3.5, "hours")
    assert end == at(2025, 9, 29, 12, 0)
    assert workcal.add_working_time(end, 0, "hours") == end
    assert workcal.add_working_time(end, 1, "hours") == at(2025, 9, 29, 15, 30)


def test_zero_from_outside_working_time_is_the_next_working_moment(seeded_calendar):
    assert workcal.add_working_time(at(2025, 10, 1, 10, 0), 0, "hours") == at(2025, 10, 9, 8, 30)
    assert workcal.add_working_time(at(2025, 10, 1, 10, 0), 0, "days") == at(2025, 10, 9, 8, 30)


def test_utc_input_gives_shanghai_output(seeded_calendar):
    start = datetime.datetime(2025, 9, 29, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Shanghai
    result = workcal.add_working_time(start, 1, "hours")
    assert result == at(2025, 9, 29, 10, 0)
    assert result.utcoffset() == datetime.timedelta(hours=8)


def test_decimal_amounts_are_accepted(seeded_calendar):
    from decimal import Decimal

    assert workcal.add_working_time(at(2025, 9, 29, 9, 0), Decimal("1.25"), "hours") == at(
        2025, 9, 29, 10, 15
    )


@pytest.mark.parametrize(
    ("start", "amount", "unit", "message"),
    [
        (datetime.datetime(2025, 9, 29, 9, 0), 1, "hours", "时区"),
        (at(2025, 9, 29, 9, 0), -1, "hours", "负数"),
        (at(2025, 9, 29, 9, 0), float("nan"), "hours", "有限"),
        (at(2025, 9, 29, 9, 0), "1", "hours", "数字"),
        (at(2025, 9, 29, 9, 0), 1, "weeks", "单位"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(seeded_calendar, start, amount, unit, message):
    with pytest.raises(CalendarError, match=message):
        workcal.add_working_time(start, amount, unit)


# --- counting and predicates ----------------------------------------------------------------------------


def test_working_seconds_between_counts_only_working_windows(seeded_calendar):
    # Friday 17:00–18:00 (1 h) + make-up Sunday (7 h) + Monday 08:30–09:00 (0.5 h).
    assert workcal.working_seconds_between(at(2025, 9, 26, 17, 0), at(2025, 9, 29, 9, 0)) == 30600
    assert workcal.working_seconds_between(at(2025, 9, 29, 9, 0), at(2025, 9, 26, 17, 0)) == -30600
    assert workcal.working_seconds_between(at(2025, 10, 1, 0, 0), at(2025, 10, 8, 23, 59)) == 0


def test_is_working_day_follows_the_statutory_calendar(seeded_calendar):
    assert workcal.is_working_day(datetime.date(2025, 9, 28)) is True  # make-up Sunday
    assert workcal.is_working_day(datetime.date(2025, 10, 1)) is False  # National Day
    assert workcal.is_working_day(datetime.date(2025, 10, 4)) is False  # Saturday inside the holiday
    assert workcal.is_working_day(datetime.date(2025, 10, 9)) is True


def test_next_working_moment(seeded_calendar):
    assert workcal.next_working_moment(at(2025, 9, 29, 9, 0)) == at(2025, 9, 29, 9, 0)
    assert workcal.next_working_moment(at(2025, 9, 29, 12, 0)) == at(2025, 9, 29, 14, 30)
    assert workcal.next_working_moment(at(2025, 9, 29, 7, 0)) == at(2025, 9, 29, 8, 30)
    assert workcal.next_working_moment(at(2025, 9, 30, 18, 0)) == at(2025, 10, 9, 8, 30)


# --- years the calendar does not know ---------------------------------------------------------------------


def test_a_year_without_rows_falls_back_to_monday_to_friday_with_a_flag(seeded_calendar, caplog):
    assert workcal.year_is_configured(2025) is True
    assert workcal.year_is_configured(2031) is False
    # 2031-10-01 is a Wednesday: without the year's arrangements it counts as a working day.
    with caplog.at_level("WARNING", logger="wenming.core.workcal"):
        assert workcal.is_working_day(datetime.date(2031, 10, 1)) is True
    assert "2031" in caplog.text
    assert workcal.is_working_day(datetime.date(2031, 10, 4)) is False  # Saturday


def test_an_empty_calendar_is_monday_to_friday(db):
    assert workcal.add_working_time(at(2025, 9, 26, 10, 0), 1, "days") == at(2025, 9, 29, 10, 0)
    assert workcal.year_is_configured(2025) is False


# --- working hours setting ----------------------------------------------------------------------------


def test_work_hours_are_parsed_sorted_and_merged():
    assert parse_work_hours("14:30-18:00, 08:30-12:00") == (
        (datetime.time(8, 30), datetime.time(12, 0)),
        (datetime.time(14, 30), datetime.time(18, 0)),
    )
    assert parse_work_hours("08:00-12:00,12:00-17:00") == ((datetime.time(8, 0), datetime.time(17, 0)),)


@pytest.mark.parametrize("spec", ["", "8-12", "12:00-08:00", "08:00-12:00,11:00-13:00", "08:00"])
def test_bad_work_hours_are_a_configuration_error(spec):
    with pytest.raises(ImproperlyConfigured):
        parse_work_hours(spec)


def test_work_hours_come_from_settings(seeded_calendar, settings):
    settings.WORK_HOURS = "09:00-17:00"
    workcal.clear_cache()
    assert workcal.add_working_time(at(2025, 9, 29, 16, 0), 2, "hours") == at(2025, 9, 30, 10, 0)


# --- seeding and office overrides -------------------------------------------------------------------------


def test_seeding_is_idempotent_and_keeps_office_overrides(seeded_calendar):
    office = make_user("office")
    assert seeded_calendar.created == 366 + 365 + 365
    set_calendar_day(actor=office, date=datetime.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="临时放假")

    unknown = package_years().stop  # the first year the installed chinese-calendar does not know
    again = seed_calendar(years=[2024, 2025, 2026, unknown])

    assert (again.created, again.updated, again.overrides_kept) == (0, 0, 1)
    assert again.unchanged == 366 + 365 + 365 - 1
    assert again.skipped_years == [unknown]
    row = CalendarDay.objects.get(date=datetime.date(2026, 12, 31))
    assert (row.kind, row.name, row.origin) == (DayKind.HOLIDAY, "临时放假", DayOrigin.OVERRIDE)


def test_seed_calendar_command_reports_years_the_package_does_not_know(db, capsys):
    unknown = package_years().stop
    call_command("seed_calendar", "--from", "2026", "--to", str(unknown), "--no-provisional")
    out, err = capsys.readouterr()
    assert "365 created" in out
    assert str(unknown) in err
    assert CalendarDay.objects.filter(date__year=2026).count() == 365
    assert CalendarDay.objects.filter(date__year=unknown).count() == 0


def test_seed_calendar_command_seeds_unknown_years_provisionally(db, capsys):
    unknown = package_years().stop
    call_command("seed_calendar", "--from", str(unknown), "--to", str(unknown))
    _out, err = capsys.readouterr()
    assert "provisional" in err and str(unknown) in err
    rows = CalendarDay.objects.filter(date__year=unknown)
    assert rows.count() == (366 if calendar.isleap(unknown) else 365)
    assert set(rows.values_list("origin", flat=True)) == {DayOrigin.RULES}
    assert rows.filter(kind=DayKind.HOLIDAY).count() == 13  # 1+4+1+2+1+1+3 statutory days
    assert not workcal.year_is_confirmed(unknown) and workcal.year_is_configured(unknown)


def test_an_override_is_used_at_once_and_reset_restores_the_package(seeded_calendar):
    office = make_user("office")
    start = at(2025, 9, 30, 10, 0)
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 9, 10, 0)

    set_calendar_day(actor=office, date=datetime.date(2025, 10, 9), kind=DayKind.HOLIDAY, name="测试放假")
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 10, 10, 0)

    restored = reset_calendar_day(actor=office, date=datetime.date(2025, 10, 9))
    assert (restored.kind, restored.origin) == (DayKind.WORKDAY, DayOrigin.PACKAGE)
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 9, 10, 0)


def test_resetting_a_day_the_package_does_not_know_deletes_it(db):
    office = make_user("office")
    set_calendar_day(actor=office, date=datetime.date(2031, 10, 1), kind=DayKind.HOLIDAY, name="国庆节")
    assert workcal.is_working_day(datetime.date(2031, 10, 1)) is False
    assert reset_calendar_day(actor=office, date=datetime.date(2031, 10, 1)) is None
    assert not CalendarDay.objects.filter(date=datetime.date(2031, 10, 1)).exists()
    assert workcal.is_working_day(datetime.date(2031, 10, 1)) is True


@pytest.mark.parametrize(
    ("day", "kind", "field"),
    [
        (datetime.date(2025, 9, 29), DayKind.WEEKEND, "kind"),  # a Monday cannot be a weekend
        (datetime.date(2025, 9, 29), DayKind.MAKEUP, "kind"),  # make-up days are Saturdays or Sundays
        (datetime.date(2025, 9, 27), DayKind.WORKDAY, "kind"),  # a Saturday at work is a make-up day
        (datetime.date(2025, 9, 27), "bogus", "kind"),
    ],
)
def test_an_override_must_fit_the_weekday(seeded_calendar, day, kind, field):
    office = make_user("office")
    before = list(CalendarDay.objects.filter(date=day).values_list("kind", "origin"))
    with pytest.raises(ValidationError) as error:
        set_calendar_day(actor=office, date=day, kind=kind)
    assert field in error.value.message_dict
    assert list(CalendarDay.objects.filter(date=day).values_list("kind", "origin")) == before


def test_only_the_office_may_change_the_calendar(seeded_calendar):
    handler = make_user("unit_handler")
    token = CalendarVersion.objects.get(pk=1).token
    with pytest.raises(PermissionDenied):
        set_calendar_day(actor=handler, date=datetime.date(2025, 10, 9), kind=DayKind.HOLIDAY)
    assert CalendarDay.objects.get(date=datetime.date(2025, 10, 9)).kind == DayKind.WORKDAY
    assert CalendarVersion.objects.get(pk=1).token == token


# --- the cache ------------------------------------------------------------------------------------------


def test_a_warm_cache_answers_without_queries(seeded_calendar, django_assert_num_queries):
    workcal.get_calendar()
    with django_assert_num_queries(0):
        for day in range(1, 29):
            workcal.add_working_time(at(2025, 9, day, 10, 0), 3, "days")


def test_a_rolled_back_change_is_forgotten(seeded_calendar):
    office = make_user("office")
    start = at(2025, 9, 30, 10, 0)
    with pytest.raises(RuntimeError), transaction.atomic():
        set_calendar_day(actor=office, date=datetime.date(2025, 10, 9), kind=DayKind.HOLIDAY)
        assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 10, 10, 0)
        raise RuntimeError("roll back")
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 9, 10, 0)


def test_another_process_change_is_seen_after_the_cache_period(seeded_calendar, settings):
    start = at(2025, 9, 30, 10, 0)
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 9, 10, 0)
    # Another process: rows and token change without this process's signals.
    CalendarDay.objects.filter(date=datetime.date(2025, 10, 9)).update(kind=DayKind.HOLIDAY)
    CalendarVersion.objects.filter(pk=1).update(token="changed-elsewhere")
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 9, 10, 0)  # still trusted

    settings.CALENDAR_CACHE_SECONDS = 0
    assert workcal.add_working_time(start, 1, "days") == at(2025, 10, 10, 10, 0)
