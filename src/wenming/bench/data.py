"""The synthetic district the benchmarks run on: a regular grid of cells over Huli's bounding box,
grouped into communities and streets (all rectangles, so the right answer of every point-in-area
question is known by arithmetic), inspection points, units, point types and one office user.

Only ever called inside the bench child process, whose database is a throwaway one.
"""

import math
import secrets
from dataclasses import dataclass

import numpy as np

from wenming.core import versions

# Huli district's bounding box (WGS-84): lon 118.06–118.21, lat 24.47–24.57.
LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = 118.06, 24.47, 118.21, 24.57
DISTRICT_CODE = "350206"
STREETS = 5


def _square(lon0: float, lat0: float, lon1: float, lat1: float) -> dict:
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Grid:
    """k × k grid cells; `cell_area_ids[i]` is the Area key of cell i (row-major, row 0 in the south)."""

    k: int
    cell_area_ids: np.ndarray
    area_count: int

    @property
    def dx(self) -> float:
        return (LON_MAX - LON_MIN) / self.k

    @property
    def dy(self) -> float:
        return (LAT_MAX - LAT_MIN) / self.k

    def cell_of(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        cols = np.clip(((lons - LON_MIN) / self.dx).astype(np.int64), 0, self.k - 1)
        rows = np.clip(((lats - LAT_MIN) / self.dy).astype(np.int64), 0, self.k - 1)
        return rows * self.k + cols


def random_positions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n positions uniformly inside the box, kept off the box's outer edge."""
    eps = 1e-7
    lats = rng.uniform(LAT_MIN + eps, LAT_MAX - eps, n)
    lons = rng.uniform(LON_MIN + eps, LON_MAX - eps, n)
    return lats, lons


def build_grid(cells: int) -> Grid:
    """Save district → streets (column strips) → communities (row bands of a strip) → grid cells."""
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area

    k = max(2, math.ceil(math.sqrt(cells)))
    dx, dy = (LON_MAX - LON_MIN) / k, (LAT_MAX - LAT_MIN) / k
    streets = min(STREETS, k)
    # at most 999 grids per community: grid codes are the community's 12 digits + a 3-digit serial
    per_street = max(min(10, k), math.ceil(k * k / (streets * 999)))
    per_street = min(per_street, k)

    district = Area(
        code=DISTRICT_CODE,
        name="基准测试区",
        level=AreaLevel.DISTRICT,
        boundary_is_synthetic=True,
        boundary=_square(LON_MIN, LAT_MIN, LON_MAX, LAT_MAX),
    )
    district.save()
    cell_area_ids = np.zeros(k * k, dtype=np.int64)
    total = 1
    for s, cols in enumerate(np.array_split(np.arange(k), streets), start=1):
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        street = _child(
            district,
            f"{DISTRICT_CODE}{s:03d}000",
            f"基准街道{s}",
            AreaLevel.STREET,
            _square(LON_MIN + c0 * dx, LAT_MIN, LON_MIN + c1 * dx, LAT_MAX),
        )
        total += 1
        for c, rows in enumerate(np.array_split(np.arange(k), per_street), start=1):
            r0, r1 = int(rows[0]), int(rows[-1]) + 1
            community = _child(
                street,
                f"{DISTRICT_CODE}{s:03d}{c:03d}",
                f"基准社区{s}-{c}",
                AreaLevel.COMMUNITY,
                _square(LON_MIN + c0 * dx, LAT_MIN + r0 * dy, LON_MIN + c1 * dx, LAT_MIN + r1 * dy),
            )
            total += 1
            cells_here = [(r, col) for r in range(r0, r1) for col in range(c0, c1)]
            grids = [
                Area(
                    code=f"{community.code}{g:03d}",
                    name=f"网格{s}-{c}-{g}",
                    level=AreaLevel.GRID,
                    parent=community,
                    boundary_is_synthetic=True,
                    boundary=_square(
                        LON_MIN + col * dx, LAT_MIN + r * dy, LON_MIN + (col + 1) * dx, LAT_MIN + (r + 1) * dy
                    ),
                )
                for g, (r, col) in enumerate(cells_here, start=1)
            ]
            Area.objects.bulk_create(grids, batch_size=2000)
            for grid in grids:
                grid.path = f"{community.path}{grid.pk}/"
            Area.objects.bulk_update(grids, ["path"], batch_size=2000)
            versions.changed("routing", "area_index")  # bulk writes: no signal tells the in-memory area tree
            for grid, (r, col) in zip(grids, cells_here, strict=True):
                cell_area_ids[r * k + col] = grid.pk
            total += len(grids)
    return Grid(k=k, cell_area_ids=cell_area_ids, area_count=total)


def _child(parent, code, name, level, boundary):
    from wenming.geo.models import Area

    area = Area(
        code=code, name=name, level=level, parent=parent, boundary=boundary, boundary_is_synthetic=True
    )
    area.save()  # save() maintains the materialised path
    return area


def create_points(rng: np.random.Generator, grid: Grid, n: int) -> int:
    """n inspection points at random positions, each in its grid cell, with a type and a responsible unit."""
    from wenming.geo.models import Point
    from wenming.org.choices import UnitLevel
    from wenming.org.models import Unit
    from wenming.standards.models import PointType

    types = [PointType.objects.create(code=f"BT{i:02d}", name=f"基准点位类型{i}") for i in range(1, 27)]
    units = [
        Unit.objects.create(code=f"BU{i:03d}", name=f"基准责任单位{i}", level=UnitLevel.DISTRICT)
        for i in range(1, 51)
    ]
    lats, lons = random_positions(rng, n)
    areas = grid.cell_area_ids[grid.cell_of(lats, lons)]
    type_idx = rng.integers(0, len(types), n)
    unit_idx = rng.integers(0, len(units), n)
    batch = []
    for i in range(n):
        batch.append(
            Point(
                code=f"B{i + 1:07d}",
                name=f"基准点位{i + 1}",
                point_type=types[type_idx[i]],
                lat=float(lats[i]),
                lon=float(lons[i]),
                area_id=int(areas[i]),
                responsible_unit=units[unit_idx[i]],
                address=f"基准路{i % 500 + 1}号",
            )
        )
        if len(batch) == 5000:
            Point.objects.bulk_create(batch)
            batch = []
    if batch:
        Point.objects.bulk_create(batch)
    return n


def bench_user():
    """A real district-wide office user, made through the accounts services."""
    from wenming.accounts import services
    from wenming.accounts.choices import Role
    from wenming.accounts.models import User

    user = User.objects.filter(username="bench-office").first()
    if user is None:
        user = services.create_user(
            actor=None, username="bench-office", password=secrets.token_urlsafe(24), display_name="基准测试"
        )
        services.grant_membership(actor=None, user=user, role=Role.OFFICE)
    return user
