"""2027 deadlines across 元旦 and 春节: right with the provisional (statutory) holidays, and again after the
State Council's notice is pasted; the moved deadlines are recomputed, logged and listed to the office."""

import datetime

from tests.cases.helpers import dispatched_case, local
from tests.factories import make_category
from wenming.cases.choices import EventKind
from wenming.cases.models import Case
from wenming.core import workcal
from wenming.core.calendar_data import package_years
from wenming.core.choices import DayKind, DayOrigin
from wenming.core.holidays import parse_notice, provisional_days
from wenming.core.models import CalendarDay, Notification
from wenming.core.services import import_calendar_year, seed_calendar, seed_provisional_year

# An illustrative 2027 notice in the standard wording (元旦 bridged with the weekend; 春节 9 days from 除夕).
NOTICE_2027 = (
    "一、元旦：1月1日（周五）放假，与周末连休。\n"
    "二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。\n"
)


def _five_days(w):
    return make_category(parent=w.top, name="破损设施", deadline_value=5, deadline_unit="days")


def test_2027_deadlines_across_new_year_and_spring_festival_before_and_after_the_notice(world):
    w = world
    seed_provisional_year(actor=w.office, year=2027)  # whatever the installed package knows about 2027
    assert not workcal.year_is_confirmed(2027)

    # 元旦: dispatched Thursday 2026-12-31 10:00, 2 working days: 1 Jan is a holiday → Mon 4th, Tue 5th.
    new_year = dispatched_case(w, at=local(2026, 12, 31, 10, 0), category=_five_days(w))
    new_year_1d = dispatched_case(w, at=local(2026, 12, 31, 10, 0))  # 暴露垃圾: 1 working day
    # 春节: dispatched Wednesday 2027-02-03 10:00, 5 working days. Provisional: 4 Feb (1), 5–8 Feb off
    # (除夕–初三), 9, 10, 11, 12 Feb (2–5) → Friday 2027-02-12 10:00.
    spring = dispatched_case(w, at=local(2027, 2, 3, 10, 0), category=_five_days(w))
    # Fully inside 2026 (a confirmed year): not provisional.
    plain = dispatched_case(w, at=local(2026, 12, 1, 10, 0))

    assert new_year_1d.fix_deadline == local(2027, 1, 4, 10, 0)
    assert new_year.fix_deadline == local(2027, 1, 8, 10, 0)  # 4, 5, 6, 7, 8 Jan
    assert spring.fix_deadline == local(2027, 2, 12, 10, 0)
    assert (new_year.deadline_provisional, spring.deadline_provisional, plain.deadline_provisional) == (
        True,
        True,
        False,
    )

    # The notice: 春节 5–13 Feb off, Saturday 20 Feb worked. 4 Feb (1), 15, 16, 17, 18 Feb (2–5).
    office_inbox_before = Notification.objects.filter(recipient=w.office).count()
    report = import_calendar_year(actor=w.office, year=2027, days=parse_notice(NOTICE_2027, 2027))

    assert workcal.year_is_confirmed(2027)
    assert report.confirmed_years == [2027]
    for case in (new_year, new_year_1d, spring, plain):
        case.refresh_from_db()
    assert new_year_1d.fix_deadline == local(2027, 1, 4, 10, 0)  # unchanged: 2–3 Jan were a weekend anyway
    assert new_year.fix_deadline == local(2027, 1, 8, 10, 0)
    assert spring.fix_deadline == local(2027, 2, 18, 10, 0)
    assert not (new_year.deadline_provisional or spring.deadline_provisional)
    assert [(c.code, c.new) for c in report.recomputed] == [(spring.code, spring.fix_deadline)]
    event = spring.events.get(kind=EventKind.DEADLINE_RECOMPUTED)
    assert event.data == {
        "old": local(2027, 2, 12, 10, 0).astimezone(datetime.UTC).isoformat(),
        "new": local(2027, 2, 18, 10, 0).astimezone(datetime.UTC).isoformat(),
    }
    assert not new_year.events.filter(kind=EventKind.DEADLINE_RECOMPUTED).exists()
    inbox = Notification.objects.filter(recipient=w.office).order_by("-pk")
    assert inbox.count() == office_inbox_before + 1
    assert spring.code in inbox.first().body and "2027-02-18 10:00" in inbox.first().body
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("origin", flat=True)) == {
        DayOrigin.NOTICE
    }


def test_an_approved_extension_is_kept_when_the_year_is_confirmed(world):
    w = world
    seed_provisional_year(actor=w.office, year=2027)
    case = dispatched_case(w, at=local(2027, 2, 3, 10, 0), category=_five_days(w))
    Case.objects.filter(pk=case.pk).update(fix_deadline=local(2027, 2, 26, 18, 0))  # as an extension sets it
    import_calendar_year(actor=w.office, year=2027, days=parse_notice(NOTICE_2027, 2027))
    case.refresh_from_db()
    assert case.fix_deadline == local(2027, 2, 26, 18, 0)
    assert case.deadline_provisional is False


def test_an_unknown_year_is_seeded_provisionally_and_confirmed_by_the_package_data(world):
    """Built from the first year the installed chinese-calendar does not know, never a fixed year."""
    w = world
    unknown = package_years().stop
    report = seed_calendar(years=[unknown - 1, unknown], provisional=True)
    assert report.provisional_years == [unknown]
    start = local(unknown - 1, 12, 31, 10, 0)
    case = dispatched_case(w, at=start, category=_five_days(w))
    day, counted = datetime.date(unknown - 1, 12, 31), 0
    holidays = {d for d, (k, _n) in provisional_days(unknown).items() if k == DayKind.HOLIDAY}
    while counted < 5:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays and (day.year == unknown or workcal.is_working_day(day)):
            counted += 1
    expected = local(day.year, day.month, day.day, 10, 0)
    assert case.fix_deadline == expected
    assert case.deadline_provisional is True


def test_the_office_is_warned_once_and_the_workbench_shows_provisional_deadlines(world, client, monkeypatch):
    from wenming.cases.services.calendar import warn_calendar_expiry

    w = world  # 2025–2026 confirmed from the package
    seed_provisional_year(actor=w.office, year=2027)
    dispatched_case(w, at=local(2026, 12, 30, 10, 0), category=_five_days(w))
    assert warn_calendar_expiry(today=datetime.date(2026, 10, 31)) == 0  # 61 days before: nothing yet
    # office1 and office2 each get one message; a second run (the next day) sends nothing again.
    assert warn_calendar_expiry(today=datetime.date(2026, 11, 1)) == 2
    assert warn_calendar_expiry(today=datetime.date(2026, 11, 2)) == 0
    message = Notification.objects.filter(recipient=w.office, kind__startswith="calendar.expiring").get()
    assert "2026-12-31" in message.title and "2027" in message.title and "暂定" in message.body

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 12, 7))
    client.force_login(w.office)
    html = client.get("/").content.decode()
    assert 'id="widget-calendar-expiry"' in html and "1 件在办案件的处置时限为暂定" in html
    client.force_login(w.handler)
    assert 'id="widget-calendar-expiry"' not in client.get("/").content.decode()
