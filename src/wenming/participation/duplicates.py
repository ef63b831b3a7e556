"""Duplicates (重复上报): similar open reports shown to a citizen before submitting, and ranked duplicate
candidates shown to the office in triage.

Triage score of a candidate (an open case, or another pending report), each part in [0, 1]:

    score = 0.35 × distance + 0.15 × time + 0.25 × category + 0.25 × text
    distance = 1 − metres / radius            (radius `PARTICIPATION_DUPLICATE_RADIUS_M`, default 300 m)
    time     = 1 − |hours apart| / window      (window `PARTICIPATION_DUPLICATE_DAYS`, default 30 days)
    category = 1 same category, 0.5 same top category, 0 otherwise
    text     = rapidfuzz WRatio of the two descriptions / 100 (character-level: Chinese has no spaces)

Candidates come from the database by place and time: reports of the place cells the circle's bounding box
touches (`cells.py`, index state + geo_cell + submitted_at) within the window, and open cases in the bounding
box (index lat + lon) within the window; both refined with haversine.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz, utils

from wenming.cases.recurrence import EARTH_RADIUS_M, haversine_m

WEIGHTS = {"distance": 0.35, "time": 0.15, "category": 0.25, "text": 0.25}
TOP_CANDIDATES = 3  # the candidates counted at submission and marked in triage (measured: duplicate_eval.py)
NO_POSITION_SCAN = 300  # reports without a position: compare with this many recent ones of the category


def duplicate_radius_m() -> float:
    return float(getattr(settings, "PARTICIPATION_DUPLICATE_RADIUS_M", 300))


def duplicate_days() -> int:
    return int(getattr(settings, "PARTICIPATION_DUPLICATE_DAYS", 30))


def duplicate_threshold() -> float:
    """A candidate among the top 3 with at least this score is a likely duplicate (很可能重复): counted on the
    report at submission and marked in triage. 0.70 measured on the labelled groups (duplicate_eval.py)."""
    return float(getattr(settings, "PARTICIPATION_DUPLICATE_THRESHOLD", 0.70))


def likely_duplicates(candidates: list[Candidate]) -> list[Candidate]:
    """The top-3 candidates (best first) whose score reaches `duplicate_threshold()`."""
    threshold = duplicate_threshold()
    return [c for c in candidates[:TOP_CANDIDATES] if c.score >= threshold]


def similar_radius_m() -> float:
    return float(getattr(settings, "PARTICIPATION_SIMILAR_RADIUS_M", 200))


def similar_days() -> int:
    return int(getattr(settings, "PARTICIPATION_SIMILAR_DAYS", 30))


def box_q(lat: float, lon: float, radius: float, prefix: str = "") -> Q:
    """The bounding box of a circle (refine with haversine)."""
    dlat = math.degrees(radius / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return Q(
        **{
            f"{prefix}lat__gte": lat - dlat,
            f"{prefix}lat__lte": lat + dlat,
            f"{prefix}lon__gte": lon - dlon,
            f"{prefix}lon__lte": lon + dlon,
        }
    )


def near_reports_q(lat: float, lon: float, radius: float) -> Q:
    """Reports within the bounding box of the circle, through the place cells' index when the circle is small
    enough (see cells.py); refine with haversine."""
    from wenming.participation.cells import cells_near

    near = cells_near(lat, lon, radius)
    box = box_q(lat, lon, radius)
    return box if near is None else Q(geo_cell__in=near) & box


def text_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return round(fuzz.WRatio(a, b, processor=utils.default_process) / 100, 4)


def category_similarity(a, b) -> float:
    """1 same leaf category, 0.5 same top category, 0 otherwise (a and b are categories or None)."""
    if a is None or b is None:
        return 0.0
    if a.pk == b.pk:
        return 1.0
    return 0.5 if (a.parent_id or a.pk) == (b.parent_id or b.pk) else 0.0


@dataclass
class Candidate:
    kind: str  # "case" or "report"
    obj: object
    distance_m: float | None
    hours_apart: float
    category: float
    text: float
    score: float

    @property
    def parts(self) -> dict:
        return {"distance_m": self.distance_m, "hours": round(self.hours_apart, 1), "category": self.category,
                "text": self.text}  # fmt: skip


def _score(report, other_lat, other_lon, other_at, other_category, other_text, radius, window_hours):
    distance = None
    d_part = 0.0
    if report.has_position and other_lat is not None and other_lon is not None:
        distance = round(haversine_m(report.lat, report.lon, other_lat, other_lon), 1)
        if distance > radius:
            return None
        d_part = max(0.0, 1 - distance / radius)
    hours = abs((report.submitted_at - other_at).total_seconds()) / 3600
    t_part = max(0.0, 1 - hours / window_hours)
    c_part = category_similarity(report.effective_category(), other_category)
    x_part = text_similarity(report.description, other_text)
    score = (
        WEIGHTS["distance"] * d_part + WEIGHTS["time"] * t_part + WEIGHTS["category"] * c_part
        + WEIGHTS["text"] * x_part
    )  # fmt: skip
    return distance, hours, c_part, x_part, round(score, 4)


def duplicate_candidates(report, *, limit: int = 8, case_queryset=None) -> list[Candidate]:
    """Open cases and pending reports that may be the same problem, best first (see the module docstring)."""
    from wenming.cases.models import Case
    from wenming.participation.models import Report

    radius, days = duplicate_radius_m(), duplicate_days()
    window_hours = days * 24
    since = report.submitted_at - datetime.timedelta(days=days)
    cases = (
        (case_queryset if case_queryset is not None else Case.objects.all())
        .open()
        .filter(reported_at__gte=since)
    )
    reports = Report.objects.pending().filter(submitted_at__gte=since).exclude(pk=report.pk)
    category = report.effective_category()
    if report.has_position:
        cases = cases.filter(box_q(report.lat, report.lon, radius))
        # no ORDER BY (ranked below): the planner then takes the place-cell index, not the submitted_at one
        reports = reports.filter(near_reports_q(report.lat, report.lon, radius)).order_by()
    elif category is not None:
        top = category.parent_id or category.pk
        cases = cases.filter(top_category_id=top).order_by("-reported_at")[:NO_POSITION_SCAN]
        reports = reports.filter(Q(category__parent_id=top) | Q(suggested_category__parent_id=top))
        reports = reports.order_by("-submitted_at")[:NO_POSITION_SCAN]
    else:
        return []
    found: list[Candidate] = []
    for case in cases.select_related("category", "unit"):
        scored = _score(report, case.lat, case.lon, case.reported_at, case.category, case.description, radius,
                        window_hours)  # fmt: skip
        if scored:
            found.append(Candidate("case", case, *scored))
    others = reports.select_related("category", "suggested_category")
    # newest first, as the model's ordering: equal scores keep the order they always had
    for other in sorted(others, key=lambda r: (r.submitted_at, r.pk), reverse=True):
        scored = _score(report, other.lat, other.lon, other.submitted_at, other.effective_category(),
                        other.description, radius, window_hours)  # fmt: skip
        if scored:
            found.append(Candidate("report", other, *scored))
    found.sort(key=lambda c: (-c.score, c.distance_m if c.distance_m is not None else 0, c.kind))
    return found[:limit]


def similar_open_reports(lat: float, lon: float, *, category=None, limit: int = 5, now=None):
    """Before submitting: open reports nearby (same category when one is chosen), nearest first.

    Open = carried by a case that is not closed/rejected/merged; only public reports (`Report.objects.public`:
    a pending report is invisible until accepted). Returns [(report, metres)]; the caller shows them anonymised
    (see `privacy.public_report`).
    """
    from wenming.cases.choices import OPEN_STATES
    from wenming.participation.models import Report

    radius, days = similar_radius_m(), similar_days()
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    qs = (
        Report.objects.public()
        .filter(submitted_at__gte=since)
        .filter(near_reports_q(lat, lon, radius))
        .filter(case__state__in=OPEN_STATES)
    )
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(case__category=category))
    found = []
    for report in qs.select_related("category", "case__category", "street")[:200]:
        distance = haversine_m(lat, lon, report.lat, report.lon)
        if distance <= radius:
            found.append((report, round(distance)))
    found.sort(key=lambda pair: (pair[1], -pair[0].submitted_at.timestamp()))
    return found[:limit]
