"""The Huli demo loaded once for this module (`wenming load_demo`), then checked from every side.

The load runs inside a module-wide transaction that is rolled back at the end, so other test modules never
see demo rows; each test runs in its own savepoint on top of it.
"""

import io
import re

import pytest
import shapely
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from django.test import override_settings
from shapely.geometry import Point as ShapelyPoint

from wenming.accounts.choices import Role
from wenming.accounts.models import User
from wenming.demo import load
from wenming.geo.choices import AreaLevel, Post
from wenming.geo.models import Area, Duty, Point
from wenming.org.choices import UnitLevel
from wenming.org.models import Person, SpecialGroup, Unit
from wenming.standards.models import PointType, ProblemCategory

# domain.md §6, restated here rather than read from the loader: the test is the specification.
COMMUNITIES = {
    "湖里街道": "湖里 村里 徐厝 濠头 东渡 塘边 后浦 金鼎 南山 东荣 康乐 康晖 康泰 怡景 和通 新港 海天 兴华",
    "殿前街道": "兴隆 长乐 北站 神山 高殿 马垅 兴园 嘉福",
    "禾山街道": "枋湖 坂尚 钟宅 岭下 围里 禾欣 禾山 禾盛 禾缘 五缘湾北",
    "江头街道": "江头 吕厝 吕岭 园山 金尚 江村 蔡塘 后埔 金泰",
    "金山街道": "高林 五通 后坑 金山 金林 金安 湖边 金湖 金海",
}
GROUPS = {
    "SG01": "市容环境卫生整治组",
    "SG02": "交通秩序整治组",
    "SG03": "农贸市场整治组",
    "SG04": "公益广告宣传组",
    "SG05": "小区物业管理整治组",
    "SG06": "文明行为劝导组",
    "SG07": "窗口单位服务提升组",
    "SG08": "建筑工地整治组",
    "SG09": "校园周边环境整治组",
    "SG10": "背街小巷和城中村整治组",
}
FAKE_MOBILE = re.compile(r"1390000\d{4}")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The command's output after loading the demo with the default seed (rolled back after the module)."""
    out = io.StringIO()
    with django_db_blocker.unblock(), override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        with transaction.atomic():
            call_command("load_demo", "--seed", "2026", "--part", "foundation", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def snapshot() -> dict:
    """What "the same data" means: codes, names, positions, people and duties, keyed by stable codes."""
    return {
        "areas": sorted(
            Area.objects.values_list(
                "code", "name", "level", "parent__code", "population", "households", "boundary", "unit__code"
            )
        ),
        "points": sorted(
            Point.objects.values_list(
                "code",
                "name",
                "point_type__code",
                "address",
                "lat",
                "lon",
                "coord_system",
                "area__code",
                "responsible_unit__code",
                "guarantor_unit__code",
                "responsible_person__phone",
            )
        ),  # fmt: skip
        "people": sorted(Person.objects.values_list("phone", "name", "unit__code", "title")),
        "duties": sorted(
            Duty.objects.values_list(
                "person__phone", "post", "area__code", "point__code", "category__code", "start_date"
            ),
            key=str,
        ),
        "units": sorted(Unit.objects.values_list("code", "name", "level", "parent__code")),
        "groups": sorted(
            (g.code, g.name, g.lead_unit.code, tuple(sorted(g.member_units.values_list("code", flat=True))))
            for g in SpecialGroup.objects.select_related("lead_unit")
        ),
        "accounts": sorted(
            User.objects.filter(is_demo=True).values_list(
                "username",
                "person__phone",
                "memberships__role",
                "memberships__unit__code",
                "memberships__area__code",
                "memberships__special_group__code",
            )
        ),  # fmt: skip
    }


def table_state() -> dict:
    """Rows and latest change per table of the apps the demo writes (history tables included)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in {"org", "standards", "geo", "accounts"}:
            continue
        fields = {f.name for f in model._meta.fields}
        latest = (
            model._default_manager.aggregate(m=Max("updated_at"))["m"] if "updated_at" in fields else None
        )
        state[model._meta.label] = (model._default_manager.count(), latest)
    return state


def shape(area: Area):
    return shapely.geometry.shape(area.boundary)


# --- what was loaded ------------------------------------------------------------------------------------
def test_command_prints_a_summary_per_model(loaded, db):
    assert "[8/8] load_accounts ✓" in loaded
    assert "湖里区演示数据已加载（随机种子 2026）" in loaded
    areas = Area.objects.count()
    grids = Area.objects.filter(level=AreaLevel.GRID).count()
    assert f"区域 {areas}（区 1 · 街道 5 · 社区 54 · 网格 {grids}）" in loaded
    assert f"测评点位 {Point.objects.count()}（{PointType.objects.count()} 种点位类型）" in loaded
    assert "专项整治协调组 10" in loaded
    assert "演示账号 10" in loaded


def test_five_streets_and_their_communities_by_real_name(loaded, db):
    district = Area.objects.get(level=AreaLevel.DISTRICT)
    assert (district.code, district.name) == ("350206", "湖里区")
    streets = Area.objects.filter(level=AreaLevel.STREET).order_by("code")
    assert [(s.code, s.name, s.parent_id) for s in streets] == [
        (f"350206{i:03d}000", name, district.pk) for i, name in enumerate(COMMUNITIES, start=1)
    ]
    for street in streets:
        communities = street.children.order_by("code")
        assert [c.name for c in communities] == [f"{n}社区" for n in COMMUNITIES[street.name].split()]
        assert [c.code for c in communities] == [
            f"{street.code[:9]}{i:03d}" for i in range(1, communities.count() + 1)
        ]
    assert Area.objects.filter(level=AreaLevel.COMMUNITY).count() == 54


def test_grid_codes_are_fifteen_digits_under_their_community(loaded, db):
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY).prefetch_related("children"):
        grids = sorted(community.children.all(), key=lambda g: g.code)
        assert 3 <= len(grids) <= 6, community.name
        for serial, grid in enumerate(grids, start=1):
            assert grid.level == AreaLevel.GRID
            assert re.fullmatch(r"\d{15}", grid.code)
            assert grid.code[:9] == community.code[:9]
            assert grid.code == f"{community.code}{serial:03d}"
            assert grid.name == f"{community.name}第{serial}网格"


def test_boundaries_are_synthetic_and_tile_every_level(loaded, db):
    # every boundary says it is synthetic
    assert not Area.objects.filter(boundary_is_synthetic=False).exists()
    assert not Area.objects.exclude(description__contains="示意边界，非真实行政区划").exists()
    # children cover their parent exactly, without gaps or overlaps
    for parent in Area.objects.exclude(level=AreaLevel.GRID).prefetch_related("children"):
        outline = shape(parent)
        children = [shape(c) for c in parent.children.all()]
        union = shapely.union_all(children)
        assert union.symmetric_difference(outline).area < outline.area * 1e-9, parent.name
        assert abs(sum(c.area for c in children) - outline.area) < outline.area * 1e-9, parent.name
    # and the district lies in the published bounding box
    min_lon, min_lat, max_lon, max_lat = shape(Area.objects.get(level=AreaLevel.DISTRICT)).bounds
    assert (118.06, 24.47) <= (min_lon, min_lat) and (max_lon, max_lat) <= (118.21, 24.57)


def test_population_and_households_add_up_to_about_a_million(loaded, db):
    district = Area.objects.get(level=AreaLevel.DISTRICT)
    assert 950_000 <= district.population <= 1_100_000
    for parent in Area.objects.exclude(level=AreaLevel.GRID):
        children = list(parent.children.values_list("population", "households"))
        assert children, parent.name
        assert parent.population == sum(p for p, _h in children)
        assert parent.households == sum(h for _p, h in children)
    for grid in Area.objects.filter(level=AreaLevel.GRID):
        assert 2.0 <= grid.population / grid.households <= 3.0, grid.name


def test_territorial_units_are_the_street_offices_and_community_committees(loaded, db):
    for street in Area.objects.filter(level=AreaLevel.STREET).select_related("unit"):
        assert street.unit.level == UnitLevel.STREET
        assert street.unit.name == f"厦门市湖里区人民政府{street.name}办事处"
    for community in Area.objects.filter(level=AreaLevel.COMMUNITY).select_related(
        "unit__parent", "parent__unit"
    ):
        assert community.unit.level == UnitLevel.COMMUNITY
        assert community.unit.name.endswith(f"{community.name}居民委员会")
        assert community.unit.parent == community.parent.unit
    for grid in Area.objects.filter(level=AreaLevel.GRID).select_related("parent"):
        assert grid.unit_id == grid.parent.unit_id


def test_units_cover_every_level(loaded, db):
    by_level = dict(Unit.objects.values_list("level").annotate(n=Count("pk")))
    assert Unit.objects.count() >= 40
    assert set(by_level) == set(UnitLevel.values)
    assert by_level[UnitLevel.STREET] == 5
    assert by_level[UnitLevel.COMMUNITY] == 54
    names = set(Unit.objects.values_list("short_name", flat=True))
    assert {"区委宣传部", "区文明办", "区城市管理局", "区市场监管局", "区建设与交通局", "区教育局"} <= names


def test_ten_special_groups_with_lead_members_and_categories(loaded, db):
    groups = (
        SpecialGroup.objects.select_related("lead_unit").prefetch_related("member_units").order_by("code")
    )
    assert {g.code: g.name for g in groups} == GROUPS
    for group in groups:
        members = list(group.member_units.all())
        assert 3 <= len(members) <= 8, group.code
        assert group.lead_unit not in members
        assert ProblemCategory.objects.filter(special_group=group).exists(), group.code


def test_points_cover_every_point_type_of_the_standard(loaded, db):
    assert Point.objects.count() >= 400
    per_type = dict(Point.objects.values_list("point_type__name").annotate(n=Count("pk")))
    assert len(per_type) >= 24
    assert set(per_type) == set(PointType.objects.values_list("name", flat=True))
    # plausible proportions: many back streets and compounds, few stations
    assert per_type["背街小巷"] >= 40 and per_type["居民小区"] >= 40
    assert min(per_type.values()) >= 2
    assert len(set(Point.objects.values_list("name", flat=True))) == Point.objects.count()


def test_every_point_lies_inside_its_grid_polygon(loaded, db):
    points = list(Point.objects.select_related("area__parent__parent"))
    assert all(p.area is not None and p.area.level == AreaLevel.GRID for p in points)
    for point in points:
        position = ShapelyPoint(point.lon, point.lat)
        for area in (point.area, point.area.parent, point.area.parent.parent):
            assert shape(area).contains(position), (point.code, area.code)


def test_positions_arrived_in_mixed_coordinate_systems(loaded, db):
    systems = dict(Point.objects.values_list("coord_system").annotate(n=Count("pk")))
    assert set(systems) == {"WGS84", "GCJ02", "BD09"}
    assert systems["GCJ02"] >= 50


def test_every_point_has_units_and_a_named_responsible_person(loaded, db):
    points = Point.objects.select_related("responsible_unit", "guarantor_unit", "responsible_person__unit")
    for point in points:
        person = point.responsible_person
        assert point.responsible_unit is not None and point.guarantor_unit is not None, point.code
        assert point.guarantor_unit.level == UnitLevel.DISTRICT
        assert person.unit == point.responsible_unit
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", person.name)
        assert FAKE_MOBILE.fullmatch(person.phone)
    owners = set(Duty.objects.filter(post=Post.POINT_OWNER).values_list("point_id", "person_id"))
    assert owners == set(Point.objects.values_list("pk", "responsible_person_id"))
    by_type = {p.point_type.name: p.responsible_unit for p in points.select_related("point_type")}
    assert by_type["公交站点"].name == "厦门公交集团有限公司"
    assert by_type["公交站点"].level == UnitLevel.MUNICIPAL
    assert by_type["居民小区"].level in {UnitLevel.PROPERTY, UnitLevel.COMMUNITY}
    assert by_type["银行网点"].level in {UnitLevel.CENTRAL, UnitLevel.PROVINCIAL, UnitLevel.MUNICIPAL}


def test_every_grid_has_a_grid_lead_and_one_or_two_grid_workers(loaded, db):
    for grid in Area.objects.filter(level=AreaLevel.GRID):
        duties = list(Duty.objects.filter(area=grid).select_related("person"))
        leads = [d for d in duties if d.post == Post.GRID_LEAD]
        workers = [d for d in duties if d.post == Post.GRID_WORKER]
        assert len(leads) == 1 and 1 <= len(workers) <= 2, grid.code
        assert all(d.person.unit_id == grid.unit_id and d.person.name for d in leads + workers)
        assert all(d.end_date is None for d in duties)


def test_streets_communities_roads_and_groups_have_their_leads(loaded, db):
    for level, post in ((AreaLevel.STREET, Post.STREET_LEAD), (AreaLevel.COMMUNITY, Post.COMMUNITY_LEAD)):
        for area in Area.objects.filter(level=level):
            assert Duty.objects.filter(area=area, post=post, person__unit=area.unit).count() == 1, area.name
        assert Duty.objects.filter(post=post).count() == Area.objects.filter(level=level).count()
    main_roads = Point.objects.filter(point_type__name="主次干道")
    assert main_roads.count() >= 20
    assert set(Duty.objects.filter(post=Post.ROAD_CHIEF).values_list("point_id", flat=True)) == set(
        main_roads.values_list("pk", flat=True)
    )
    for group in SpecialGroup.objects.all():
        duty = Duty.objects.get(post=Post.CATEGORY_LEAD, category__special_group=group)
        assert duty.person.unit_id == group.lead_unit_id


def test_demo_accounts_have_the_documented_scopes(loaded, db):
    users = {u.username: u for u in User.objects.filter(is_demo=True).prefetch_related("memberships")}
    assert set(users) == {
        "admin", "office", "leader", "group", "unit", "street", "community", "grid", "inspector", "auditor",
    }  # fmt: skip
    assert all(u.check_password(settings.DEMO_PASSWORD) for u in users.values())
    role = {name: u.memberships.get(is_active=True) for name, u in users.items()}
    assert users["admin"].is_superuser and role["admin"].role == Role.ADMIN
    for name in ("office", "leader", "auditor", "inspector"):
        assert role[name].role == name and role[name].area is None
    assert role["group"].special_group.code == "SG01"
    assert role["unit"].unit.points.count() >= 30
    assert role["street"].area.name == "江头街道"
    assert role["community"].area.parent == role["street"].area
    assert role["grid"].area.parent == role["community"].area
    assert Duty.objects.filter(
        person=users["grid"].person, area=role["grid"].area, post=Post.GRID_WORKER
    ).exists()
    assert users["group"].person.unit == SpecialGroup.objects.get(code="SG01").lead_unit


# --- idempotent and reproducible ------------------------------------------------------------------------
def test_loading_twice_changes_nothing(loaded, db):
    # given the loaded demo
    before_rows, before_state = snapshot(), table_state()
    # when it is loaded again with the same seed
    load(seed=2026, stdout=io.StringIO(), part="foundation")
    # then no row was added, changed (updated_at) or given a new history record
    assert table_state() == before_state
    assert snapshot() == before_rows


def test_the_same_seed_rebuilds_the_same_data(loaded, db):
    # given the loaded demo, then everything it made removed (the standard stays: it is shared data)
    before = snapshot()
    wipe_demo()
    assert not Area.objects.exists() and not Point.objects.exists() and not Person.objects.exists()
    # when it is loaded again from scratch with the same seed
    load(seed=2026, stdout=io.StringIO(), part="foundation")
    # then codes, names, positions, people, duties and accounts are identical
    assert snapshot() == before


def wipe_demo() -> None:
    User.objects.filter(is_demo=True).delete()
    Duty.objects.all().delete()
    Point.objects.all().delete()
    for level in (AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT):
        Area.objects.filter(level=level).delete()
    Person.objects.all().delete()
    SpecialGroup.objects.all().delete()
    while Unit.objects.exists():
        Unit.objects.filter(children__isnull=True).delete()
