"""Read API of scoring: permission matrices, exact payloads, Chinese 400s, query-count bounds."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import make_point, make_user
from tests.permissions import assert_api_matrix
from tests.scoring.factories import make_inspection, make_world
from wenming.scoring.services import freeze_round

pytestmark = pytest.mark.django_db

API = "/api/v1/scoring"


@pytest.fixture
def world():
    return make_world(state="closed")


def as_user(client, user):
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def test_rankings_endpoint(client, world):
    snap = freeze_round(actor=None, round=world.round)
    street = make_user("street", area=world.s2)
    url = f"{API}/rankings/?round={world.round.pk}&dimension=street"
    assert_api_matrix(client, url, {"anonymous": 401, street: 200, make_user("office"): 200})
    body = client.get(url, headers=as_user(client, street)).json()
    assert (body["source"], body["snapshot"], body["data_hash"], body["dimension"]) == (
        "snapshot",
        snap.pk,
        snap.data_hash,
        "street",
    )
    assert [
        (r["label"], r["rank"], round(r["mean_score"], 2), r["passed"], r["points"]) for r in body["results"]
    ] == [
        ("湖里街道", 1, 83.33, 1, 2),
        ("殿前街道", 2, 66.67, 0, 1),
    ]
    assert body["basis"] == "mean_score" and "排名依据：平均得分" in body["basis_rule"]
    by_rate = client.get(url + "&basis=compliance_rate", headers=as_user(client, street)).json()
    assert by_rate["basis"] == "compliance_rate" and "排名依据：符合率" in by_rate["basis_rule"]
    for r in by_rate["results"]:
        assert r["compliance_rate"] == pytest.approx(100 * r["compliant_observations"] / r["observations"])


def test_rankings_live_for_open_rounds_and_bad_params(client):
    w = make_world()
    office = make_user("office")
    headers = as_user(client, office)
    body = client.get(f"{API}/rankings/?round={w.round.pk}&dimension=group", headers=headers).json()
    assert body["source"] == "live" and body["snapshot"] is None
    assert [(r["label"], round(r["pass_rate"], 4)) for r in body["results"]] == [
        ("市容环境卫生整治组", 0.6667)
    ]
    bad = client.get(f"{API}/rankings/?dimension=planet", headers=headers)
    assert bad.status_code == 400 and "维度应为" in bad.json()["dimension"][0]
    bad = client.get(f"{API}/rankings/?round=999999", headers=headers)
    assert bad.status_code == 400 and "所选轮次不存在" in bad.json()["round"][0]


def test_rankings_query_count(client, world, django_assert_max_num_queries):
    for i in range(15):
        p = make_point(
            name=f"加测点{i}", area=world.c1, responsible_unit=world.u1, point_type=world.point_type
        )
        make_inspection(world.round, p, [(world.k1, "compliant"), (world.k3, "noncompliant", i % 4)])
    headers = as_user(client, make_user("leader"))
    with django_assert_max_num_queries(15):
        assert (
            client.get(
                f"{API}/rankings/?round={world.round.pk}&dimension=community", headers=headers
            ).status_code
            == 200
        )


def test_snapshots_endpoints(client, world, django_assert_max_num_queries):
    snap = freeze_round(actor=None, round=world.round)
    street1 = make_user("street", area=world.s1)
    office = make_user("office")
    assert_api_matrix(client, f"{API}/snapshots/", {"anonymous": 401, street1: 200, office: 200})
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/snapshots/?kind=daily", headers=as_user(client, office)).json()
    assert [
        (s["id"], s["version"], s["points"], s["inspections"], s["observations"]) for s in body["results"]
    ] == [(snap.pk, 1, 3, 3, 9)]
    assert client.get(f"{API}/snapshots/?kind=mock", headers=as_user(client, office)).json()["count"] == 0
    detail = client.get(f"{API}/snapshots/{snap.pk}/", headers=as_user(client, street1)).json()
    assert detail["observation_ids"] == snap.observation_ids
    assert {
        (r["dimension"], r["label"], r["rank"]) for r in detail["rollups"] if r["dimension"] == "street"
    } == {
        ("street", "湖里街道", 1),
        ("street", "殿前街道", 2),
    }
    points = f"{API}/snapshots/{snap.pk}/points/"
    assert_api_matrix(client, points, {"anonymous": 401, street1: 200, office: 200})
    mine = client.get(points, headers=as_user(client, street1)).json()
    assert sorted(p["point_name"] for p in mine["results"]) == ["徐厝路", "村里路"]
    assert client.get(points, headers=as_user(client, office)).json()["count"] == 3
    assert client.get(f"{API}/snapshots/{snap.pk + 50}/", headers=as_user(client, office)).status_code == 404


def test_pareto_endpoint(client, world):
    office = make_user("office")
    unit = make_user("unit_handler", unit=world.u2)
    url = f"{API}/pareto/?round={world.round.pk}"
    assert_api_matrix(client, url, {"anonymous": 401, unit: 200, office: 200})
    body = client.get(url, headers=as_user(client, unit)).json()
    assert (body["total_lost"], body["total_count"], body["inspections"], body["round"]) == (
        5.0,
        2,
        3,
        world.round.pk,
    )
    assert [(x["label"].split()[0], x["lost"], x["count"]) for x in body["by_criterion"]] == [
        ("K-TRF", 3.0, 1),
        ("K-ENV", 2.0, 1),
    ]
    assert [x["label"] for x in body["by_theme"]] == [
        "骑手等交通违法",
        "保洁",
        "不文明行为",
        "社区小区管理",
        "公益广告",
    ]
    month = world.inspections["p1"].submitted_at.strftime("%Y-%m")
    body = client.get(f"{API}/pareto/?period={month}", headers=as_user(client, office)).json()
    assert (body["round"], body["total_lost"], body["source"][:4]) == (None, 5.0, month[:4])
    bad = client.get(f"{API}/pareto/?period={month}&round={world.round.pk}", headers=as_user(client, office))
    assert bad.status_code == 400 and "请只选择轮次或统计期之一" in str(bad.json())
    bad = client.get(f"{API}/pareto/?period=soon", headers=as_user(client, office))
    assert bad.status_code == 400 and "无法识别的统计期" in bad.json()["period"][0]


def test_point_history_endpoint(client, world):
    freeze_round(actor=None, round=world.round)
    url = f"{API}/points/{world.p3.pk}/history/"
    street1 = make_user("street", area=world.s1)
    street2 = make_user("street", area=world.s2)
    assert_api_matrix(
        client, url, {"anonymous": 401, street1: 404, street2: 200, make_user("inspector"): 200}
    )
    rows = client.get(url, headers=as_user(client, street2)).json()
    assert [(round(r["score"], 2), r["passed"], r["failing"], r["frozen"]) for r in rows] == [
        (66.67, False, ["K-ENV"], True)
    ]


def test_themes_endpoint(client, world):
    url = f"{API}/themes/"
    assert_api_matrix(client, url, {"anonymous": 401, make_user("grid"): 200})
    body = client.get(url, headers=as_user(client, make_user("office"))).json()
    assert [(t["name"], t["category_codes"]) for t in body["results"]] == [
        ("保洁", ["ENV-01", "ENV-02", "ENV-03", "ENV-04", "ENV-06", "ENV-07"]),
        ("不文明行为", ["BEHAVIOR"]),
        ("骑手等交通违法", ["TRAFFIC-02", "TRAFFIC-03", "TRAFFIC-04"]),
        ("社区小区管理", ["COMMUNITY"]),
        (
            "公益广告",
            ["PUBLICITY-01", "PUBLICITY-02", "PUBLICITY-03", "PUBLICITY-04", "PUBLICITY-05", "PUBLICITY-06"],
        ),
    ]
