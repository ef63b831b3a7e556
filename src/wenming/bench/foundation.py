"""The two foundation figures: point-in-area assignment and the point list API."""

import json
import time

import numpy as np

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

SPATIAL_POINTS = 1_000_000
SPATIAL_CELLS = 10_000
API_POINTS = 100_000
API_PAGE_SIZE = 100


def _grid(ctx) -> data.Grid:
    return ctx.once("grid", lambda: data.build_grid(ctx.scaled(SPATIAL_CELLS, 4)))


@benchmark(
    "spatial.locate_many", "1,000,000 positions → their grid cell among 10,000 (geo.spatial.AreaIndex)"
)
def spatial_locate_many(ctx) -> dict:
    """Value: `AreaIndex.locate_many` over all areas (deepest level wins; every position lies in a grid cell).
    Baseline: one bare shapely STRtree over the grid cells, `query(points, predicate="intersects")`,
    including making the point geometries. Agreement checks the index's answers against arithmetic."""
    import shapely
    from shapely.geometry import shape

    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area
    from wenming.geo.spatial import AreaIndex

    grid = _grid(ctx)
    n = ctx.scaled(SPATIAL_POINTS, 100)
    lats, lons = data.random_positions(ctx.rng, n)
    areas = list(Area.objects.only("id", "code", "level", "boundary"))

    start = time.perf_counter()
    index = AreaIndex.build(areas)
    build_seconds = time.perf_counter() - start
    value, _runs = timed(lambda: index.locate_many(lats, lons), ctx.repeat)
    found = index.locate_many(lats, lons)

    # The same 10,000 cells every position falls in (the index's coarser levels are never reached here).
    cells = [shape(a.boundary) for a in areas if a.level == AreaLevel.GRID]
    tree = shapely.STRtree(cells)
    baseline, _runs = timed(
        lambda: tree.query(shapely.points(lons, lats), predicate="intersects"), ctx.repeat
    )

    expected = grid.cell_area_ids[grid.cell_of(lats, lons)]
    return result(
        name="spatial.locate_many",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "points": n,
            "grid_cells": len(cells),
            "indexed_areas": len(areas),
            "repeat": ctx.repeat,
            "build_seconds": round(build_seconds, 4),
            "points_per_second": round(n / value) if value else None,
            # share of positions placed in the cell arithmetic says they are in (1.0 = all right)
            "agreement": round(float(np.mean(found == expected)), 6),
        },
    )


@benchmark(
    "api.point_list", "GET /api/v1/geo/points/?page_size=100 over 100,000 points (test client, real user)"
)
def api_point_list(ctx) -> dict:
    """Value: one page of the point list API through Django's test client as a signed-in office user
    (session auth, DEBUG off). Baseline (the issue's definition): the same page as raw SQL + `json.dumps` of the
    same rows — the count, then the first 100 points by code with every column the API returns (the type,
    area, unit and person names joined in), encoded to JSON."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    grid = _grid(ctx)
    n = ctx.scaled(API_POINTS, 100)
    ctx.once("points", lambda: data.create_points(ctx.rng, grid, n))
    client = Client()
    client.force_login(data.bench_user())
    url = f"/api/v1/geo/points/?page_size={API_PAGE_SIZE}"
    expected_rows = min(API_PAGE_SIZE, n)

    with override_settings(DEBUG=False):
        response = client.get(url, headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        body = response.json()
        if body.get("count") != n or len(body.get("results", [])) != expected_rows:
            raise RuntimeError(
                f"{url}: count {body.get('count')} / {len(body.get('results', []))} rows, "
                f"expected {n} / {expected_rows}"
            )
        with CaptureQueriesContext(connection) as queries:
            client.get(url, headers={"Accept": "application/json"})
        value, _runs = timed(lambda: client.get(url, headers={"Accept": "application/json"}), ctx.repeat * 4)

    def raw_page():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM geo_point")
            count = cursor.fetchone()[0]
            cursor.execute(
                "SELECT p.id, p.code, p.name, p.point_type_id AS point_type, t.name AS point_type_name, "
                "p.address, p.lat, p.lon, p.coord_system, p.area_id AS area, a.name AS area_name, "
                "p.area_overridden, p.responsible_unit_id AS responsible_unit, u.name AS responsible_unit_name, "
                "p.guarantor_unit_id AS guarantor_unit, g.name AS guarantor_unit_name, "
                "p.responsible_person_id AS responsible_person, r.name AS responsible_person_name, p.status, "
                "p.note, p.updated_at "
                "FROM geo_point p JOIN standards_pointtype t ON t.id = p.point_type_id "
                "LEFT JOIN geo_area a ON a.id = p.area_id LEFT JOIN org_unit u ON u.id = p.responsible_unit_id "
                "LEFT JOIN org_unit g ON g.id = p.guarantor_unit_id "
                "LEFT JOIN org_person r ON r.id = p.responsible_person_id "
                "ORDER BY p.code LIMIT %s",
                [API_PAGE_SIZE],
            )
            names = [c[0] for c in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return json.dumps({"count": count, "results": rows}, ensure_ascii=False, default=str)

    baseline, _runs = timed(raw_page, ctx.repeat * 4)
    return result(
        name="api.point_list",
        value=value * 1000,
        baseline=baseline * 1000,
        unit="ms",
        params={
            "points": n,
            "page_size": API_PAGE_SIZE,
            "repeat": ctx.repeat * 4,
            "queries_per_request": len(queries),
            "response_bytes": len(response.content),
        },
    )
