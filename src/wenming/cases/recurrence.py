"""Recurrence (重复发生/反弹) and duplicates (重复上报), by place and category.

* **Recurrence**: a new case of the same category at the same point, or within `CASE_RECURRENCE_RADIUS_M`
  metres (default 50, haversine on WGS-84), of a case closed within the last `CASE_RECURRENCE_DAYS` days
  (default 30) is linked to the most recently closed such case (`recurrence_of`) and flagged.
* **Duplicate candidates**: open cases of the same top category at the same point or within the radius,
  nearest first — shown before dispatch so the office can merge them (`merge_cases`).
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db.models import Q

from wenming.cases.choices import CaseState

EARTH_RADIUS_M = 6_371_008.8


def radius_m() -> float:
    return float(getattr(settings, "CASE_RECURRENCE_RADIUS_M", 50))


def recurrence_days() -> int:
    return int(getattr(settings, "CASE_RECURRENCE_DAYS", 30))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 positions."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _near_q(lat, lon, point_id, radius: float) -> Q | None:
    """Same point, or inside the bounding box of the circle (refined with haversine afterwards)."""
    q = Q(point_id=point_id) if point_id else None
    if lat is not None and lon is not None:
        dlat = math.degrees(radius / EARTH_RADIUS_M)
        dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
        box = Q(lat__gte=lat - dlat, lat__lte=lat + dlat, lon__gte=lon - dlon, lon__lte=lon + dlon)
        q = box if q is None else q | box
    return q


def _distance(case, other) -> float | None:
    if None in (case.lat, case.lon, other.lat, other.lon):
        return None
    return haversine_m(case.lat, case.lon, other.lat, other.lon)


def _is_near(case, other, radius: float) -> tuple[bool, float | None]:
    distance = _distance(case, other)
    same_point = bool(case.point_id and case.point_id == other.point_id)
    return same_point or (distance is not None and distance <= radius), distance


def find_recurrence(case, at: datetime.datetime):
    """The closed case this new case repeats, or None (see the module docstring)."""
    from wenming.cases.models import Case

    radius = radius_m()
    near = _near_q(case.lat, case.lon, case.point_id, radius)
    if near is None or not case.category_id:
        return None
    since = at - datetime.timedelta(days=recurrence_days())
    candidates = (
        Case.objects.filter(
            state=CaseState.CLOSED, category_id=case.category_id, closed_at__gte=since, closed_at__lte=at
        )
        .filter(near)
        .exclude(pk=case.pk)
        .order_by("-closed_at", "-pk")
    )
    for other in candidates:
        if _is_near(case, other, radius)[0]:
            return other
    return None


def duplicate_candidates(case, *, queryset=None, limit: int = 10) -> list[tuple[object, float | None]]:
    """Open cases that may report the same problem: [(case, distance in metres or None)], nearest first."""
    from wenming.cases.models import Case

    radius = radius_m()
    near = _near_q(case.lat, case.lon, case.point_id, radius)
    if near is None:
        return []
    base = queryset if queryset is not None else Case.objects.all()
    candidates = (
        base.open()
        .filter(near, top_category_id=case.top_category_id)
        .exclude(pk=case.pk)
        .select_related("category", "unit")
    )
    found = []
    for other in candidates:
        ok, distance = _is_near(case, other, radius)
        if ok:
            found.append((other, distance))
    found.sort(
        key=lambda pair: (pair[0].category_id != case.category_id, pair[1] if pair[1] is not None else 0)
    )
    return found[:limit]


def nearby_open_cases(lat: float, lon: float, *, category=None, queryset=None, limit: int = 10):
    """Before submitting: open cases within the radius of a position (optionally of a top category)."""
    from wenming.cases.models import Case

    probe = Case(
        lat=lat,
        lon=lon,
        top_category_id=getattr(category, "parent_id", None) or getattr(category, "pk", None),
    )
    probe.pk = None
    radius = radius_m()
    base = queryset if queryset is not None else Case.objects.all()
    qs = base.open().filter(_near_q(lat, lon, None, radius))
    if probe.top_category_id:
        qs = qs.filter(top_category_id=probe.top_category_id)
    found = [(c, d) for c in qs for ok, d in [_is_near(probe, c, radius)] if ok]
    found.sort(key=lambda pair: pair[1] if pair[1] is not None else 0)
    return found[:limit]
