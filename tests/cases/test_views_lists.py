"""The case list: filters, htmx partial, deadline badges, saved filters, bulk dispatch, query counts, and the
KPI drill-down landing on exactly the cases behind each figure."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import T0, case_in, dispatched_case, jpeg, new_case
from tests.factories import make_area, make_category
from wenming.cases import kpis, services
from wenming.cases.models import Case, SavedFilter
from wenming.cases.templatetags.cases_tags import deadline_status
from wenming.geo.choices import AreaLevel

LIST = "/cases/"


def listed(client, user, query="") -> set[str]:
    client.force_login(user)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return {c.code for c in response.context["paginator"].object_list}


def test_filters_by_state_category_unit_area_source_severity_and_dates(client, world):
    # given cases that differ in one attribute each
    other_top = make_category(name="交通秩序")
    other_leaf = make_category(parent=other_top, name="乱停车")
    other_community = make_area(AreaLevel.COMMUNITY, parent=world.other_street, name="枋湖社区")
    base = dispatched_case(world)
    reported = new_case(world)
    traffic = new_case(world, category=other_leaf)
    elsewhere = new_case(world, area=other_community)
    citizen = new_case(world, source="citizen", severity="urgent")
    old = new_case(world, at=T0 - datetime.timedelta(days=40))
    to_other = dispatched_case(world, unit=world.other_unit)
    office = world.office
    everyone = {c.code for c in (base, reported, traffic, elsewhere, citizen, old, to_other)}
    # then each filter keeps exactly the matching cases
    assert listed(client, office) == everyone
    assert listed(client, office, "state=dispatched") == {base.code, to_other.code}
    assert listed(client, office, f"top_category={other_top.pk}") == {traffic.code}
    assert listed(client, office, f"category={world.leaf.pk}") == everyone - {traffic.code}
    assert listed(client, office, f"unit={world.other_unit.pk}") == {to_other.code}
    assert listed(client, office, "unit=none") == {
        reported.code,
        traffic.code,
        elsewhere.code,
        citizen.code,
        old.code,
    }
    assert listed(client, office, f"street={world.other_street.pk}") == {elsewhere.code}
    assert listed(client, office, f"area={world.community.pk}") == everyone - {elsewhere.code}
    assert listed(client, office, "source=citizen") == {citizen.code}
    assert listed(client, office, "severity=urgent") == {citizen.code}
    assert listed(client, office, "date_to=2025-09-01") == {old.code}
    assert listed(client, office, "date_from=2025-09-26&date_to=2025-09-26") == everyone - {old.code}
    assert listed(client, office, f"q={traffic.code}") == {traffic.code}
    assert listed(client, office, "overdue=true") == {base.code, to_other.code}
    assert listed(client, office, "is_open=false") == set()


def test_search_by_address_and_description(client, world):
    a = new_case(world, address="湖里大道 88 号", description="井盖缺失")
    b = new_case(world, description="暴露垃圾堆放")
    assert listed(client, world.office, "q=湖里大道") == {a.code}
    assert listed(client, world.office, "q=垃圾") == {b.code}


def test_invalid_filter_shows_the_error_and_no_rows(client, world):
    new_case(world)
    client.force_login(world.office)
    response = client.get(f"{LIST}?period=soon")
    assert list(response.context["paginator"].object_list) == []
    assert "无法识别的统计期间“SOON”" in response.content.decode()


def test_htmx_gets_only_the_table(client, world):
    case = new_case(world)
    client.force_login(world.office)
    response = client.get(LIST, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert case.code in body
    assert "<html" not in body
    assert body.lstrip().startswith('<div class="table-wrap">')


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.office)
    for _ in range(3):
        dispatched_case(world)
    client.get(LIST)  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(12):
        dispatched_case(world)
    with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)
    with django_assert_max_num_queries(8):
        client.get(LIST, headers={"HX-Request": "true"})


def test_deadline_badges_in_working_time_and_overdue_days(world, settings):
    # Friday 2025-09-26 10:00 → 1 working day = Sunday 2025-09-28 10:00 (a make-up working day)
    case = dispatched_case(world)
    friday_noon = timezone.make_aware(datetime.datetime(2025, 9, 26, 11, 0))
    status = deadline_status(case, friday_noon)
    assert status["text"] == "剩余 6 工作小时"
    assert status["colour"] == "green"
    sunday = timezone.make_aware(datetime.datetime(2025, 9, 28, 9, 30))
    assert deadline_status(case, sunday) == {
        "text": "剩余 30 工作分钟",
        "colour": "orange",
        "overdue": False,
        "title": "处置时限 2025-09-28 10:00",
    }
    two_days_late = timezone.make_aware(datetime.datetime(2025, 9, 30, 11, 0))
    assert deadline_status(case, two_days_late)["text"] == "超期 2 天"
    assert deadline_status(case, two_days_late)["colour"] == "red"
    an_hour_late = timezone.make_aware(datetime.datetime(2025, 9, 28, 10, 20))
    assert deadline_status(case, an_hour_late)["text"] == "超期 1 小时"


def test_deadline_badge_for_intake_and_parked_cases(world):
    reported = new_case(world)
    assert (
        deadline_status(reported, T0 + datetime.timedelta(minutes=30))["text"] == "待派遣 · 剩余 30 工作分钟"
    )
    parked = case_in(world, "parked")
    assert deadline_status(parked, T0)["text"] == "挂账至 2025-12-31"
    assert deadline_status(parked, timezone.make_aware(datetime.datetime(2026, 1, 2)))["colour"] == "red"
    closed = case_in(world, "closed")
    assert deadline_status(closed, T0) is None


def test_list_shows_the_badges(client, world):
    case = dispatched_case(world)
    client.force_login(world.office)
    body = client.get(LIST).content.decode()
    days = (timezone.now() - case.fix_deadline).days
    assert f"超期 {days} 天" in body


# --- saved filters -----------------------------------------------------------------------------------------


def test_save_reuse_replace_and_delete_a_filter(client, world):
    client.force_login(world.handler)
    response = client.post(
        reverse("cases:saved_filter_create"), {"name": "我的超期", "query": "overdue=true&page=3"}
    )
    saved = SavedFilter.objects.get(owner=world.handler)
    assert (saved.name, saved.query) == ("我的超期", "overdue=true")
    assert response["Location"] == "/cases/?overdue=true"
    # the list shows it; another user does not see it
    assert "我的超期" in client.get(LIST).content.decode()
    client.force_login(world.other_handler)
    assert "我的超期" not in client.get(LIST).content.decode()
    # same name again replaces the query
    client.force_login(world.handler)
    client.post(reverse("cases:saved_filter_create"), {"name": "我的超期", "query": "state=fixing"})
    assert list(SavedFilter.objects.values_list("name", "query")) == [("我的超期", "state=fixing")]
    client.post(reverse("cases:saved_filter_delete", args=[saved.pk]))
    assert SavedFilter.objects.count() == 0


def test_saved_filter_without_name_is_refused(client, world):
    client.force_login(world.handler)
    response = client.post(
        reverse("cases:saved_filter_create"), {"name": "  ", "query": "overdue=true"}, follow=True
    )
    assert SavedFilter.objects.count() == 0
    assert "该字段是必填项。" in response.content.decode()


# --- bulk dispatch -----------------------------------------------------------------------------------------


def test_bulk_dispatch_reports_each_row(client, world):
    # given two waiting cases, one already dispatched (cannot be dispatched again), one out of reach id
    a, b = new_case(world), new_case(world)
    done = dispatched_case(world, unit=world.other_unit)
    client.force_login(world.office)
    response = client.post(
        reverse("cases:bulk_dispatch"), {"cases": [a.pk, b.pk, done.pk, 999999], "unit": world.bureau.pk}
    )
    assert response.status_code == 200
    context = response.context
    assert sorted(c.code for c in context["done"]) == sorted([a.code, b.code])
    assert [(c.code, error) for c, error in context["failed"]] == [
        (done.code, "案件当前状态为「已派遣」，不能执行「派遣」。")
    ]
    assert context["missing"] == [999999]
    assert Case.objects.get(pk=a.pk).unit == world.bureau
    assert Case.objects.get(pk=done.pk).unit == world.other_unit
    body = response.content.decode()
    assert "成功 2 件，未派遣 1 件。" in body


def test_bulk_dispatch_without_selection_changes_nothing(client, world):
    a = new_case(world)
    client.force_login(world.office)
    response = client.post(reverse("cases:bulk_dispatch"), {"unit": world.bureau.pk}, follow=True)
    assert "请至少勾选一个案件。" in response.content.decode()
    assert Case.objects.get(pk=a.pk).state == "reported"


def test_bulk_dispatch_by_routing_when_no_unit_is_chosen(client, world):
    a = new_case(world)
    client.force_login(world.office)
    client.post(reverse("cases:bulk_dispatch"), {"cases": [a.pk]})
    case = Case.objects.get(pk=a.pk)
    assert (case.state, case.unit, case.routing_step) == ("dispatched", world.bureau, "group")


# --- KPI drill-down ----------------------------------------------------------------------------------------


@pytest.fixture
def kpi_month(world):
    """A few cases in late September 2025: on time, late, reworked, overdue, of two units and two streets."""
    step = datetime.timedelta(hours=2)
    on_time = case_in(world, "closed")
    late = dispatched_case(world)
    services.report_fix(late, actor=world.handler, photos=[jpeg()], at=T0 + datetime.timedelta(days=3))
    reworked = case_in(world, "fix_reported")
    services.verify_fix(
        reworked, actor=world.office, passed=False, note="返工", photos=[jpeg()], at=T0 + 6 * step
    )
    overdue = dispatched_case(world)
    other_unit = dispatched_case(world, unit=world.other_unit)
    other_street = dispatched_case(world, area=world.other_street)
    return [on_time, late, reworked, overdue, other_unit, other_street]


@pytest.mark.parametrize("dimension", ["unit", "special_group", "street", "category", "district"])
def test_every_kpi_cell_lands_on_exactly_its_cases(client, world, kpi_month, dimension):
    client.force_login(world.leader)
    page = client.get(reverse("cases:kpi"), {"dimension": dimension, "period": "2025-09"})
    table = page.context["table"]
    assert table, "the month has figures"
    period = kpis.parse_period("2025-09")
    field = {"unit": "unit_id", "special_group": "special_group_id", "street": "street_id",
             "category": "top_category_id", "district": None}[dimension]  # fmt: skip
    checked = 0
    for row in table:
        for cell, count in zip(row["cells"], kpis.COUNTS, strict=False):
            expected = Case.objects.filter(kpis.kpi_q(count.code, period))
            if field:
                expected = expected.filter(**{field: row["key"]})
            shown = {c.pk for c in client.get(cell["url"]).context["paginator"].object_list}
            assert shown == set(expected.values_list("pk", flat=True)), (row["label"], count.code)
            assert cell["value"] == len(shown)
            checked += 1
    assert checked == len(table) * len(kpis.COUNTS)


def test_rate_cells_link_to_their_numerator(client, world, kpi_month):
    client.force_login(world.office)
    page = client.get(reverse("cases:kpi"), {"dimension": "district", "period": "2025-09"})
    row = page.context["table"][0]
    rate_cells = row["cells"][len(kpis.COUNTS) : len(kpis.COUNTS) + len(kpis.RATES)]
    for cell, rate in zip(rate_cells, kpis.RATES, strict=True):
        assert f"kpi={rate.numerator}&" in cell["url"]
    due, handled = row["cells"][0]["value"], row["cells"][1]["value"]
    assert rate_cells[0]["title"] == f"处置率 = {handled} / {due}"
    assert due > 0


def test_drill_banner_shows_the_figure_and_its_definition(client, world, kpi_month):
    client.force_login(world.office)
    body = client.get(f"{LIST}?kpi=overdue_open&period=2025-09&unit={world.bureau.pk}").content.decode()
    assert "指标下钻" in body
    assert "超期待处置数" in body
    assert str(kpis.COUNT_BY_CODE["overdue_open"].definition) in body


def test_kpi_page_respects_scope(client, world, kpi_month):
    client.force_login(world.other_handler)
    rows = client.get(reverse("cases:kpi"), {"dimension": "unit", "period": "2025-09"}).context["table"]
    assert [r["label"] for r in rows] == [world.other_unit.name]
