"""The cases API: permission matrix of every endpoint, create with photos and Idempotency-Key, transitions,
KPIs, routing rules, KPI formulas, query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from tests.cases.helpers import case_in, jpeg, local, new_case
from tests.factories import make_user
from tests.permissions import assert_api_matrix
from wenming.cases import services
from wenming.cases.models import Case, KpiFormula, RoutingRule

API = "/api/v1/cases/"


def token(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def post(client, url, user, data, multipart=False):
    headers = token(user) if user != "anonymous" else {}
    if multipart:
        return client.post(url, data=data, headers=headers)
    return client.post(url, data=data, content_type="application/json", headers=headers)


def test_list_matrix_and_scope(client, world):
    mine = case_in(world, "fixing")
    new_case(world, actor=world.office, area=world.other_street)
    nobody = make_user()

    assert_api_matrix(client, API, {"anonymous": 401, nobody: 200, world.handler: 200, world.office: 200})
    ids = lambda user: [r["id"] for r in client.get(API, headers=token(user)).json()["results"]]  # noqa: E731
    assert ids(nobody) == []
    assert ids(world.handler) == [mine.pk]
    assert len(ids(world.office)) == 2


def test_detail_matrix(client, world):
    case = case_in(world, "fixing")
    url = f"{API}{case.pk}/"
    who = {
        "anonymous": 401,
        make_user(): 404,
        world.other_handler: 404,
        world.handler: 200,
        world.leader: 200,
    }
    for suffix in ("", "events/", "photos/", "duplicates/"):
        assert_api_matrix(client, url + suffix, who)


def test_reporter_contact_is_private(client, world):
    case = new_case(world, reporter_name="王五", reporter_phone="13800000000")
    url = f"{API}{case.pk}/"

    assert client.get(url, headers=token(world.office)).json()["reporter_phone"] == "13800000000"
    assert client.get(url, headers=token(world.leader)).json()["reporter_phone"] is None
    assert client.get(url, headers=token(world.inspector)).json()["reporter_name"] is None


PHOTO = object()  # placeholder: replaced by a fresh JPEG upload on each request


def payload(world, name):
    other = new_case(world)  # a survivor for merge
    return {
        "register": {},
        "reject": {"note": "不属于创城问题"},
        "merge": {"survivor": other.pk, "note": "重复"},
        "dispatch": {"unit": world.bureau.pk},
        "acknowledge": {},
        "start-fix": {},
        "report-fix": {"note": "已清理", "photos": PHOTO},
        "coordinate-done": {"note": "已协调", "photos": PHOTO},
        "verify": {"result": "passed"},
        "transfer": {"note": "非本单位职责"},
        "reject-transfer": {"note": "属本单位"},
        "extension": {"note": "需采购", "deadline": "2030-10-20T18:00:00+08:00"},
        "approve-extension": {},
        "refuse-extension": {"note": "时限合理"},
        "park": {"note": "需改造", "park_until": "2030-01-01"},
        "unpark": {},
        "reopen": {"note": "回头看发现反弹", "reason": "recheck"},
        "assign-person": {"person": world.person.pk},
        "remind": {"note": "请加快"},
        "satisfaction": {"satisfaction": "satisfied"},
        "comment": {"note": "备注"},
    }[name]


ENDPOINTS = [
    # endpoint, state, in scope and allowed, in scope but wrong role (403), out of scope (404), resulting state
    ("register", "reported", "office", "leader", "other_handler", "registered"),
    ("reject", "reported", "office", "leader", "other_handler", "rejected"),
    ("merge", "registered", "office", "leader", "other_handler", "merged"),
    ("dispatch", "registered", "office", "leader", "other_handler", "dispatched"),
    ("acknowledge", "dispatched", "handler", "office", "other_handler", "acknowledged"),
    ("start-fix", "acknowledged", "handler", "office", "other_handler", "fixing"),
    ("report-fix", "fixing", "handler", "office", "other_handler", "fix_reported"),
    ("coordinate-done", "coordinating", "office", "leader", "other_handler", "fix_reported"),
    ("verify", "fix_reported", "office", "handler", "other_handler", "closed"),
    ("transfer", "fixing", "handler", "office", "other_handler", "returned"),
    ("reject-transfer", "returned", "office", "leader", "other_street_user", "dispatched"),
    ("extension", "fixing", "handler", "office", "other_handler", "fixing"),
    ("approve-extension", "extension", "office", "leader", "other_handler", "fixing"),
    ("refuse-extension", "extension", "office", "leader", "other_handler", "fixing"),
    ("park", "fixing", "office", "handler", "other_handler", "parked"),
    ("unpark", "parked", "office", "handler", "other_handler", "dispatched"),
    ("reopen", "closed", "office", "handler", "other_handler", "dispatched"),
    ("assign-person", "fixing", "handler", "auditor", "other_handler", "fixing"),
    ("remind", "fixing", "leader", "handler", "other_group_lead", "fixing"),
    ("satisfaction", "closed", "office", "leader", "other_handler", "closed"),
    ("comment", "fixing", "handler", "auditor", "other_handler", "fixing"),
]


@pytest.mark.parametrize(("endpoint", "state", "ok", "wrong", "out", "result"), ENDPOINTS)
def test_transition_endpoint_matrix(client, world, endpoint, state, ok, wrong, out, result):
    if state == "extension":
        case = case_in(world, "fixing")
        case = services.transition(
            case,
            "request_extension",
            actor=world.handler,
            note="需采购",
            deadline=local(2025, 10, 20, 18, 0),
            at=local(2025, 9, 26, 16, 0),
        )
    else:
        case = case_in(world, state)
    url = f"{API}{case.pk}/{endpoint}/"
    base = payload(world, endpoint)
    multipart = any(v is PHOTO for v in base.values())

    def data():
        return {k: (jpeg() if v is PHOTO else v) for k, v in base.items()}

    statuses = {}
    for who in ("anonymous", wrong, out, ok):
        user = who if who == "anonymous" else getattr(world, who)
        statuses[who] = post(client, url, user, data(), multipart).status_code
    assert statuses == {"anonymous": 401, wrong: 403, out: 404, ok: 200}
    case.refresh_from_db()
    assert case.state == result


def test_a_transition_answer_is_the_fresh_case_and_refusals_explain(client, world):
    case = case_in(world, "fixing")
    url = f"{API}{case.pk}/"

    missing = post(client, url + "report-fix/", world.handler, {"note": "没拍照"}, multipart=True)
    assert (missing.status_code, missing.json()) == (400, {"detail": "整改反馈至少需要一张整改后照片。"})
    ok = post(
        client,
        url + "report-fix/",
        world.handler,
        {"note": "已清理", "photos": [jpeg(), jpeg()]},
        multipart=True,
    )
    assert ok.status_code == 200
    body = ok.json()
    assert (body["state"], body["state_label"], body["available_actions"]) == (
        "fix_reported",
        "已反馈",
        ["comment"],
    )
    again = post(client, url + "report-fix/", world.handler, {"photos": [jpeg()]}, multipart=True)
    assert again.status_code == 409
    assert again.json()["detail"] == "案件当前状态为「已反馈」，不能执行「整改反馈」。"
    events = client.get(url + "events/", headers=token(world.handler)).json()
    assert [e["kind"] for e in events][-1] == "fix_reported"
    assert len(events[-1]["photos"]) == 2
    photos = client.get(url + "photos/", headers=token(world.handler)).json()
    assert [p["stage"] for p in photos] == ["after", "after"]
    refused = post(client, url + "verify/", world.handler, {"result": "passed"})
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "只有文明办或督查员可以执行「核查通过并结案」。",
    )
    failed = post(client, url + "verify/", world.office, {"result": "failed", "note": "没扫干净", "photos": [jpeg()]},
                  multipart=True)  # fmt: skip
    assert (failed.status_code, failed.json()["state"], failed.json()["reworks"]) == (200, "fixing", 1)


def test_create_with_photos_and_idempotency_key(client, world):
    data = lambda: {  # noqa: E731
        "source": "inspection",
        "category": world.leaf.pk,
        "description": "路口垃圾",
        "area": world.grid.pk,
        "photos": [jpeg()],
        "reporter_name": "王五",
    }
    assert post(client, API, "anonymous", data(), multipart=True).status_code == 401
    assert post(client, API, world.auditor, data(), multipart=True).status_code == 403
    headers = {**token(world.inspector), "Idempotency-Key": "phone-123"}

    first = client.post(API, data=data(), headers=headers)
    again = client.post(API, data=data(), headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["code"] == "HL-2025-000001" or first.json()["code"].startswith("HL-")
    assert Case.objects.count() == 1
    assert Case.objects.get().photos.count() == 1


@pytest.mark.parametrize(
    ("data", "status", "body"),
    [
        ({"category": "top"}, 400, {"category": ["请选择二级问题类别（“环境卫生”是大类）。"]}),
        ({"category": 999999}, 400, {"category": ["问题类别不存在。"]}),
        (
            {"area": None, "lat": 24.5, "lon": 200},
            400,
            {"non_field_errors": ["坐标（纬度 24.5，经度 200.0）不在中国境内。"]},
        ),
        (
            {"photos": "bad"},
            400,
            {"non_field_errors": ["照片“bad.jpg”：不是支持的图片文件（仅支持 JPEG、PNG、WebP、HEIC）。"]},
        ),
    ],
)
def test_create_refusals(client, world, data, status, body):
    values = {"source": "inspection", "category": world.leaf.pk, "description": "垃圾", "area": world.grid.pk}
    for key, value in data.items():
        if value == "top":
            value = world.top.pk
        if key == "photos":
            value = [SimpleUploadedFile("bad.jpg", b"not an image", content_type="image/jpeg")]
        values[key] = value
    values = {k: v for k, v in values.items() if v is not None}

    response = client.post(API, data=values, headers=token(world.inspector))

    assert (response.status_code, response.json()) == (status, body)
    assert Case.objects.count() == 0


def test_list_filters_and_kpi_drill_down(client, world):
    fixing = case_in(world, "fixing")
    reported = new_case(world)

    def ids(query):
        response = client.get(f"{API}?{query}", headers=token(world.office))
        assert response.status_code == 200, response.json()
        return sorted(r["id"] for r in response.json()["results"])

    assert ids("state=fixing") == [fixing.pk]
    assert ids("state=fixing&state=reported") == sorted([fixing.pk, reported.pk])
    assert ids(f"unit={world.bureau.pk}") == [fixing.pk]
    assert ids("unit=none") == [reported.pk]
    assert ids(f"area={world.street.pk}") == sorted([fixing.pk, reported.pk])
    assert ids("overdue=true") == [fixing.pk]  # its deadline (2025) has long passed
    assert ids("kpi=due&period=2025-09") == [fixing.pk]
    assert ids("period=2025-09") == sorted([fixing.pk, reported.pk])
    bad = client.get(f"{API}?period=soon", headers=token(world.office))
    assert bad.status_code == 400
    assert "期间格式" in str(bad.json())


def test_bulk_dispatch_matrix(client, world):
    a, b = case_in(world, "registered"), case_in(world, "registered")
    url = f"{API}bulk-dispatch/"
    body = {"cases": [a.pk, b.pk], "unit": world.bureau.pk}

    statuses = {who: post(client, url, getattr(world, who) if who != "anonymous" else who, body).status_code
                for who in ("anonymous", "leader", "handler")}  # fmt: skip
    missing = post(client, url, world.office, {**body, "cases": [a.pk, 999999]})
    response = post(client, url, world.office, body)

    assert statuses == {"anonymous": 401, "leader": 403, "handler": 403}
    assert missing.status_code == 404
    assert response.status_code == 200
    assert response.json() == {"dispatched": [a.pk, b.pk], "failed": []}


def test_kpi_endpoint(client, world):
    case = case_in(world, "fixing")
    url = f"{API}kpis/?dimension=unit&period=2025-09"
    assert_api_matrix(client, url, {"anonymous": 401, world.other_handler: 200, world.office: 200})

    body = client.get(url, headers=token(world.office)).json()
    assert body["period"] == "2025-09"
    assert [c["code"] for c in body["counts"]][:3] == ["due", "handled", "handled_on_time"]
    [row] = body["rows"]
    assert (row["key"], row["label"], row["counts"]["due"], row["counts"]["overdue_open"]) == (
        world.bureau.pk,
        "区市政园林局",
        1,
        1,  # its 2025 deadline has passed by now
    )
    assert row["drill"]["due"] == f"kpi=due&period=2025-09&unit={world.bureau.pk}"
    assert client.get(url, headers=token(world.other_handler)).json()["rows"] == []
    bad = client.get(f"{API}kpis/?dimension=planet", headers=token(world.office))
    assert bad.status_code == 400
    assert case.pk


def test_routing_rules_endpoints(client, world):
    rule = RoutingRule.objects.create(name="规则", priority=5, category=world.leaf, unit=world.bureau)
    url = f"{API}routing-rules/"
    assert_api_matrix(client, url, {"anonymous": 401, world.handler: 200, world.office: 200})
    assert client.get(url, headers=token(world.handler)).json()["results"] == []
    assert_api_matrix(client, f"{url}{rule.pk}/", {"anonymous": 401, world.handler: 404, world.leader: 200})
    body = {"name": "新规则", "priority": 1, "top_category": world.top.pk, "unit": world.other_unit.pk}
    assert_api_matrix(client, url, {"anonymous": 401, world.handler: 403, world.leader: 403, world.office: 201},
                      method="post", data=body)  # fmt: skip
    bad = post(client, url, world.office, {"name": "无结果", "priority": 1})
    assert (bad.status_code, bad.json()) == (
        400,
        {"non_field_errors": ["派遣规则必须指定派往单位或责任人。"]},
    )
    assert RoutingRule.objects.count() == 2


def test_kpi_formula_endpoints(client, world):
    url = f"{API}kpi-formulas/"
    assert_api_matrix(client, url, {"anonymous": 401, world.handler: 200})
    body = {"name": "简单", "expression": "处置率*100"}
    assert_api_matrix(
        client, url, {"anonymous": 401, world.leader: 403, world.office: 201}, method="post", data=body
    )
    bad = post(client, url, world.office, {"name": "坏", "expression": "处置率 * 神秘"})
    assert bad.status_code == 400
    assert "expression" in bad.json()
    assert KpiFormula.objects.filter(name="坏").count() == 0


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for _ in range(3):
        case_in(world, "fixing")
    headers = token(world.handler)
    client.get(API, headers=headers)
    with django_assert_max_num_queries(8):
        small = client.get(API, headers=headers)
    for _ in range(12):
        case_in(world, "fixing", at=local(2025, 9, 26, 10, 0) + datetime.timedelta(minutes=1))
    with django_assert_max_num_queries(8):
        large = client.get(API, headers=headers)
    assert (len(small.json()["results"]), len(large.json()["results"])) == (3, 15)
