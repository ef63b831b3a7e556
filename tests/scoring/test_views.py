"""Score pages: permission matrices (anonymous / wrong role / out of scope / in scope), drill-down content,
htmx partials, exports, query-count bounds, theme editing."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_point, make_user
from tests.permissions import assert_matrix
from tests.scoring.factories import make_inspection, make_world
from wenming.scoring.models import DeductionTheme, ScoreSnapshot
from wenming.scoring.services import freeze_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world(state="closed")


@pytest.fixture
def people(world):
    return {
        "office": make_user("office"),
        "leader": make_user("leader"),
        "inspector": make_user("inspector"),
        "street1": make_user("street", area=world.s1),
        "street2": make_user("street", area=world.s2),
        "unit1": make_user("unit_handler", unit=world.u1),
        "unit2": make_user("unit_handler", unit=world.u2),
    }


def url(name, **query):
    from django.utils.http import urlencode

    return reverse(name) + ("?" + urlencode(query) if query else "")


@pytest.mark.parametrize("frozen", [False, True])
def test_rankings_every_signed_in_role_sees_them(client, world, people, frozen):
    if frozen:
        freeze_round(actor=None, round=world.round)
    target = url("scoring:rankings", round=world.round.pk, dimension="street")
    assert_matrix(
        client,
        target,
        {"anonymous": 302, people["unit1"]: 200, people["street2"]: 200, people["office"]: 200},
    )
    client.force_login(people["unit1"])
    html = client.get(target).content.decode()
    assert "湖里街道" in html and "83.33" in html and "殿前街道" in html and "66.67" in html
    assert ("已冻结" in html) == frozen
    assert reverse("scoring:area_scores") + f"?round={world.round.pk}&amp;area={world.s1.pk}" in html


def test_rankings_default_round_comparison_and_bad_input(client, world, people):
    freeze_round(actor=None, round=world.round)
    client.force_login(people["leader"])
    html = client.get(reverse("scoring:rankings")).content.decode()
    assert world.round.name in html and "83.33" in html  # the latest closed round by default
    from tests.scoring.factories import make_round

    nxt = make_round(world.standard)
    make_inspection(nxt, world.p3, [(world.k1, "compliant")])
    html = client.get(url("scoring:rankings", round=nxt.pk, compare=world.round.pk)).content.decode()
    assert "进步" in html and "+33.33" in html and "未参评" in html
    response = client.get(url("scoring:rankings", dimension="planet"))
    assert response.status_code == 400
    assert "维度应为" in response.content.decode()


def test_rankings_htmx_returns_only_the_table_and_xlsx_export(client, world, people):
    client.force_login(people["office"])
    partial = client.get(url("scoring:rankings", round=world.round.pk), headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body and "湖里街道" in body
    export = client.get(url("scoring:rankings", round=world.round.pk, dimension="unit", export="xlsx"))
    ws = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in ws[2]][:6] == [1, "湖里区市政园林局", 2, 1, 0.5, 83.33]


def test_rankings_query_count_does_not_grow_with_the_round(
    client, world, people, django_assert_max_num_queries
):
    for i in range(12):
        p = make_point(
            name=f"加测点{i}", area=world.c3, responsible_unit=world.u2, point_type=world.point_type
        )
        make_inspection(world.round, p, [(world.k1, "compliant"), (world.k2, "noncompliant", i % 3)])
    client.force_login(people["office"])
    with django_assert_max_num_queries(22):
        assert client.get(url("scoring:rankings", round=world.round.pk, dimension="group")).status_code == 200
    freeze_round(actor=None, round=world.round)
    with django_assert_max_num_queries(22):
        assert client.get(url("scoring:rankings", round=world.round.pk)).status_code == 200


@pytest.mark.parametrize("frozen", [False, True])
def test_area_drill_down_is_scoped(client, world, people, frozen):
    if frozen:
        freeze_round(actor=None, round=world.round)
    # a community is scoped by geo's Area.restrict (streets themselves are public geography there)
    c3 = url("scoring:area_scores", round=world.round.pk, area=world.c3.pk)
    assert_matrix(
        client,
        c3,
        {
            "anonymous": 302,
            people["street1"]: 404,
            people["unit1"]: 404,
            people["street2"]: 200,
            people["office"]: 200,
        },
    )
    # another street's page shows its public figure but none of its points
    client.force_login(people["street1"])
    other = client.get(url("scoring:area_scores", round=world.round.pk, area=world.s2.pk)).content.decode()
    assert "66.67" in other and "兴隆路" not in other and "没有可查看的点位" in other
    client.force_login(people["street1"])
    html = client.get(url("scoring:area_scores", round=world.round.pk, area=world.s1.pk)).content.decode()
    assert "村里路" in html and "徐厝路" in html and "兴隆路" not in html
    assert "村里社区" in html and "徐厝社区" in html  # the street's communities
    assert reverse("inspections:inspection_detail", args=[world.inspections["p2"].pk]) in html
    assert reverse("scoring:point_history", args=[world.p2.pk]) in html
    overview = client.get(url("scoring:area_scores", round=world.round.pk)).content.decode()
    assert "湖里街道" in overview and "殿前街道" in overview  # figures are public, points are not
    assert "村里路" not in overview and "没有可查看的点位" not in overview


def test_area_drill_down_rejects_grids_and_garbage(client, world, people):
    client.force_login(people["office"])
    grid = world.p1.area
    assert client.get(url("scoring:area_scores", round=world.round.pk, area=grid.pk)).status_code == 404
    assert client.get(url("scoring:area_scores", round=world.round.pk, area="x")).status_code == 404
    assert client.get(url("scoring:area_scores", round="abc")).status_code == 404


@pytest.mark.parametrize("frozen", [False, True])
def test_unit_drill_down_is_scoped_and_exports(client, world, people, frozen):
    if frozen:
        freeze_round(actor=None, round=world.round)
    u2 = url("scoring:unit_scores", round=world.round.pk, unit=world.u2.pk)
    assert_matrix(
        client, u2, {"anonymous": 302, people["unit1"]: 404, people["unit2"]: 200, people["leader"]: 200}
    )
    client.force_login(people["unit1"])
    html = client.get(url("scoring:unit_scores", round=world.round.pk, unit=world.u1.pk)).content.decode()
    assert "村里路" in html and "徐厝路" in html and "兴隆路" not in html
    export = client.get(url("scoring:unit_scores", round=world.round.pk, unit=world.u1.pk, export="xlsx"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert [(r[1], r[10], r[11]) for r in rows[1:]] == [("徐厝路", 66.67, "否"), ("村里路", 100.0, "是")]


def test_point_scores_by_type_and_group_show_only_points_in_scope(client, world, people):
    freeze_round(actor=None, round=world.round)
    by_type = url("scoring:point_scores", round=world.round.pk, dimension="type", key=world.point_type.pk)
    assert_matrix(client, by_type, {"anonymous": 302, people["street2"]: 200, people["office"]: 200})
    client.force_login(people["street2"])
    html = client.get(by_type).content.decode()
    assert "兴隆路" in html and "村里路" not in html
    client.force_login(people["office"])
    by_group = url("scoring:point_scores", round=world.round.pk, dimension="group", key=world.group.pk)
    html = client.get(by_group).content.decode()
    assert "市容环境卫生整治组" in html and "66.67" in html and "K-ENV" in html
    missing = url("scoring:point_scores", round=world.round.pk, dimension="unit", key=999999)
    assert client.get(missing).status_code == 404


def test_point_scores_query_count(client, world, people, django_assert_max_num_queries):
    for i in range(10):
        p = make_point(
            name=f"加测点{i}", area=world.c1, responsible_unit=world.u1, point_type=world.point_type
        )
        make_inspection(world.round, p, [(world.k1, "compliant")])
    client.force_login(people["street1"])
    with django_assert_max_num_queries(25):
        assert client.get(url("scoring:point_scores", round=world.round.pk)).status_code == 200
    freeze_round(actor=None, round=world.round)
    with django_assert_max_num_queries(25):
        assert client.get(url("scoring:point_scores", round=world.round.pk)).status_code == 200


def test_point_history_is_scoped(client, world, people):
    target = reverse("scoring:point_history", args=[world.p3.pk])
    assert_matrix(
        client,
        target,
        {"anonymous": 302, people["street1"]: 404, people["street2"]: 200, people["inspector"]: 200},
    )
    client.force_login(people["street2"])
    html = client.get(target).content.decode()
    assert "66.67" in html and "K-ENV" in html and "history-data" in html


def test_pareto_page_and_records(client, world, people):
    freeze_round(actor=None, round=world.round)
    target = url("scoring:pareto", round=world.round.pk)
    assert_matrix(client, target, {"anonymous": 302, people["unit2"]: 200, people["office"]: 200})
    client.force_login(people["unit2"])
    html = client.get(target).content.decode()
    for theme in ("保洁", "不文明行为", "骑手等交通违法", "社区小区管理", "公益广告"):
        assert theme in html
    assert "K-TRF" in html and "非机动车交通违法" in html and "pareto-data" in html and "track-data" in html
    export = client.get(url("scoring:pareto", round=world.round.pk, export="xlsx"))
    sheets = load_workbook(io.BytesIO(export.content))
    assert [r[:3] for r in sheets["测评标准"].iter_rows(min_row=2, values_only=True)] == [
        ("K-TRF 测评标准" + world.k2.text.removeprefix("测评标准"), "非机动车交通违法", 3.0),
        ("K-ENV 测评标准" + world.k1.text.removeprefix("测评标准"), "道路不洁", 2.0),
    ]
    detail = url("scoring:pareto_detail", round=world.round.pk, criterion=world.k2.pk)
    assert_matrix(client, detail, {"anonymous": 302, people["unit2"]: 200, people["office"]: 200})
    client.force_login(people["unit2"])
    assert "徐厝路" not in client.get(detail).content.decode()  # P2 is U1's
    client.force_login(people["office"])
    html = client.get(detail).content.decode()
    assert (
        "徐厝路" in html
        and reverse("inspections:inspection_detail", args=[world.inspections["p2"].pk]) in html
    )
    assert client.get(url("scoring:pareto_detail", round=world.round.pk)).status_code == 404
    assert client.get(url("scoring:pareto_detail", round=world.round.pk, theme=999999)).status_code == 404


def test_pareto_bad_input_is_explained(client, world, people):
    client.force_login(people["office"])
    response = client.get(url("scoring:pareto", period="去年"))
    assert response.status_code == 400 and "无法识别的统计期" in response.content.decode()
    response = client.get(url("scoring:pareto", period="2026-05", round=world.round.pk))
    assert response.status_code == 400 and "请只选择轮次或统计期之一" in response.content.decode()


def test_pareto_query_count(client, world, people, django_assert_max_num_queries):
    for i in range(10):
        p = make_point(name=f"加测点{i}", area=world.c1, point_type=world.point_type)
        make_inspection(world.round, p, [(world.k1, "noncompliant"), (world.k2, "noncompliant", 2)])
    client.force_login(people["office"])
    with django_assert_max_num_queries(30):
        assert client.get(url("scoring:pareto", round=world.round.pk)).status_code == 200


def test_snapshot_pages(client, world, people, django_assert_max_num_queries):
    snap = freeze_round(actor=None, round=world.round)
    assert_matrix(
        client,
        reverse("scoring:snapshot_list"),
        {"anonymous": 302, people["street1"]: 200, people["office"]: 200},
    )
    detail = reverse("scoring:snapshot_detail", args=[snap.pk])
    assert_matrix(client, detail, {"anonymous": 302, people["street1"]: 200, people["office"]: 200})
    client.force_login(people["office"])
    with django_assert_max_num_queries(15):
        html = client.get(reverse("scoring:snapshot_list")).content.decode()
    assert world.round.name in html
    html = client.get(detail).content.decode()
    assert snap.data_hash in html and "所用记录未被修改" in html
    assert reverse("scoring:unit_scores") + f"?round={world.round.pk}&amp;unit={world.u2.pk}" in html
    world.inspections["p1"].observations.filter(criterion=world.k3).update(result="noncompliant")
    assert "所用记录在冻结后被修改" in client.get(detail).content.decode()
    assert client.get(reverse("scoring:snapshot_detail", args=[snap.pk + 99])).status_code == 404


def test_theme_pages_matrix(client, world, people):
    theme = DeductionTheme.objects.get(name="保洁")
    assert_matrix(
        client,
        reverse("scoring:theme_list"),
        {"anonymous": 302, people["street1"]: 200, people["office"]: 200},
    )
    assert_matrix(
        client,
        reverse("scoring:theme_create"),
        {"anonymous": 302, people["street1"]: 403, people["office"]: 200},
    )
    edit = reverse("scoring:theme_edit", args=[theme.pk])
    assert_matrix(client, edit, {"anonymous": 302, people["leader"]: 404, people["office"]: 200})
    delete = reverse("scoring:theme_delete", args=[theme.pk])
    assert_matrix(client, delete, {"anonymous": 302, people["street1"]: 404}, method="post")
    assert DeductionTheme.objects.filter(pk=theme.pk).exists()
    assert_matrix(client, delete, {people["office"]: 302}, method="post")
    assert not DeductionTheme.objects.filter(pk=theme.pk).exists()


def test_theme_create_validates_codes_and_changes_nothing_when_bad(client, world, people):
    client.force_login(people["office"])
    before = list(DeductionTheme.objects.values_list("name", "category_codes"))
    response = client.post(
        reverse("scoring:theme_create"), {"name": "占道经营", "category_codes": "ENV-01, NOPE-9"}
    )
    assert response.status_code == 400 and "未知的问题分类编码：NOPE-9" in response.content.decode()
    response = client.post(reverse("scoring:theme_create"), {"name": "保洁", "category_codes": "ENV"})
    assert response.status_code == 400 and "已有同名主题" in response.content.decode()
    assert list(DeductionTheme.objects.values_list("name", "category_codes")) == before
    response = client.post(
        reverse("scoring:theme_create"),
        {"name": "占道经营", "category_codes": "ENV-01，TRAFFIC-04", "order": 9},
    )
    assert response.status_code == 302
    assert DeductionTheme.objects.get(name="占道经营").category_codes == ["ENV-01", "TRAFFIC-04"]
    street = make_user("street", area=world.s1)
    client.force_login(street)
    assert (
        client.post(reverse("scoring:theme_create"), {"name": "x", "category_codes": "ENV"}).status_code
        == 403
    )
    assert not DeductionTheme.objects.filter(name="x").exists()


def test_snapshots_are_read_only_in_admin(client, world):
    snap = freeze_round(actor=None, round=world.round)
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:scoring_scoresnapshot_change", args=[snap.pk])).status_code == 200
    assert (
        client.post(
            reverse("admin:scoring_scoresnapshot_delete", args=[snap.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ScoreSnapshot.objects.filter(pk=snap.pk).exists()


def test_rankings_page_offers_the_three_bases_and_states_the_one_used(client, world, people):
    """docs/domain-rules.md §3: the page ranks by the chosen basis (frozen rounds included) and prints it with
    the precision and the tie rule."""
    freeze_round(actor=None, round=world.round)
    client.force_login(people["leader"])
    html = client.get(reverse("scoring:rankings")).content.decode()
    assert "排名依据：平均得分" in html and "打印值相同者名次并列" in html
    html = client.get(url("scoring:rankings", basis="compliance_rate")).content.decode()
    assert "排名依据：符合率" in html and "符合率" in html
    assert client.get(url("scoring:rankings", basis="median")).status_code == 400
