"""Demo step: the area tree 湖里区 → 5 streets → 54 communities → 3–6 grids each, with synthetic boundaries.

Boundaries are made, not surveyed: the district outline (huli.DISTRICT_OUTLINE) is split into streets by a
Voronoi diagram of fixed sites placed roughly where the real streets lie (湖里 south-west by the 东渡 port,
殿前 north-west, 禾山 centre/north-east around the district government, 江头 south-centre, 金山 east); each
street is split into its communities, and each community into its grids, by a Voronoi diagram of seeded
random sites relaxed twice towards the cells' centroids (Lloyd), every cell clipped to its parent. All
outlines are convex, so each clipped cell is one convex polygon and the children tile the parent exactly
(no gaps, no overlaps). Every boundary is flagged `boundary_is_synthetic` and described as
"示意边界，非真实行政区划".

Grids: in practice a grid holds 100–200 households, which would mean thousands of grids for a million
residents. The demo keeps 3–6 grids per community (≈ 250 grids) so the data stays readable; their
household counts are therefore larger than a real grid's, split plausibly from the community's.
"""

import random

import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.polygon import orient

from wenming.core.coords import to_wgs84
from wenming.demo import huli
from wenming.demo.context import DemoContext
from wenming.demo.records import sync
from wenming.geo import services as geo_services
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Area

LLOYD_ITERATIONS = 2


# --- geometry (pure: no database) ---------------------------------------------------------------------
def random_point_in(polygon: Polygon, rng: random.Random, margin: float = 0.0) -> Point:
    """A uniformly random point inside `polygon`, at least `margin` degrees from its edge when possible."""
    target = polygon.buffer(-margin) if margin else polygon
    if target.is_empty or target.area < polygon.area * 0.05:
        target = polygon
    min_x, min_y, max_x, max_y = target.bounds
    for _ in range(10_000):
        p = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if target.contains(p):
            return p
    raise RuntimeError("无法在多边形内取点。")  # unreachable for the convex demo shapes


def voronoi_cells(parent: Polygon, sites: list[Point]) -> list[Polygon]:
    """One cell per site (same order), clipped to `parent`; the cells tile the parent."""
    diagram = shapely.voronoi_polygons(MultiPoint(sites), extend_to=parent, ordered=True)
    cells = []
    for cell in diagram.geoms:
        clipped = cell.intersection(parent)
        if not isinstance(clipped, Polygon) or clipped.is_empty:
            raise RuntimeError("示意边界划分失败：裁剪结果不是单个多边形。")
        cells.append(clipped)
    return cells


def partition(parent: Polygon, count: int, rng: random.Random) -> list[Polygon]:
    """Split `parent` into `count` compact convex cells from seeded random sites (Lloyd-relaxed)."""
    sites = [random_point_in(parent, rng) for _ in range(count)]
    for _ in range(LLOYD_ITERATIONS):
        sites = [cell.centroid for cell in voronoi_cells(parent, sites)]
    return voronoi_cells(parent, sites)


