"""Read models of the leadership view (领导驾驶舱): "where are we losing points and who is responsible".

Everything is computed from the records in the viewer's scope (`Point.restrict`, `Case.restrict`); rankings and
易扣分点 are the scoring app's (visible to every signed-in role). Each figure keeps the ids it came from, so
the pages link every line to the inspection, point or case behind it.

* **countdown** — the next office-entered test date (`TestDate`), else the next official / city-quarterly
  round not yet started.
* **point status** — each point's latest inspection (any round): passes (过关) when every applicable criterion
  complies; failing criteria listed.
* **estimate if evaluated today** — for each point the latest observation of each criterion, wherever it was
  made, graded by the scoring engine as one inspection: the points that would lose marks "tomorrow", the
  estimated mean score and pass rate, per point and per street. A problem fixed since (its case closed) still
  counts until someone re-inspects: the estimate is what the records prove, not what was reported.
  The estimated score is **weighted by point type the way the evaluators weight**: they draw a number of points
  of each type, so the score is Σ w(type) × mean score of the type ÷ Σ w over the types with data, w = the
  points per type of the latest official / city-quarterly round's sampling plan (else equal weights: the same
  number of points of each type). Types the weights name but nothing inspected are listed, not guessed; the
  unweighted mean over the inspected points is kept beside for comparison.
* **forecast** — the cached probabilistic forecast (`wenming.forecast`: expected score with 80 %/95 % intervals,
  P(target), pass rate, the top of the fix-first list), read from the latest run, never computed per request.
* **trends** — frozen round scores over time (score snapshots), and open / overdue cases at the end of each of
  the last weeks, rebuilt from the case timestamps (a reopened case counts as open from its report).
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wenming.cases.choices import CaseState
from wenming.core.roles import has_role
from wenming.dashboard.models import TestDate
from wenming.inspections.choices import RoundKind, RoundState
from wenming.inspections.models import Inspection, Observation, Round
from wenming.scoring import live
from wenming.scoring.choices import Dimension
from wenming.scoring.engine import ScoredPoint, roll_up, score_point
from wenming.standards.models import Criterion

OFFICIAL_KINDS = (RoundKind.OFFICIAL, RoundKind.CITY_QUARTERLY)
EXCLUDED = (CaseState.MERGED, CaseState.REJECTED)


# --- countdown -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    name: str
    date: datetime.date
    days_left: int
    source: str  # "test_date" | "round"


def countdown(today: datetime.date | None = None) -> Countdown | None:
    today = today or timezone.localdate()
    test = TestDate.objects.upcoming(today).first()
    if test is not None:
        return Countdown(test.name, test.date, (test.date - today).days, "test_date")
    rnd = (
        Round.objects.filter(kind__in=OFFICIAL_KINDS, period_start__gte=today)
        .exclude(state=RoundState.CLOSED)
        .order_by("period_start", "pk")
        .first()
    )
    if rnd is not None:
        return Countdown(rnd.name, rnd.period_start, (rnd.period_start - today).days, "round")
    return None


# --- points: latest status ---------------------------------------------------------------------------------


@dataclass
class PointStatus:
    point_id: int
    code: str
    name: str
    street: str
    unit: str
    person: str
    lat: float
    lon: float
    status: str  # pass | fail | none
    score: float | None = None
    inspection_id: int | None = None
    submitted_at: datetime.datetime | None = None
    failing: list[str] = field(default_factory=list)
    open_cases: int = 0


def _point_rows(points_qs) -> dict[int, PointStatus]:
    rows = points_qs.values_list(
        "pk", "code", "name", "lat", "lon", "area__path", "responsible_unit__name", "responsible_person__name"
    )
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area

    streets = dict(Area.objects.filter(level=AreaLevel.STREET).values_list("pk", "name"))
    out = {}
    for pk, code, name, lat, lon, path, unit, person in rows:
        street = next(
            (streets[int(x)] for x in (path or "").strip("/").split("/") if x and int(x) in streets), ""
        )
        out[pk] = PointStatus(pk, code, name, street, unit or "", person or "", lat, lon, "none")
    return out


def _criterion_labels(ids) -> dict[int, str]:
    return {
        pk: f"{code} {text[:40]}"
        for pk, code, text in Criterion.objects.filter(pk__in=set(ids)).values_list("pk", "code", "text")
    }


def point_statuses(points_qs, cases_qs) -> list[PointStatus]:
    """Every point in scope with its latest inspection's verdict and its open cases."""
    points = _point_rows(points_qs)
    latest: dict[int, live.InspectionRef] = {}
    for ref in live.inspection_refs(Inspection.objects.filter(point_id__in=list(points))):
        latest[ref.point_id] = ref  # oldest first: the last one wins
    scored = live.score_inspections(list(latest.values()))
    labels = _criterion_labels(cid for s in scored.scores.values() for cid in s.failing_criteria)
    for ref in scored.inspections:
        score = scored.scores[ref.id]
        p = points[ref.point_id]
        p.inspection_id, p.submitted_at = ref.id, ref.submitted_at
        if score.assessed:
            p.status = "pass" if score.passed else "fail"
            p.score = score.score_0_100
            p.failing = [labels.get(c, str(c)) for c in score.failing_criteria]
    for point_id, n in (
        cases_qs.open().filter(point_id__in=list(points)).values_list("point_id").annotate(n=Count("pk"))
    ):
        points[point_id].open_cases = n
    return list(points.values())


