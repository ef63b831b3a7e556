"""Positions at the edge: parse a coordinate system name, check a position, convert it to WGS-84."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wenming.core.choices import CoordSystem
from wenming.core.coords import in_china, to_wgs84

# What people write in a spreadsheet's 坐标系 column.
COORD_SYSTEM_ALIASES = {
    "WGS84": CoordSystem.WGS84,
    "GPS": CoordSystem.WGS84,
    "天地图": CoordSystem.WGS84,
    "GCJ02": CoordSystem.GCJ02,
    "高德": CoordSystem.GCJ02,
    "腾讯": CoordSystem.GCJ02,
    "微信": CoordSystem.GCJ02,
    "火星坐标": CoordSystem.GCJ02,
    "BD09": CoordSystem.BD09,
    "BD09LL": CoordSystem.BD09,
    "百度": CoordSystem.BD09,
    "CGCS2000": CoordSystem.CGCS2000,
    "国家2000": CoordSystem.CGCS2000,
}


def parse_coord_system(value) -> str:
    """A CoordSystem value from a name such as "GCJ-02", "gcj02", "高德"; empty means WGS-84."""
    text = str(value or "").strip()
    if not text:
        return CoordSystem.WGS84
    key = text.upper().replace("-", "").replace("_", "").replace(" ", "")
    if key in COORD_SYSTEM_ALIASES:
        return COORD_SYSTEM_ALIASES[key]
    for alias, system in COORD_SYSTEM_ALIASES.items():
        if not alias.isascii() and alias in text:
            return system
    raise ValidationError(
        _("未知坐标系“%(value)s”，可用：WGS84、GCJ02、BD09、CGCS2000。") % {"value": text},
        code="coord_system",
    )


def parse_number(value, label: str) -> float:
    if isinstance(value, bool):
        raise ValidationError(_("%(label)s必须是数字。") % {"label": label}, code="number")
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(label)s必须是数字。") % {"label": label}, code="number")
    if not math.isfinite(number):
        raise ValidationError(_("%(label)s必须是有限的数字。") % {"label": label}, code="number")
    return number


def normalise_position(lat, lon, coord_system=CoordSystem.WGS84) -> tuple[float, float, str]:
    """(lat, lon, system) checked and converted to WGS-84; refuses positions outside China."""
    system = parse_coord_system(coord_system)
    lat_f = parse_number(lat, _("纬度"))
    lon_f = parse_number(lon, _("经度"))
    if not in_china(lat_f, lon_f):
        if in_china(lon_f, lat_f):
            raise ValidationError(_("坐标不在中国境内：经度和纬度可能填反了。"), code="outside_china")
        raise ValidationError(
            _("坐标（纬度 %(lat)s，经度 %(lon)s）不在中国境内。") % {"lat": lat_f, "lon": lon_f},
            code="outside_china",
        )
    wgs_lat, wgs_lon = to_wgs84(lat_f, lon_f, system)
    return round(wgs_lat, 7), round(wgs_lon, 7), system