def split_total(total: int, parts: int, rng: random.Random, spread: float = 0.4) -> list[int]:
    """Split an integer total into `parts` uneven positive integers that sum exactly to it."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def to_geojson(polygon: Polygon) -> dict:
    """GeoJSON Polygon (RFC 7946: exterior ring counter-clockwise) with plain lists, as JSONField stores it."""
    ring = orient(polygon, 1.0).exterior.coords
    return {"type": "Polygon", "coordinates": [[[x, y] for x, y in ring]]}


def district_polygon() -> Polygon:
    return Polygon(huli.DISTRICT_OUTLINE)


def government_wgs84() -> tuple[float, float]:
    """The district government (published in GCJ-02) as WGS-84 (lat, lon)."""
    lat, lon = huli.GOVERNMENT_GCJ02
    return to_wgs84(lat, lon, "GCJ02")


# --- the plan: every area with its code, parent, numbers and shape ----------------------------------------
def plan_areas(rng: random.Random) -> list[dict]:
    """All areas, parents before children, as plain dicts (pure: the same rng state gives the same plan)."""
    district = district_polygon()
    street_shapes = voronoi_cells(district, [Point(s.site) for s in huli.STREETS])
    plan = [
        _area(huli.DISTRICT_CODE, huli.DISTRICT_NAME, AreaLevel.DISTRICT, "", district, 0, 0, ""),
    ]
    for street, street_shape in zip(huli.STREETS, street_shapes, strict=True):
        s_code = huli.street_code(street)
        s_index = len(plan)
        plan.append(
            _area(
                s_code,
                f"{street.name}街道",
                AreaLevel.STREET,
                huli.DISTRICT_CODE,
                street_shape,
                0,
                0,
                huli.street_unit_code(street),
            )
        )
        community_shapes = partition(street_shape, len(street.communities), rng)
        populations = split_total(street.population, len(street.communities), rng, spread=0.5)
        for index, (name, shape, population) in enumerate(
            zip(street.communities, community_shapes, populations, strict=True)
        ):
            c_code = huli.community_code(street, index)
            c_index = len(plan)
            plan.append(
                _area(
                    c_code,
                    f"{name}社区",
                    AreaLevel.COMMUNITY,
                    s_code,
                    shape,
                    0,
                    0,
                    huli.community_unit_code(c_code),
                )
            )
            grid_count = rng.randint(3, 6)
            grid_shapes = partition(shape, grid_count, rng)
            for serial, (g_shape, g_population) in enumerate(
                zip(grid_shapes, split_total(population, grid_count, rng, spread=0.3), strict=True), start=1
            ):
                households = round(g_population / rng.uniform(2.2, 2.7))  # ≈ 2.4 persons per household
                plan.append(
                    _area(
                        f"{c_code}{serial:03d}",
                        f"{name}社区第{serial}网格",
                        AreaLevel.GRID,
                        c_code,
                        g_shape,
                        g_population,
                        households,
                        huli.community_unit_code(c_code),
                    )
                )
            _roll_up(plan, c_index)
        _roll_up(plan, s_index)
    _roll_up(plan, 0)
    return plan


def _area(code, name, level, parent, shape, population, households, unit) -> dict:
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent": parent,
        "shape": shape,
        "population": population,
        "households": households,
        "unit": unit,
    }


def _roll_up(plan: list[dict], index: int) -> None:
    """Population and households of an area = the sums over its children (already in the plan)."""
    code = plan[index]["code"]
    children = [a for a in plan[index + 1 :] if a["parent"] == code]
    plan[index]["population"] = sum(a["population"] for a in children)
    plan[index]["households"] = sum(a["households"] for a in children)


# --- the step -------------------------------------------------------------------------------------------
def load_areas(ctx: DemoContext) -> None:
    """Create or update every area of the plan, with its territorial unit (属地单位)."""
    plan = plan_areas(ctx.rng)
    existing = Area.objects.select_related("unit").in_bulk([spec["code"] for spec in plan], field_name="code")
    for spec in plan:
        parent = ctx.areas.get(spec["parent"]) if spec["parent"] else None
        unit = ctx.units.get(spec["unit"]) if spec["unit"] else None
        area = _save_area(spec, existing.get(spec["code"]), parent=parent, unit=unit)
        ctx.areas[area.code] = area
        ctx.shapes[area.code] = spec["shape"]


def _save_area(spec: dict, area: Area | None, *, parent, unit) -> Area:
    """Create the area, or bring an existing one back to the plan (fields, parent, boundary)."""
    values = {
        "name": spec["name"],
        "population": spec["population"],
        "households": spec["households"],
        "unit": unit,
        "boundary_is_synthetic": True,
        "description": huli.SYNTHETIC_NOTE,
    }
    boundary = to_geojson(spec["shape"])
    if area is None:
        return geo_services.create_area(
            actor=None, code=spec["code"], level=spec["level"], parent=parent, boundary=boundary, **values
        )
    if area.parent_id != (parent.pk if parent else None):
        area = geo_services.move_area(actor=None, area=area, new_parent=parent)
    area = sync(
        area, values, create=None, update=lambda **v: geo_services.update_area(actor=None, area=area, **v)
    )
    if area.boundary != geo_services.validate_boundary(boundary)[0]:
        area = geo_services.set_area_boundary(actor=None, area=area, boundary=boundary, is_synthetic=True)
    return area