# --- the estimate "if evaluated today" -------------------------------------------------------------------


@dataclass(frozen=True)
class LossLine:
    point_id: int
    point_code: str
    point_name: str
    street: str
    unit: str
    person: str
    criterion_code: str
    criterion_text: str
    lost: float
    possible: float
    observation_id: int
    inspection_id: int
    submitted_at: datetime.datetime
    case_code: str
    case_state: str


@dataclass
class Estimate:
    points: int
    passed: int
    mean_score: float | None  # weighted by point type (see the module docstring)
    observations: int
    lines: list[LossLine]
    by_street: list[dict]
    unweighted_mean: float | None = None
    by_type: list[dict] = field(default_factory=list)
    weights_source: str = ""
    missing_types: list[str] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.points if self.points else None

    @property
    def failed(self) -> int:
        return self.points - self.passed

    @property
    def total_lost(self) -> float:
        return math.fsum(line.lost for line in self.lines)


def latest_observations(points_qs):
    """The latest observation of each (point, criterion), one query (a window function)."""
    ranked = Observation.objects.filter(inspection__point__in=points_qs).annotate(
        rn=Window(
            RowNumber(),
            partition_by=[F("inspection__point_id"), F("criterion_id")],
            order_by=[F("inspection__submitted_at").desc(), F("pk").desc()],
        )
    )
    return ranked.filter(rn=1).values_list(
        *live.OBSERVATION_FIELDS,
        "inspection__point_id",
        "inspection__submitted_at",
        "case__code",
        "case__state",
    )


def evaluator_weights(points_qs=None) -> tuple[dict[int, float], str]:
    """Point type id → weight, and where the weights come from (shown on the page). Equal weights cover the
    types of the points in scope."""
    from wenming.standards.models import PointType

    plan_round = (
        Round.objects.filter(kind__in=[RoundKind.OFFICIAL, RoundKind.CITY_QUARTERLY])
        .exclude(state=RoundState.DRAFT)
        .exclude(sampling_plan={})
        .order_by("-period_end", "-pk")
        .first()
    )
    per_type = ((plan_round.sampling_plan or {}).get("per_type") or {}) if plan_round else {}
    if per_type:
        ids = dict(PointType.objects.filter(code__in=list(per_type)).values_list("code", "pk"))
        weights = {ids[c]: float(n) for c, n in per_type.items() if c in ids and float(n) > 0}
        if weights:
            return weights, str(_("按“%(r)s”抽样方案各类型点位数加权") % {"r": plan_round.name})
    types = PointType.objects.all()
    if points_qs is not None:
        types = types.filter(pk__in=points_qs.values("point_type_id"))
    return {pk: 1.0 for pk in types.values_list("pk", flat=True)}, str(
        _("各点位类型等权（测评按类型抽取相同数量点位）")
    )


