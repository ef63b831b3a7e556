"""API /api/v1/standards/: permission matrix per endpoint, filters, the tree, import, query bounds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_unit, make_user
from tests.permissions import assert_matrix
from tests.standards.factories import import_small, small_doc, snapshot, to_xlsx, to_yaml
from wenming.standards.models import StandardSet
from wenming.standards.services import load_default_standard

pytestmark = pytest.mark.django_db
API = "/api/v1/standards"


@pytest.fixture
def people():
    return {
        "unit": make_user("unit_handler", unit=make_unit()),
        "nobody": make_user(),
        "leader": make_user("leader"),
        "office": make_user("office"),
    }


@pytest.fixture
def small_set():
    return import_small()


def read_matrix(people):
    return {
        "anonymous": 401,
        people["unit"]: 200,
        people["nobody"]: 200,
        people["leader"]: 200,
        people["office"]: 200,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/sets/",
        "/sets/{pk}/",
        "/sets/{pk}/tree/",
        "/sets/{pk}/export/",
        "/point-types/",
        "/criteria/",
        "/categories/",
    ],
)
def test_read_endpoints_matrix(client, people, small_set, path):
    assert_matrix(client, API + path.format(pk=small_set.pk), read_matrix(people))


def test_read_detail_endpoints_matrix(client, people, small_set):
    from wenming.standards.models import Criterion, PointType, ProblemCategory

    for path in (
        f"/point-types/{PointType.objects.get(code='T_ROAD').pk}/",
        f"/criteria/{Criterion.objects.get(code='A01-01-01').pk}/",
        f"/categories/{ProblemCategory.objects.get(code='ENV-T1').pk}/",
    ):
        assert_matrix(client, API + path, read_matrix(people))


def test_unknown_set_is_404(client, people, small_set):
    assert_matrix(client, f"{API}/sets/{small_set.pk + 99}/tree/", {people["office"]: 404})


def test_import_endpoint_matrix(client, people):
    def upload():
        return {
            "file": SimpleUploadedFile(
                "small.yaml", to_yaml(small_doc(code=f"API-{StandardSet.objects.count()}"))
            )
        }

    for who, expected in (
        ("anonymous", 401),
        (people["unit"], 403),
        (people["leader"], 403),
        (people["nobody"], 403),
    ):
        assert_matrix(client, f"{API}/sets/import/", {who: expected}, method="post", data=upload())
    assert StandardSet.objects.count() == 0
    assert_matrix(client, f"{API}/sets/import/", {people["office"]: 201}, method="post", data=upload())
    assert StandardSet.objects.count() == 1


def test_activate_endpoint_matrix(client, people, small_set):
    url = f"{API}/sets/{small_set.pk}/activate/"
    assert_matrix(
        client,
        url,
        {"anonymous": 401, people["unit"]: 404, people["leader"]: 404, people["nobody"]: 404},
        method="post",
    )
    small_set.refresh_from_db()
    assert small_set.is_active is False
    client.force_login(people["office"])
    response = client.post(url)
    assert response.status_code == 200 and response.json()["is_active"] is True


def test_import_returns_every_problem_with_its_place(client, people):
    doc = small_doc()
    doc["criteria"][1]["point_types"] = ["NOPE"]
    doc["categories"][1]["deadline_unit"] = "weeks"
    before = snapshot()
    client.force_login(people["office"])
    response = client.post(f"{API}/sets/import/", {"file": SimpleUploadedFile("bad.yaml", to_yaml(doc))})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "文件有 2 个问题，未导入任何内容。",
        "problems": [
            {
                "sheet": "categories",
                "row": 2,
                "column": "deadline_unit",
                "message": "「weeks」不是有效选项（可选：工作小时、工作日）。",
            },
            {
                "sheet": "criteria",
                "row": 2,
                "column": "point_types",
                "message": "未知点位类型「NOPE」（不在「点位类型」表，也不在系统中）。",
            },
        ],
    }
    assert snapshot() == before


def test_import_xlsx_and_activate(client, people):
    client.force_login(people["office"])
    response = client.post(
        f"{API}/sets/import/",
        {"file": SimpleUploadedFile("体系.xlsx", to_xlsx(small_doc())), "activate": "true"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["is_active"], body["criterion_count"], body["content_count"]) == (
        "T-1",
        True,
        4,
        3,
    )


def test_sets_list_shape(client, people, small_set):
    client.force_login(people["unit"])
    body = client.get(f"{API}/sets/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {
        k: row[k] for k in ("code", "name", "scope", "scope_display", "indicator_count", "criterion_count")
    } == {
        "code": "T-1",
        "name": "测试体系",
        "scope": "district",
        "scope_display": "区级",
        "indicator_count": 5,
        "criterion_count": 4,
    }


def test_tree_nests_items_indicators_contents_criteria(client, people, small_set):
    client.force_login(people["unit"])
    tree = client.get(f"{API}/sets/{small_set.pk}/tree/").json()
    assert tree["standard_set"]["code"] == "T-1"
    item = tree["items"][0]
    assert (item["code"], item["weight"], item["methods"]) == ("A", "4.000", ["field", "material"])
    contents = item["indicators"][0]["contents"]
    assert [c["code"] for c in contents] == ["A01-01", "A01-02", "A01-03"]
    first = contents[0]["criteria"][0]
    assert first == {
        "id": first["id"],
        "code": "A01-01-01",
        "text": "路面无暴露垃圾",
        "weight": "1.000",
        "method": "field",
        "rule": "deduction",
        "rule_params": {"per_problem": 0.5, "cap": 1},
        "point_types": ["T_ROAD"],
        "block": None,
        "sampling_note": "沿道路步行 500 米",
        "category": "ENV-T1",
    }
    assert tree["blocks"] == [
        {"code": "COMMON", "name": "公共文明通用项", "point_types": ["T_ROAD", "T_MARKET"]}
    ]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"point_type": "T_MARKET"}, ["A01-01-02", "A01-02-01"]),
        ({"point_type": "T_ROAD", "rule": "abc"}, ["A01-02-01"]),
        ({"rule": "compliance"}, ["A01-03-01"]),
        ({"method": "material"}, ["A01-03-01"]),
        ({"search": "暴露"}, ["A01-01-01"]),
        ({"category": "BEHAVIOR-T1"}, ["A01-02-01"]),
        ({"indicator": "A01-01"}, ["A01-01-01", "A01-01-02"]),
        ({"indicator": "A"}, ["A01-01-01", "A01-01-02", "A01-02-01", "A01-03-01"]),
    ],
)
def test_criteria_filters(client, people, small_set, query, codes):
    client.force_login(people["unit"])
    body = client.get(f"{API}/criteria/", {"standard_set": small_set.pk, **query}).json()
    assert [c["code"] for c in body["results"]] == codes


def test_criteria_filter_by_set(client, people, small_set):
    other = import_small(code="T-2")
    client.force_login(people["unit"])
    body = client.get(f"{API}/criteria/", {"standard_set": other.pk}).json()
    assert body["count"] == 4 and {c["standard_set"] for c in body["results"]} == {other.pk}


def test_categories_filters_and_shape(client, people, small_set):
    client.force_login(people["unit"])
    body = client.get(f"{API}/categories/", {"top": "ENV"}).json()
    assert [c["code"] for c in body["results"]] == ["ENV-T1"]
    row = body["results"][0]
    assert {
        k: row[k]
        for k in (
            "parent",
            "top_code",
            "kind",
            "deadline_value",
            "deadline_unit",
            "special_group_code",
            "examples",
        )
    } == {
        "parent": "ENV",
        "top_code": "ENV",
        "kind": "event",
        "deadline_value": 1,
        "deadline_unit": "days",
        "special_group_code": "SG01",
        "examples": ["路边有垃圾", "垃圾堆了三天"],
    }
    assert [c["code"] for c in client.get(f"{API}/categories/", {"kind": "behavior"}).json()["results"]] == [
        "BEHAVIOR-T1"
    ]


def test_export_endpoint(client, people, small_set):
    client.force_login(people["unit"])
    response = client.get(f"{API}/sets/{small_set.pk}/export/", {"fmt": "yaml"})
    assert response.status_code == 200 and response.content.startswith("# Wenming 测评体系文件".encode())
    assert client.get(f"{API}/sets/{small_set.pk}/export/", {"fmt": "doc"}).status_code == 400


def test_api_query_counts_do_not_grow_with_rows(client, people, django_assert_max_num_queries):
    standard_set = load_default_standard()
    client.force_login(people["unit"])
    for path, bound in (
        ("/sets/", 6),
        (f"/sets/{standard_set.pk}/tree/", 10),
        ("/criteria/?page_size=300", 8),
        ("/categories/?page_size=100", 6),
        ("/point-types/", 6),
    ):
        with django_assert_max_num_queries(bound):
            assert client.get(API + path).status_code == 200
