"""Coordinate conversion at the edges: store WGS-84, accept GCJ-02 / BD-09 / CGCS2000.

CGCS2000 differs from WGS-84 by centimetres, far below phone GPS error, so it is taken as WGS-84.
"""

import prcoords

from wenming.core.choices import CoordSystem

# Mainland China with margin (also covers the offshore islands the standard may list).
CHINA_LON = (73.0, 135.5)
CHINA_LAT = (3.5, 53.6)


def in_china(lat: float, lon: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """Convert (lat, lon) in `system` to WGS-84 (precise inverse for GCJ-02 and BD-09)."""
    system = (system or CoordSystem.WGS84).upper().replace("-", "")
    if system in (CoordSystem.WGS84, CoordSystem.CGCS2000):
        return lat, lon
    if system == CoordSystem.GCJ02:
        out = prcoords.gcj_wgs_bored((lat, lon))
    elif system == CoordSystem.BD09:
        out = prcoords.bd_wgs_bored((lat, lon))
    else:
        raise ValueError(f"未知坐标系：{system}")
    return out[0], out[1]


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """Convert WGS-84 (lat, lon) to `system` for display on that system's map tiles."""
    system = (system or CoordSystem.WGS84).upper().replace("-", "")
    if system in (CoordSystem.WGS84, CoordSystem.CGCS2000):
        return lat, lon
    if system == CoordSystem.GCJ02:
        out = prcoords.wgs_gcj((lat, lon))
    elif system == CoordSystem.BD09:
        out = prcoords.wgs_bd((lat, lon))
    else:
        raise ValueError(f"未知坐标系：{system}")
    return out[0], out[1]