def weighted_by_type(
    items: list[ScoredPoint], points_qs=None
) -> tuple[float | None, list[dict], str, list[str]]:
    """The evaluators' weighting of point scores: Σ w × type mean ÷ Σ w over the types with data."""
    from wenming.standards.models import PointType

    weights, source = evaluator_weights(points_qs)
    by_type = roll_up(items, Dimension.TYPE)
    names = dict(PointType.objects.values_list("pk", "name"))
    rows, total, weight_sum = [], 0.0, 0.0
    for type_id, r in by_type.items():
        w = weights.get(type_id, 0.0)
        if r.mean_score is not None and w > 0:
            total += w * r.mean_score
            weight_sum += w
        rows.append(
            {"type": names.get(type_id, ""), "points": r.points, "mean_score": r.mean_score, "weight": w}
        )
    rows.sort(key=lambda x: (-x["weight"], x["type"]))
    missing = sorted(names[t] for t, w in weights.items() if w > 0 and t not in by_type and t in names)
    return (total / weight_sum if weight_sum else None), rows, source, missing


def estimate_today(points_qs) -> Estimate:
    points = _point_rows(points_qs)
    rows = list(latest_observations(points_qs))
    criteria, _parents = live.load_criteria({r[2] for r in rows})
    crit_info = {
        pk: (code, text)
        for pk, code, text in Criterion.objects.filter(pk__in=list(criteria)).values_list(
            "pk", "code", "text"
        )
    }
    by_point: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_point[row[7]].append(row)
    state_labels = dict(CaseState.choices)
    lines: list[LossLine] = []
    items: list[ScoredPoint] = []
    infos = live.load_points(by_point.keys())
    for point_id, obs in by_point.items():
        specs = {r[2]: criteria[r[2]] for r in obs}
        score = score_point(specs, [live.to_value(r[:7]) for r in obs])
        info = infos.get(point_id)
        items.append(ScoredPoint(point_id, score, info.keys() if info else {}, point_id))
        p = points.get(point_id)
        if p is None:
            continue
        for r in obs:
            g = score.grades.get(r[2])
            if g is None or not g.applicable or (g.compliant and g.lost <= 0):
                continue
            code, text = crit_info.get(r[2], ("", ""))
            lines.append(
                LossLine(
                    point_id, p.code, p.name, p.street, p.unit, p.person, code, text, round(g.lost, 4), g.possible,
                    r[0], r[1], r[8], r[9] or "", str(state_labels.get(r[10], "")) if r[10] else "",
                )
            )  # fmt: skip
    lines.sort(key=lambda x: (-x.lost, x.street, x.point_code, x.criterion_code))
    whole = roll_up(items, lambda item: "all").get("all")
    streets = roll_up(items, Dimension.STREET)
    names = live.labels(Dimension.STREET, streets.keys())
    by_street = sorted(
        (
            {"street": names.get(k, ""), "points": r.points, "passed": r.passed, "mean_score": r.mean_score,
             "pass_rate": r.pass_rate}
            for k, r in streets.items()
        ),
        key=lambda s: (s["mean_score"] is None, -(s["mean_score"] or 0), s["street"]),
    )  # fmt: skip
    weighted, by_type, source, missing = weighted_by_type(items, points_qs)
    return Estimate(
        points=whole.points if whole else 0,
        passed=whole.passed if whole else 0,
        mean_score=weighted,
        observations=len(rows),
        lines=lines,
        by_street=by_street,
        unweighted_mean=whole.mean_score if whole else None,
        by_type=by_type,
        weights_source=source,
        missing_types=missing,
    )


