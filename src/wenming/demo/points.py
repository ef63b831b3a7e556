"""Demo step: the point inventory (点位库) — ≈ 490 points over every point type of the loaded standard.

Point types are read from the database after the standard is loaded (their codes come from its YAML); each
type is matched by its Chinese name to a "kind" below that knows how to name, place and assign such a place
(a market lies in the community it is named after and answers to the market company; a bus stop answers to
the bus group; a compound to its property manager …). A type no kind recognises still gets a few points,
named after their community, answered for by the street office (属地兜底).

Every point lies inside a grid polygon (at least ~30 m from its edge), so point-in-polygon assignment puts
it in that grid. About a third of the positions "arrive" in GCJ-02 (AMap/WeChat) or BD-09 (Baidu) and are
converted to WGS-84 by the service, as real imports are.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass

from wenming.core.choices import CoordSystem
from wenming.core.coords import from_wgs84
from wenming.demo import huli
from wenming.demo.context import DemoContext
from wenming.demo.geography import random_point_in
from wenming.demo.organisation import community_guarantors, ensure_person
from wenming.demo.records import changed_fields
from wenming.geo import services as geo_services
from wenming.geo.choices import AreaLevel, PointStatus
from wenming.geo.models import Point
from wenming.geo.positions import normalise_position
from wenming.standards.models import PointType

POINT_MARGIN = 0.0003  # degrees (≈ 30 m): keeps a point clearly inside its grid after coordinate conversion
CHINESE_NUMBERS = "一二三四五六七八九"


@dataclass(frozen=True)
class Community:
    code: str
    name: str  # without 社区
    street: str  # street name without 街道
    street_code: str
    grids: tuple[tuple[str, object], ...]  # (grid code, shapely polygon)


@dataclass
class PointSpec:
    """One planned point: what it is, where, and who answers for it (unit and the owner's role key)."""

    code: str
    name: str
    type_code: str
    kind: str
    community: Community
    unit: str  # responsible unit code
    owner_key: str  # identifies the responsible person (several points may share one)
    owner_title: str
    address: str = ""
    lat: float = 0.0  # as arrived, in coord_system
    lon: float = 0.0
    coord_system: str = CoordSystem.WGS84


class Planner:
    """Builds PointSpecs for one type; `community(name)` places a point in a named community."""

    def __init__(self, rng: random.Random, communities: list[Community]):
        self.rng = rng
        self.communities = communities
        self.by_name = {c.name: c for c in communities}
        self.used_names: set[str] = set()

    def any_community(self) -> Community:
        return self.rng.choice(self.communities)

    def community(self, name: str) -> Community:
        return self.by_name.get(name) or self.any_community()

    def unique(
        self, name_for: Callable[[Community], str], where: Callable[[], Community] | None = None
    ) -> tuple[str, Community]:
        """Pick a community (`where`, default any) and a name for it until the name is new: point names
        are unique in the demo."""
        for _ in range(200):
            community = where() if where else self.any_community()
            name = name_for(community)
            if name not in self.used_names:
                self.used_names.add(name)
                return name, community
        raise RuntimeError("无法生成不重复的点位名称。")

    def at(self, community_name: str) -> Callable[[], Community]:
        return lambda: self.community(community_name)

    def road(self) -> str:
        return self.rng.choice(huli.MAIN_ROADS)

    def address(self, community: Community, road: str | None = None, highest: int = 899) -> str:
        """A house number on `road` (default: a main road), e.g. 厦门市湖里区江头街道吕岭路312号（江头社区）."""
        road = road or self.road()
        return f"厦门市湖里区{community.street}街道{road}{self.rng.randint(1, highest)}号（{community.name}社区）"


# --- kinds: (keywords in the type name, number of points, planner function) -------------------------------
# A planner function returns a list of (name, community, unit code, owner key, owner title, address).
Row = tuple[str, Community, str, str, str, str]


def _street_office(c: Community) -> str:
    return f"JD-{c.street_code}"


def _community_unit(c: Community) -> str:
    return huli.community_unit_code(c.code)


def _per_street(unit: str, c: Community, title: str) -> tuple[str, str]:
    """One responsible person of `unit` for all its points in a street."""
    return f"owner:{unit}:{c.street_code}", f"{c.street}片区{title}"


def plan_main_roads(p: Planner, n: int) -> list[Row]:
    rows = []
    for i in range(n):
        road = huli.MAIN_ROADS[i % len(huli.MAIN_ROADS)]
        name, c = p.unique(lambda c, road=road: f"{road}（{c.name}段）")
        rows.append(
            (
                name,
                c,
                "QS-CGJ",
                *_per_street("QS-CGJ", c, "道路管理责任人"),
                f"厦门市湖里区{road}（{c.name}社区段）",
            )
        )
    return rows


def plan_commercial(p: Planner, n: int) -> list[Row]:
    rows = []
    for street_name, where in p.rng.sample(huli.COMMERCIAL_STREETS, min(n, len(huli.COMMERCIAL_STREETS))):
        name, c = p.unique(lambda c, s=street_name: s, p.at(where))
        rows.append((name, c, "QS-CGJ", *_per_street("QS-CGJ", c, "商业街管理责任人"), p.address(c)))
    return rows


def plan_back_streets(p: Planner, n: int) -> list[Row]:
    def make(c: Community) -> str:
        if p.rng.random() < 0.5:
            return f"{c.name}{p.rng.choice('东西南北中前后')}{p.rng.choice(CHINESE_NUMBERS)}里"
        return f"{p.road()}{p.rng.randint(2, 60)}巷"

    rows = []
    for _ in range(n):
        name, c = p.unique(make)
        unit = _street_office(c)
        rows.append(
            (name, c, unit, f"owner:{unit}:{c.code}", f"挂钩{c.name}社区干部", p.address(c, name, highest=60))
        )
    return rows


def plan_intersections(p: Planner, n: int) -> list[Row]:
    def make(c: Community) -> str:
        a, b = p.rng.sample(huli.MAIN_ROADS, 2)
        return f"{a}与{b}交叉口"

    rows = []
    for _ in range(n):
        name, c = p.unique(make)
        rows.append((name, c, "SHI-JJDD", *_per_street("SHI-JJDD", c, "交警中队长"), f"厦门市湖里区{name}"))
    return rows


def plan_compounds(p: Planner, n: int) -> list[Row]:
    def make(c: Community) -> str:
        return p.rng.choice(huli.COMPOUND_PREFIXES) + p.rng.choice(huli.COMPOUND_SUFFIXES)

    rows = []
    for i in range(n):
        if p.rng.random() < 0.15:  # 老旧小区 without a property manager: the community answers for it
            name, c = p.unique(lambda c: f"{c.name}社区老旧小区{p.rng.randint(1, 9)}区")
            unit = _community_unit(c)
            rows.append((name, c, unit, f"owner:{unit}", "社区创建专干", p.address(c)))
            continue
        name, c = p.unique(make)
        unit = p.rng.choice(huli.PROPERTY_UNITS)
        rows.append((name, c, unit, f"owner:{unit}:compound:{i}", f"{name}项目经理", p.address(c)))
    return rows


def plan_communities(p: Planner, n: int) -> list[Row]:
    rows = []
    for c in p.rng.sample(p.communities, min(n, len(p.communities))):
        name, c = p.unique(lambda c: f"{c.name}社区", lambda c=c: c)
        unit = _community_unit(c)
        rows.append((name, c, unit, f"owner:{unit}", "社区创建专干", f"{p.address(c)}社区党群服务中心"))
    return rows


def plan_markets(p: Planner, n: int) -> list[Row]:
    rows = []
    for i, where in enumerate(p.rng.sample(huli.MARKET_COMMUNITIES, min(n, len(huli.MARKET_COMMUNITIES)))):
        kind = "农贸市场" if where == "禾山" or p.rng.random() < 0.2 else "菜市场"
        name, c = p.unique(lambda c, w=where, k=kind: f"{w}{k}", p.at(where))
        if i % 3 == 2:  # some markets are run by the street's own collective: the bureau answers for them
            rows.append((name, c, "QS-SJJ", *_per_street("QS-SJJ", c, "市场监管所所长"), p.address(c)))
        else:
            rows.append((name, c, "QY-XSNM", f"owner:QY-XSNM:{name}", f"{name}经理", p.address(c)))
    return rows


def _named_places(p: Planner, places, n: int, unit: str, title: str) -> list[Row]:
    rows = []
    for place, where in places[:n]:
        name, c = p.unique(lambda c, pl=place: pl, p.at(where))
        rows.append((name, c, unit, f"owner:{unit}:{name}", title, p.address(c)))
    return rows


def plan_parks(p: Planner, n: int) -> list[Row]:
    return _named_places(p, huli.PARKS, n, "QS-SZYL", "公园管理处负责人")


def plan_squares(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        name, c = p.unique(lambda c: f"{c.name}文化广场")
        rows.append((name, c, "QS-CGJ", *_per_street("QS-CGJ", c, "广场管理责任人"), p.address(c)))
    return rows


def plan_bus_stops(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        name, c = p.unique(lambda c: f"{c.name}{p.rng.choice(huli.STREET_SUFFIXES)}公交站")
        rows.append((name, c, "SHI-GJJT", *_per_street("SHI-GJJT", c, "站务主管"), p.address(c)))
    return rows


def plan_buses(p: Planner, n: int) -> list[Row]:
    rows = []
    for line in p.rng.sample(huli.BUS_LINES, min(n, len(huli.BUS_LINES))):
        name, c = p.unique(lambda c, line=line: f"{line}路公交车")
        rows.append(
            (
                name,
                c,
                "SHI-GJJT",
                f"owner:SHI-GJJT:line:{line}",
                f"{line}路线路长",
                f"厦门市湖里区{c.name}社区公交首末站",
            )
        )
    return rows


def plan_taxis(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        name, c = p.unique(lambda c: f"{c.name}出租车候客点")
        rows.append((name, c, "QS-JJJ", *_per_street("QS-JJJ", c, "交通运输执法员"), p.address(c)))
    return rows


def plan_hospitals(p: Planner, n: int) -> list[Row]:
    rows = []
    for place, unit, where in huli.HOSPITALS:
        name, c = p.unique(lambda c, pl=place: pl, p.at(where))
        rows.append((name, c, unit, f"owner:{unit}:{name}", "院办主任", p.address(c)))
    for street in huli.STREETS:
        where = p.rng.choice(street.communities)
        name, c = p.unique(lambda c, s=street: f"{s.name}街道社区卫生服务中心", p.at(where))
        rows.append((name, c, "QS-WJJ", f"owner:QS-WJJ:{name}", f"{name}主任", p.address(c)))
    return rows[:n]


def plan_schools(p: Planner, n: int) -> list[Row]:
    rows = []
    for c in p.rng.sample(p.communities, min(n, len(p.communities))):
        school = f"厦门市湖里区{c.name}{'中学' if p.rng.random() < 0.3 else '小学'}"
        name, c = p.unique(lambda c, s=school: s, lambda c=c: c)
        rows.append((name, c, "QS-JYJ", f"owner:QS-JYJ:{name}", f"{name}校长", p.address(c)))
    return rows


def plan_netcafes(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        name, c = p.unique(lambda c: f"{p.rng.choice(huli.NETCAFE_BRANDS)}（{c.name}店）")
        rows.append((name, c, "QS-WLJ", *_per_street("QS-WLJ", c, "文化市场监管员"), p.address(c)))
    return rows


def plan_halls(p: Planner, n: int) -> list[Row]:
    rows = []
    for index, (place, where) in enumerate(huli.GOVERNMENT_HALLS[:n]):
        name, c = p.unique(lambda c, pl=place: pl, p.at(where))
        unit = "QS-ZWFW" if index == 0 else _street_office(c)
        rows.append((name, c, unit, f"owner:{unit}:{name}", "大厅负责人", p.address(c)))
    return rows


def plan_banks(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        brand, unit = p.rng.choice(huli.BANKS)
        name, c = p.unique(lambda c, b=brand: f"{b}厦门{c.name}支行")
        rows.append((name, c, unit, f"owner:{unit}:{name}", "网点负责人", p.address(c)))
    return rows


def plan_windows(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        template, unit = p.rng.choice(huli.WINDOWS)
        name, c = p.unique(lambda c, t=template: t.format(c=c.name))
        rows.append((name, c, unit, f"owner:{unit}:{name}", "营业厅主任", p.address(c)))
    return rows


def plan_hotels(p: Planner, n: int) -> list[Row]:
    name, c = p.unique(lambda c: "厦门悦华酒店", p.at("金尚"))
    rows = [
        (
            name,
            c,
            "QY-YHJD",
            f"owner:QY-YHJD:{name}",
            "酒店总经理",
            f"厦门市湖里区悦华路{p.rng.randint(1, 200)}号",
        )
    ]
    for _ in range(n - 1):
        name, c = p.unique(lambda c: f"{p.rng.choice(huli.HOTEL_BRANDS)}（厦门{c.name}店）")
        rows.append((name, c, "QS-WLJ", *_per_street("QS-WLJ", c, "旅游住宿监管员"), p.address(c)))
    return rows


def plan_malls(p: Planner, n: int) -> list[Row]:
    rows = []
    for place, unit, where in huli.MALLS:
        name, c = p.unique(lambda c, pl=place: pl, p.at(where))
        unit = unit or "QS-SWJ"
        rows.append((name, c, unit, f"owner:{unit}:{name}", "商场运营负责人", p.address(c)))
    while len(rows) < n:
        brand, unit = p.rng.choice(huli.SUPERMARKET_BRANDS)
        name, c = p.unique(lambda c, b=brand: f"{b}（{c.name}店）")
        if unit:
            rows.append((name, c, unit, f"owner:{unit}:{name}", "店长", p.address(c)))
        else:
            rows.append((name, c, "QS-SWJ", *_per_street("QS-SWJ", c, "商贸流通监管员"), p.address(c)))
    return rows


def plan_practice(p: Planner, n: int) -> list[Row]:
    name, c = p.unique(lambda c: "湖里区新时代文明实践中心", p.at("禾山"))
    rows = [(name, c, "QS-XCB", f"owner:QS-XCB:{name}", "文明实践中心主任", p.address(c))]
    for street in huli.STREETS:
        name, c = p.unique(lambda c, s=street: f"{s.name}街道新时代文明实践所", p.at(street.communities[0]))
        unit = _street_office(c)
        rows.append((name, c, unit, f"owner:{unit}:{name}", "文明实践所所长", p.address(c)))
    while len(rows) < n:
        name, c = p.unique(lambda c: f"{c.name}社区新时代文明实践站")
        unit = _community_unit(c)
        rows.append((name, c, unit, f"owner:{unit}", "社区创建专干", p.address(c)))
    return rows[:n]


def plan_sites(p: Planner, n: int) -> list[Row]:
    builders = ("QY-ZJHX", "QY-TFJS", "QY-SZJS")
    templates = (
        "{c}社区安置房项目工地",
        "{r}改造提升工程工地",
        "厦门地铁6号线{c}站工地",
        "{c}片区旧村改造项目工地",
    )
    rows = []
    for i in range(n):
        template = templates[i % len(templates)]
        name, c = p.unique(lambda c, t=template: t.format(c=c.name, r=p.road()))
        unit = builders[i % len(builders)]
        rows.append((name, c, unit, f"owner:{unit}:{name}", "项目经理", p.address(c)))
    return rows


def plan_toilets(p: Planner, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        name, c = p.unique(lambda c: f"{c.name}社区{p.rng.randint(1, 5)}号公厕")
        rows.append((name, c, "QS-SZYL", *_per_street("QS-SZYL", c, "环卫所所长"), p.address(c)))
    return rows


def plan_scenic(p: Planner, n: int) -> list[Row]:
    return _named_places(p, huli.SCENIC, n, "QS-WLJ", "景区管理负责人")


def plan_culture(p: Planner, n: int) -> list[Row]:
    return _named_places(p, huli.CULTURE, n, "QS-WLJ", "场馆负责人")


def plan_stations(p: Planner, n: int) -> list[Row]:
    rows = []
    for place, unit, where in huli.STATIONS[:n]:
        name, c = p.unique(lambda c, pl=place: pl, p.at(where))
        rows.append((name, c, unit, f"owner:{unit}:{name}", "站长", p.address(c)))
    return rows


def plan_periphery(p: Planner, n: int) -> list[Row]:
    rows = []
    for village in huli.PERIPHERY[:n]:
        name, c = p.unique(lambda c, v=village: f"{v}城中村片区", p.at(village))
        unit = _street_office(c)
        rows.append((name, c, unit, f"owner:{unit}:{name}", f"{village}片区负责人", p.address(c)))
    return rows


def plan_generic(p: Planner, n: int, type_name: str) -> list[Row]:
    rows = []
    for _ in range(n):
        name, c = p.unique(lambda c: f"{c.name}社区{type_name}")
        unit = _street_office(c)
        rows.append((name, c, unit, f"owner:{unit}:{c.code}", f"挂钩{c.name}社区干部", p.address(c)))
    return rows


# Matched in this order against the type's name; the first kind whose keyword occurs wins, once.
KINDS: tuple[tuple[str, tuple[str, ...], int, Callable], ...] = (
    ("main_road", ("主次干道", "主干道"), 45, plan_main_roads),
    ("commercial", ("商业大街", "商业街", "步行街"), 8, plan_commercial),
    ("back_street", ("背街小巷",), 70, plan_back_streets),
    ("intersection", ("交通路口", "路口"), 20, plan_intersections),
    ("compound", ("居民小区", "住宅小区"), 80, plan_compounds),
    ("market", ("农贸", "集贸", "菜市场"), 14, plan_markets),
    ("park", ("公园",), 10, plan_parks),
    ("square", ("广场",), 6, plan_squares),
    ("bus_stop", ("公交站", "公交车站"), 50, plan_bus_stops),
    ("bus", ("公交车",), 8, plan_buses),
    ("taxi", ("出租车",), 4, plan_taxis),
    ("hospital", ("医院", "医疗"), 7, plan_hospitals),
    ("school", ("学校", "中小学"), 24, plan_schools),
    ("netcafe", ("网吧",), 10, plan_netcafes),
    ("hall", ("政务大厅", "政务服务", "便民服务"), 3, plan_halls),
    ("bank", ("银行",), 12, plan_banks),
    ("window", ("窗口",), 10, plan_windows),
    ("hotel", ("宾馆", "酒店"), 10, plan_hotels),
    ("mall", ("商场", "超市"), 12, plan_malls),
    ("practice", ("文明实践",), 12, plan_practice),
    ("site", ("工地",), 10, plan_sites),
    ("toilet", ("厕所",), 16, plan_toilets),
    ("scenic", ("景区", "景点"), 4, plan_scenic),
    ("culture", ("文化设施", "文化场馆"), 6, plan_culture),
    ("station", ("汽车站", "火车站", "客运"), 2, plan_stations),
    ("periphery", ("城乡接合", "城乡结合", "城中村"), 5, plan_periphery),
    ("community", ("社区",), 30, plan_communities),
)
GENERIC_COUNT = 3


def match_kinds(type_names: list[tuple[str, str]]) -> dict[str, str]:
    """Point type code → kind name ("generic" when nothing matches or the kind is taken)."""
    taken: set[str] = set()
    result = {}
    for code, name in type_names:
        kind = next(
            (k for k, words, _n, _f in KINDS if k not in taken and any(w in name for w in words)), "generic"
        )
        if kind != "generic":
            taken.add(kind)
        result[code] = kind
    return result


def plan_points(
    rng: random.Random, types: list[tuple[str, str]], communities: list[Community]
) -> list[PointSpec]:
    """Every demo point (pure: the same rng state, types and communities give the same plan)."""
    kinds = match_kinds(types)
    planner = Planner(rng, communities)
    by_kind = {k: (n, f) for k, _w, n, f in KINDS}
    specs = []
    for code, name in types:
        kind = kinds[code]
        if kind == "generic":
            rows = plan_generic(planner, GENERIC_COUNT, name)
        else:
            count, function = by_kind[kind]
            rows = function(planner, count)
        for serial, (point_name, community, unit, owner_key, owner_title, address) in enumerate(
            rows, start=1
        ):
            spec = PointSpec(
                code=f"HL-{code}-{serial:03d}", name=point_name, type_code=code, kind=kind, community=community,
                unit=unit, owner_key=owner_key, owner_title=owner_title, address=address,
            )  # fmt: skip
            _place(spec, rng)
            specs.append(spec)
    return specs


def _place(spec: PointSpec, rng: random.Random) -> None:
    """A position inside one of the community's grids, as it arrived: WGS-84, GCJ-02 or BD-09."""
    _grid_code, grid_shape = rng.choice(spec.community.grids)
    point = random_point_in(grid_shape, rng, margin=POINT_MARGIN)
    roll = rng.random()
    system = CoordSystem.GCJ02 if roll < 0.28 else CoordSystem.BD09 if roll < 0.34 else CoordSystem.WGS84
    lat, lon = from_wgs84(point.y, point.x, system)
    spec.lat, spec.lon, spec.coord_system = round(lat, 6), round(lon, 6), system


def communities_of(ctx: DemoContext) -> list[Community]:
    """The communities made by the areas step, with their grids' shapes (in code order)."""
    grids: dict[str, list] = {}
    for code, area in ctx.areas.items():
        if area.level == AreaLevel.GRID:
            grids.setdefault(code[:12], []).append((code, ctx.shapes[code]))
    result = []
    for code, area in ctx.areas.items():
        if area.level == AreaLevel.COMMUNITY:
            street = ctx.areas[f"{code[:9]}000"]
            result.append(
                Community(
                    code,
                    area.name.removesuffix("社区"),
                    street.name.removesuffix("街道"),
                    street.code,
                    tuple(sorted(grids[code])),
                )
            )
    return result


# --- the step -------------------------------------------------------------------------------------------
def load_points(ctx: DemoContext) -> None:
    """Create or update every planned point with its responsible unit, guarantor and named person."""
    types = list(PointType.objects.order_by("order", "code"))
    if not types:
        raise RuntimeError("没有点位类型：请先加载默认测评体系。")
    ctx.point_types = {t.code: t for t in types}
    guarantors = community_guarantors(ctx)
    specs = plan_points(ctx.rng, [(t.code, t.name) for t in types], communities_of(ctx))
    existing = Point.objects.select_related("responsible_person", "guarantor_unit").in_bulk(
        [s.code for s in specs], field_name="code"
    )
    for spec in specs:
        unit = ctx.units[spec.unit]
        person = ensure_person(ctx, spec.owner_key, unit, spec.owner_title)
        point = _save_point(
            spec,
            existing.get(spec.code),
            point_type=ctx.point_types[spec.type_code],
            responsible_unit=unit,
            guarantor_unit=ctx.units[guarantors[spec.community.code]],
            responsible_person=person,
        )
        ctx.points[point.code] = point
        if spec.kind == "main_road":
            ctx.extra.setdefault("main_roads", []).append(point)


def _save_point(spec: PointSpec, existing: Point | None, **links) -> Point:
    values = {"name": spec.name, "address": spec.address, "status": PointStatus.ACTIVE, "note": "", **links}
    if existing is None:
        return geo_services.create_point(
            actor=None, code=spec.code, lat=spec.lat, lon=spec.lon,
            coord_system=spec.coord_system, **values,
        )  # fmt: skip
    changes = changed_fields(existing, values)
    wgs_lat, wgs_lon, system = normalise_position(spec.lat, spec.lon, spec.coord_system)
    if (existing.lat, existing.lon, existing.coord_system) != (wgs_lat, wgs_lon, system):
        changes.update(lat=spec.lat, lon=spec.lon, coord_system=spec.coord_system)
    return geo_services.update_point(actor=None, point=existing, **changes) if changes else existing
