"""Place cells for the duplicate search (位置网格索引): each report with a position stores the number of the
0.005° × 0.005° cell it lies in (about 555 m north–south, 505 m east–west in Xiamen), and the search asks the
database for the reports of the few cells the circle's bounding box touches, in the time window, through the
index (state, geo_cell, submitted_at) — instead of scanning a latitude band or every pending report.

    cell(lat, lon) = floor((lat + 90) / 0.005) × 2^20 + floor((lon + 180) / 0.005)

Worked example: (24.5162, 118.1413) → row floor(114.5162 / 0.005) = 22903, column floor(298.1413 / 0.005) =
59628 → 22903 × 1,048,576 + 59628 = 24,015,595,756. A 300 m circle around it (±0.0027° of latitude,
±0.0030° of longitude) touches rows 22902–22903 and columns 59627–59628: four cells (`cells_near`).
"""

from __future__ import annotations

import math

CELL_DEG = 0.005
ROW_FACTOR = 1 << 20  # columns go up to 360 / 0.005 = 72,000 < 2^20
MAX_CELLS = 400  # a larger circle falls back to the bounding box alone
EARTH_RADIUS_M = 6_371_008.8


def _row(lat: float) -> int:
    return math.floor((lat + 90) / CELL_DEG)


def _col(lon: float) -> int:
    return math.floor((lon + 180) / CELL_DEG)


def cell(lat, lon) -> int | None:
    """The cell number of a WGS-84 position, or None without one."""
    if lat is None or lon is None:
        return None
    return _row(float(lat)) * ROW_FACTOR + _col(float(lon))


def cells_near(lat: float, lon: float, radius_m: float) -> list[int] | None:
    """Every cell the bounding box of the circle touches (None when more than MAX_CELLS)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    rows = range(_row(lat - dlat), _row(lat + dlat) + 1)
    cols = range(_col(lon - dlon), _col(lon + dlon) + 1)
    if len(rows) * len(cols) > MAX_CELLS:
        return None
    return [r * ROW_FACTOR + c for r in rows for c in cols]
