"""Small factory functions for tests: real rows, no fixtures files. Each takes overrides as keywords."""

import datetime
import itertools

from wenming.accounts.models import Membership, User
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Area, Point
from wenming.org.choices import UnitLevel
from wenming.org.models import Person, SpecialGroup, Unit
from wenming.standards.models import PointType, ProblemCategory

_seq = itertools.count(1)


def n() -> int:
    return next(_seq)


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    """A GeoJSON square polygon with its south-west corner at (lon, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def make_unit(**kw) -> Unit:
    i = n()
    kw.setdefault("code", f"U{i:05d}")
    kw.setdefault("name", f"测试单位{i}")
    kw.setdefault("level", UnitLevel.DISTRICT)
    return Unit.objects.create(**kw)


def make_person(**kw) -> Person:
    i = n()
    kw.setdefault("name", f"张{i}")
    if "unit" not in kw:
        kw["unit"] = make_unit()
    return Person.objects.create(**kw)


def make_group(**kw) -> SpecialGroup:
    i = n()
    kw.setdefault("code", f"G{i:03d}")
    kw.setdefault("name", f"专项组{i}")
    if "lead_unit" not in kw:
        kw["lead_unit"] = make_unit()
    return SpecialGroup.objects.create(**kw)


def make_area(level=AreaLevel.STREET, parent=None, **kw) -> Area:
    i = n()
    length = {AreaLevel.DISTRICT: 6, AreaLevel.STREET: 12, AreaLevel.COMMUNITY: 12, AreaLevel.GRID: 15}[level]
    kw.setdefault("code", str(350206 * 10 ** (length - 6) + i)[:length].rjust(length, "0"))
    kw.setdefault("name", f"区域{i}")
    return Area.objects.create(level=level, parent=parent, **kw)


def make_point_type(**kw) -> PointType:
    i = n()
    kw.setdefault("code", f"PT{i:03d}")
    kw.setdefault("name", f"点位类型{i}")
    return PointType.objects.create(**kw)


def make_point(**kw) -> Point:
    i = n()
    kw.setdefault("code", f"P{i:06d}")
    kw.setdefault("name", f"测试点位{i}")
    kw.setdefault("lat", 24.515)
    kw.setdefault("lon", 118.14)
    if "point_type" not in kw:
        kw["point_type"] = make_point_type()
    return Point.objects.create(**kw)


def make_category(parent=None, **kw) -> ProblemCategory:
    i = n()
    kw.setdefault("code", f"C{i:03d}")
    kw.setdefault("name", f"问题类别{i}")
    if parent is not None:
        kw.setdefault("deadline_value", 1)
        kw.setdefault("deadline_unit", "days")
    return ProblemCategory.objects.create(parent=parent, **kw)


def make_user(role: str | None = None, *, unit=None, area=None, special_group=None, **kw) -> User:
    i = n()
    kw.setdefault("username", f"user{i}")
    user = User.objects.create_user(password="pw-Test-123", **kw)
    if role:
        Membership.objects.create(user=user, role=role, unit=unit, area=area, special_group=special_group)
    return user


def today() -> datetime.date:
    return datetime.date.today()
