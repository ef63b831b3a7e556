"""The leadership view on the known October 2026 (tests/bulletins/helpers.py): the estimate "if evaluated
today", point verdicts, overdue by unit, trends, heat, countdown — exact figures — and the permission matrix of
every page and endpoint."""

import datetime

import pytest
from django.urls import reverse

from tests.bulletins.helpers import NOW, local
from tests.factories import make_user
from tests.permissions import assert_api_matrix, assert_matrix
from wenming.cases.models import Case
from wenming.dashboard import leader, services
from wenming.dashboard.models import TestDate as DateOfTest
from wenming.geo.models import Point
from wenming.inspections.models import Round


def _scoped(ds, user=None):
    return leader.scoped(user or ds.office)


def test_estimate_if_evaluated_today_is_traceable(ds):
    """Latest observation per point and criterion: P1 K1 符合 (October beats September), K2 不符合 → 50;
    P2 0; P3 100; P4 0 → mean 37.5, 1 of 4 passes; four criteria lose 2 points each."""
    points, _cases = _scoped(ds)
    estimate = leader.estimate_today(points)
    assert (estimate.points, estimate.passed, estimate.mean_score, estimate.pass_rate) == (4, 1, 37.5, 0.25)
    assert estimate.observations == 7
    lines = [(x.point_code, x.criterion_code, x.lost, x.unit, x.person, x.case_code) for x in estimate.lines]
    assert lines == [  # most points lost first, then by street (殿前 before 湖里), point and criterion
        ("P-4", "K1", 2.0, "区交通局", "", ds.cases["C"].code),
        ("P-4", "K2", 2.0, "区交通局", "", ds.cases["D"].code),
        ("P-1", "K2", 2.0, "区市政园林局", "王一", ds.cases["A"].code),
        ("P-2", "K1", 2.0, "区市政园林局", "王二", ds.cases["B"].code),
    ]
    a_obs = ds.cases["A"].observations.get()
    assert (estimate.lines[2].observation_id, estimate.lines[2].inspection_id) == (
        a_obs.pk,
        a_obs.inspection_id,
    )
    assert estimate.lines[2].case_state == "已结案"  # fixed, but not re-inspected: still loses the points
    assert [(s["street"], s["mean_score"], s["passed"]) for s in estimate.by_street] == [
        ("殿前街道", 50.0, 1),
        ("湖里街道", 25.0, 0),
    ]
    assert estimate.total_lost == 8.0


def test_point_verdicts_and_open_cases(ds):
    points, cases = _scoped(ds)
    by_code = {p.code: p for p in leader.point_statuses(points, cases)}
    assert {c: (p.status, p.score, p.open_cases) for c, p in by_code.items()} == {
        "P-1": ("fail", 50.0, 1), "P-2": ("fail", 0.0, 1), "P-3": ("pass", 100.0, 0), "P-4": ("fail", 0.0, 1),
    }  # fmt: skip
    assert by_code["P-1"].failing == ["K2 非机动车停放有序"]
    assert (by_code["P-1"].street, by_code["P-1"].unit, by_code["P-1"].person) == (
        "湖里街道",
        "区市政园林局",
        "王一",
    )


def test_overdue_by_unit_is_scoped(ds):
    _points, cases = _scoped(ds)
    rows = leader.overdue_by_unit(cases, now=NOW)
    assert [(r["unit"], r["count"], r["oldest_days"]) for r in rows] == [
        ("区市政园林局", 2, 34), ("区交通局", 1, 34), ("湖里街道办事处", 1, 26),
    ]  # fmt: skip
    assert rows[0]["url"] == f"/cases/?unit={ds.u1.pk}&overdue=true"
    g2_lead = make_user("group_lead", special_group=ds.g2)
    assert [(r["unit"], r["count"]) for r in leader.overdue_by_unit(_scoped(ds, g2_lead)[1], now=NOW)] == [
        ("区交通局", 1)
    ]


def test_case_trend_rebuilt_from_timestamps(ds):
    _points, cases = _scoped(ds)
    assert leader.case_trend(cases, weeks=2, today=datetime.date(2026, 10, 18)) == [
        {"week": "2026-W41", "open": 1, "overdue": 0, "new": 0},
        {"week": "2026-W42", "open": 3, "overdue": 2, "new": 4},
    ]


def test_heat_matrix_and_cells(ds):
    _points, cases = _scoped(ds)
    heat = leader.heat_matrix(cases, local(2026, 10, 1, 0, 0))
    assert (heat["streets"], heat["categories"]) == (["殿前街道", "湖里街道"], ["交通秩序", "环境卫生"])
    cells = {(heat["streets"][y], heat["categories"][x]): n for x, y, n in heat["cells"]}
    assert cells == {
        ("湖里街道", "交通秩序"): 1,
        ("湖里街道", "环境卫生"): 2,
        ("殿前街道", "环境卫生"): 1,
        ("殿前街道", "交通秩序"): 1,
    }
    assert sum(c["count"] for c in leader.heat_cells(cases, local(2026, 10, 1, 0, 0))) == 5