# --- cases: overdue by unit, trends, heat -----------------------------------------------------------------------


def overdue_by_unit(cases_qs, now=None, limit: int = 15) -> list[dict]:
    now = now or timezone.now()
    case_list = reverse("cases:case_list")
    rows = (
        cases_qs.overdue(now)
        .values("unit_id", "unit__name")
        .annotate(n=Count("pk"), oldest=Min("fix_deadline"))
        .order_by("-n", "oldest")[:limit]
    )
    return [
        {
            "unit": r["unit__name"] or "—",
            "count": r["n"],
            "oldest_days": max(0, (now - r["oldest"]).days) if r["oldest"] else 0,
            "url": f"{case_list}?{urlencode({'unit': r['unit_id'] or 'none', 'overdue': 'true'})}",
        }
        for r in rows
    ]


def week_ends(weeks: int, today: datetime.date | None = None) -> list[datetime.datetime]:
    """The ends (next Monday 00:00, local) of the last `weeks` ISO weeks, the current one last."""
    from wenming.bulletins.periods import local_midnight

    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return [local_midnight(monday + datetime.timedelta(weeks=1 - i)) for i in range(weeks - 1, -1, -1)]


def case_trend(cases_qs, weeks: int = 12, today=None) -> list[dict]:
    ends = week_ends(weeks, today)
    now = timezone.now()
    aggregates = {}
    for i, end in enumerate(ends):
        cut = min(end, now)
        open_q = Q(reported_at__lt=cut) & (Q(closed_at__isnull=True) | Q(closed_at__gte=cut))
        overdue_q = (
            Q(dispatched_at__lt=cut, fix_deadline__lt=cut)
            & (Q(fix_reported_at__isnull=True) | Q(fix_reported_at__gte=cut))
            & ~Q(state=CaseState.PARKED)
        )
        aggregates[f"open{i}"] = Count("pk", filter=open_q)
        aggregates[f"overdue{i}"] = Count("pk", filter=overdue_q)
        aggregates[f"new{i}"] = Count(
            "pk", filter=Q(reported_at__gte=cut - datetime.timedelta(days=7), reported_at__lt=cut)
        )
    values = cases_qs.exclude(state__in=EXCLUDED).aggregate(**aggregates)
    out = []
    for i, end in enumerate(ends):
        monday = (end - datetime.timedelta(days=7)).date()
        y, w, _d = monday.isocalendar()
        out.append({"week": f"{y}-W{w:02d}", "open": values[f"open{i}"], "overdue": values[f"overdue{i}"],
                    "new": values[f"new{i}"]})  # fmt: skip
    return out


def score_trend(limit: int = 12) -> list[dict]:
    from wenming.scoring.models import ScoreSnapshot

    snaps = list(
        ScoreSnapshot.objects.current().select_related("round").order_by("-round__period_end", "-pk")[:limit]
    )
    snaps.reverse()
    return [
        {"round": s.round.name, "kind": s.round.get_kind_display(), "end": s.round.period_end.isoformat(),
         "mean_score": None if s.mean_score is None else round(s.mean_score, 2),
         "pass_rate": None if s.pass_rate is None else round(s.pass_rate, 4), "url": s.get_absolute_url()}
        for s in snaps
    ]  # fmt: skip


def heat_matrix(cases_qs, since: datetime.datetime) -> dict:
    """Problems reported since `since`, street × problem top category (the chart's heat map)."""
    rows = list(
        cases_qs.exclude(state__in=EXCLUDED)
        .filter(reported_at__gte=since)
        .values("street__name", "top_category__name")
        .annotate(n=Count("pk"))
    )
    streets = sorted({r["street__name"] or "—" for r in rows})
    cats = sorted({r["top_category__name"] or "—" for r in rows})
    cells = [
        [cats.index(r["top_category__name"] or "—"), streets.index(r["street__name"] or "—"), r["n"]]
        for r in rows
    ]
    return {
        "streets": streets,
        "categories": cats,
        "cells": cells,
        "max": max((c[2] for c in cells), default=0),
    }


