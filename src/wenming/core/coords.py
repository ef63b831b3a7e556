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


# Converters from and to WGS-84 for the systems that differ from it (precise inverse for GCJ-02 and BD-09).
_TO_WGS84 = {CoordSystem.GCJ02: prcoords.gcj_wgs_bored, CoordSystem.BD09: prcoords.bd_wgs_bored}
_FROM_WGS84 = {CoordSystem.GCJ02: prcoords.wgs_gcj, CoordSystem.BD09: prcoords.wgs_bd}


def _convert(lat: float, lon: float, system: str, converters: dict) -> tuple[float, float]:
    system = (system or CoordSystem.WGS84).upper().replace("-", "")
    if system in (CoordSystem.WGS84, CoordSystem.CGCS2000):
        return lat, lon
    if system not in converters:
        raise ValueError(f"未知坐标系：{system}")
    out = converters[system]((lat, lon))
    return out[0], out[1]


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """Convert (lat, lon) in `system` to WGS-84 (precise inverse for GCJ-02 and BD-09)."""
    return _convert(lat, lon, system, _TO_WGS84)


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """Convert WGS-84 (lat, lon) to `system` for display on that system's map tiles."""
    return _convert(lat, lon, system, _FROM_WGS84)
