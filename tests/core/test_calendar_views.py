import datetime

from django.urls import reverse

from tests.factories import make_area, make_unit, make_user
from tests.permissions import assert_matrix
from wenming.core import workcal
from wenming.core.choices import DayKind, DayOrigin
from wenming.core.models import CalendarDay
from wenming.core.services import set_calendar_day


def test_calendar_page_permission_matrix(client, seeded_calendar):
    handler = make_user("unit_handler", unit=make_unit())
    street = make_user("street", area=make_area())
    office = make_user("office")
    url = reverse("core:calendar") + "?year=2025"
    assert_matrix(client, url, {"anonymous": 302, handler: 200, street: 200, office: 200})


def test_calendar_page_shows_the_years_holidays_and_counts(
    client, seeded_calendar, django_assert_max_num_queries
):
    client.force_login(make_user("leader"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:calendar"), {"year": 2025})
    html = response.content.decode()
    assert "2025 年" in html
    assert "国庆节" in html and "国庆节调休" in html
    # 2025: 248 working days (5 of them make-up weekend days) and 28 statutory holiday dates.
    assert response.context["working_days"] == 248
    assert response.context["counts"][DayKind.MAKEUP] == 5
    assert response.context["counts"][DayKind.HOLIDAY] == 28
    assert response.context["configured"] is True
    assert "调整某一天" not in html  # leaders read, the office edits


def test_an_unconfigured_year_shows_the_fallback_warning(client, seeded_calendar):
    client.force_login(make_user("office"))
    response = client.get(reverse("core:calendar"), {"year": 2031})
    html = response.content.decode()
    assert response.context["configured"] is False
    assert "不在内置节假日数据范围" in html
    assert response.context["working_days"] == 261  # Monday–Friday of 2031
    assert "调整某一天" in html


def test_htmx_year_switch_returns_the_partial(client, seeded_calendar):
    client.force_login(make_user("office"))
    html = client.get(
        reverse("core:calendar"), {"year": 2024}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "2024 年" in html
    assert "<html" not in html and "调整某一天" not in html


def test_a_bad_year_parameter_shows_this_year(client, seeded_calendar):
    client.force_login(make_user("office"))
    response = client.get(reverse("core:calendar"), {"year": "二〇二五"})
    assert response.context["year"] == datetime.date.today().year


def test_setting_a_day_permission_matrix(client, seeded_calendar):
    handler = make_user("unit_handler", unit=make_unit())
    leader = make_user("leader")
    office = make_user("office")
    url = reverse("core:calendar_set")
    data = {"date": "2025-10-09", "kind": DayKind.HOLIDAY, "name": "临时放假"}
    assert_matrix(client, url, {"anonymous": 302, handler: 403, leader: 403}, method="post", data=data)
    assert CalendarDay.objects.get(date=datetime.date(2025, 10, 9)).kind == DayKind.WORKDAY
    assert_matrix(client, url, {office: 302}, method="post", data=data)
    row = CalendarDay.objects.get(date=datetime.date(2025, 10, 9))
    assert (row.kind, row.name, row.origin) == (DayKind.HOLIDAY, "临时放假", DayOrigin.OVERRIDE)
    assert workcal.is_working_day(datetime.date(2025, 10, 9)) is False


def test_a_day_that_does_not_fit_its_weekday_is_refused_on_the_form(client, seeded_calendar):
    client.force_login(make_user("office"))
    response = client.post(reverse("core:calendar_set"), {"date": "2025-09-29", "kind": DayKind.MAKEUP})
    assert response.status_code == 400
    assert "调休上班只能设在周六或周日" in response.content.decode()
    row = CalendarDay.objects.get(date=datetime.date(2025, 9, 29))
    assert (row.kind, row.origin) == (DayKind.WORKDAY, DayOrigin.PACKAGE)


def test_resetting_an_override(client, seeded_calendar):
    office = make_user("office")
    handler = make_user("unit_handler", unit=make_unit())
    set_calendar_day(actor=office, date=datetime.date(2025, 10, 9), kind=DayKind.HOLIDAY)
    url = reverse("core:calendar_reset", args=["2025-10-09"])

    assert_matrix(client, url, {"anonymous": 302, handler: 403}, method="post")
    assert CalendarDay.objects.get(date=datetime.date(2025, 10, 9)).origin == DayOrigin.OVERRIDE
    assert_matrix(client, url, {office: 302}, method="post")
    row = CalendarDay.objects.get(date=datetime.date(2025, 10, 9))
    assert (row.kind, row.origin) == (DayKind.WORKDAY, DayOrigin.PACKAGE)
    client.force_login(office)
    assert client.post(reverse("core:calendar_reset", args=["not-a-date"])).status_code == 404


def test_the_admin_edits_the_calendar_through_the_service(client, seeded_calendar):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    row = CalendarDay.objects.get(date=datetime.date(2025, 10, 9))
    url = reverse("admin:core_calendarday_change", args=[row.pk])

    refused = client.post(url, {"date": "2025-10-09", "kind": DayKind.WEEKEND, "name": ""})
    assert refused.status_code == 200
    assert "周一至周五不能设为周末" in refused.content.decode()

    assert (
        client.post(url, {"date": "2025-10-09", "kind": DayKind.HOLIDAY, "name": "补假"}).status_code == 302
    )
    row.refresh_from_db()
    assert (row.kind, row.name, row.origin) == (DayKind.HOLIDAY, "补假", DayOrigin.OVERRIDE)
    assert workcal.is_working_day(datetime.date(2025, 10, 9)) is False