def heat_cells(cases_qs, since: datetime.datetime, size: float = 0.004) -> list[dict]:
    """Problems since `since` binned into squares of `size` degrees (WGS-84), for the map's heat layer."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for lat, lon in (
        cases_qs.exclude(state__in=EXCLUDED)
        .filter(reported_at__gte=since, lat__isnull=False, lon__isnull=False)
        .values_list("lat", "lon")
    ):
        counts[(math.floor(lat / size), math.floor(lon / size))] += 1
    return [
        {"lat0": round(i * size, 6), "lon0": round(j * size, 6), "lat1": round((i + 1) * size, 6),
         "lon1": round((j + 1) * size, 6), "count": n}
        for (i, j), n in sorted(counts.items())
    ]  # fmt: skip


# --- the page as a whole ----------------------------------------------------------------------------------------

LEADER_ROLES = frozenset({"admin", "office", "leader", "auditor", "group_lead"})
HEAT_DAYS = 90


def may_view(user) -> bool:
    """The leadership view: admin, office, leaders, auditors and special-group leads."""
    return has_role(user, *LEADER_ROLES)


def scoped(user):
    from wenming.cases.models import Case
    from wenming.geo.models import Point

    return Point.objects.restrict(user, "view").active(), Case.objects.restrict(user, "view")


def overview(user, *, now=None) -> dict:
    """Everything the leadership page and the big screen show, computed once."""
    from wenming.forecast.services import headline
    from wenming.scoring import deductions, figures

    now = now or timezone.now()
    points, cases = scoped(user)
    statuses = point_statuses(points, cases)
    failing = sorted(
        (p for p in statuses if p.status == "fail"), key=lambda p: (p.score is None, p.score or 0, p.code)
    )
    estimate = estimate_today(points)
    round_obj = figures.default_round()
    rankings = {}
    if round_obj is not None:
        for dim in (Dimension.STREET, Dimension.UNIT):
            rankings[dim] = figures.ranking(round_obj, dim).rows
    pareto = deductions.pareto_view(deductions.losses_of_period(deductions.recent_weeks(12)))
    open_cases = cases.open().exclude(state__in=EXCLUDED)
    from wenming.scoring import bases

    return {
        "now": now,
        "ranking_rule": bases.rule_text(bases.DEFAULT),
        "countdown": countdown(timezone.localdate(now)),
        "statuses": statuses,
        "counts": {
            "points": len(statuses),
            "pass": sum(1 for p in statuses if p.status == "pass"),
            "fail": len(failing),
            "none": sum(1 for p in statuses if p.status == "none"),
            "open_cases": open_cases.count(),
            "overdue": cases.overdue(now).count(),
        },
        "failing": failing,
        "estimate": estimate,
        "forecast": headline(user),  # the cached forecast (wenming.forecast), never recomputed per request
        "round": round_obj,
        "rankings": rankings,
        "pareto_criteria": pareto.by_criterion[:10],
        "pareto_themes": [t for t in pareto.by_theme if t.count][:8],
        "overdue_units": overdue_by_unit(cases, now),
        "case_trend": case_trend(cases, 12, timezone.localdate(now)),
        "score_trend": score_trend(),
        "heat": heat_matrix(cases, now - datetime.timedelta(days=HEAT_DAYS)),
    }


def chart_data(data: dict) -> dict:
    """The JSON the page's ECharts read (json_script)."""
    return {
        "caseTrend": data["case_trend"],
        "scoreTrend": data["score_trend"],
        "heat": data["heat"],
        "pareto": [
            {"label": line.label, "lost": round(line.lost, 2), "count": line.count}
            for line in data["pareto_criteria"]
        ],
    }