def test_countdown_prefers_the_office_date_then_an_official_round(ds):
    today = datetime.date(2026, 11, 16)
    assert leader.countdown(today) is None
    Round.objects.create(kind="official", name="2027年全国文明城市测评", period_start=datetime.date(2027, 3, 1),
                         period_end=datetime.date(2027, 3, 10), standard_set=ds.round.standard_set, seed=9)  # fmt: skip
    assert leader.countdown(today) == leader.Countdown(
        "2027年全国文明城市测评", datetime.date(2027, 3, 1), 105, "round"
    )
    services.add_test_date(actor=ds.office, name="省级复查", date=datetime.date(2026, 12, 1))
    assert leader.countdown(today) == leader.Countdown(
        "省级复查", datetime.date(2026, 12, 1), 15, "test_date"
    )


def test_only_office_sets_test_dates(ds):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.add_test_date(actor=ds.leader, name="x", date=datetime.date(2027, 1, 1))
    with pytest.raises(ValidationError):
        services.add_test_date(actor=ds.office, name=" ", date=datetime.date(2027, 1, 1))
    assert DateOfTest.objects.count() == 0


PAGES = ("dashboard:leader", "dashboard:big_screen", "dashboard:leader_points", "dashboard:leader_heat",
         "dashboard:estimate", "dashboard:test_dates")  # fmt: skip


def test_pages_matrix(client, ds):
    lead = make_user("group_lead", special_group=ds.g1)
    for name in PAGES:
        assert_matrix(client, reverse(name), {"anonymous": 302, ds.handler_u1: 403, ds.inspector: 403, ds.street1: 403,
                                              lead: 200, ds.leader: 200, ds.auditor: 200, ds.office: 200})  # fmt: skip


def test_test_date_add_and_delete_matrix(client, ds):
    t = DateOfTest.objects.create(name="省级复查", date=datetime.date(2027, 1, 5))
    url = reverse("dashboard:test_date_delete", args=[t.pk])
    assert_matrix(client, url, {"anonymous": 302, ds.handler_u1: 403, ds.leader: 404}, method="post")
    assert DateOfTest.objects.filter(pk=t.pk).exists()
    assert_matrix(client, url, {ds.office: 302}, method="post")
    assert not DateOfTest.objects.exists()
    client.force_login(ds.leader)
    assert (
        client.post(reverse("dashboard:test_dates"), {"name": "国测", "date": "2027-03-01"}).status_code
        == 403
    )
    client.force_login(ds.office)
    assert (
        client.post(reverse("dashboard:test_dates"), {"name": "国测", "date": "2027-03-01"}).status_code
        == 302
    )
    assert list(DateOfTest.objects.values_list("name", flat=True)) == ["国测"]


def test_leader_page_shows_countdown_estimate_and_responsibility(client, ds):
    DateOfTest.objects.create(name="2026年省级测评", date=datetime.date.today() + datetime.timedelta(days=10))
    client.force_login(ds.leader)
    body = client.get(reverse("dashboard:leader")).content.decode()
    assert '<span id="days-left">10</span>' in body
    assert 'id="est-score">37.50<' in body and 'id="failing-count">3<' in body
    assert "vendor/echarts/echarts.min.js" in body and "geo/map.js" in body and 'id="leader-charts"' in body
    assert "王二" in body and "区市政园林局" in body
    big = client.get(reverse("dashboard:big_screen")).content.decode()
    assert 'class="big-screen"' in big and 'http-equiv="refresh" content="120"' in big


def test_points_geojson_colours_by_verdict(client, ds):
    client.force_login(ds.leader)
    fc = client.get(reverse("dashboard:leader_points")).json()
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert {c: p["type"] for c, p in props.items()} == {
        "P-1": "fail",
        "P-2": "fail",
        "P-3": "pass",
        "P-4": "fail",
    }
    assert fc["features"][0]["geometry"]["coordinates"] == [118.10, 24.50]
    assert {t["id"]: t["count"] for t in fc["point_types"]} == {"fail": 3, "pass": 1}


def test_estimate_list_filters_by_street_with_bounded_queries(client, ds, django_assert_max_num_queries):
    client.force_login(ds.office)
    with django_assert_max_num_queries(25):
        response = client.get(
            reverse("dashboard:estimate") + "?street=殿前街道", headers={"HX-Request": "true"}
        )
    body = response.content.decode()
    assert "<html" not in body and body.count("<tr>") == 3  # header + P-4 K1 + P-4 K2
    assert ds.cases["D"].code in body and ds.cases["A"].code not in body


def test_api_matrix_and_content(client, ds):
    assert_api_matrix(
        client,
        "/api/v1/dashboard/leader/",
        {"anonymous": 401, ds.handler_u1: 403, ds.leader: 200, ds.office: 200},
    )
    assert_api_matrix(
        client, "/api/v1/dashboard/test-dates/", {"anonymous": 401, ds.handler_u1: 200, ds.leader: 200}
    )
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=ds.leader)[0].key}"}
    data = client.get("/api/v1/dashboard/leader/?lines=2", headers=headers).json()
    assert data["estimate"]["mean_score"] == 37.5 and len(data["estimate"]["lines"]) == 2
    assert data["counts"] == {"points": 4, "pass": 1, "fail": 3, "none": 0, "open_cases": 4, "overdue": 4}


def test_scope_of_points_and_cases(ds):
    points, cases = _scoped(ds, make_user("group_lead", special_group=ds.g2))
    assert points.count() == Point.objects.count()
    assert set(cases.values_list("pk", flat=True)) == set(
        Case.objects.filter(special_group=ds.g2).values_list("pk", flat=True)
    )
