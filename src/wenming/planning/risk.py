"""Every read of risk goes through `point_risk` (one function; the planner never reads records itself).

INTERIM SOURCE. Until the forecast app (`wenming.forecast.api.point_risk`, same signature and return type)
is merged, the risk is computed here from the records directly, with a simple recency weighting:

- for each point × criterion, the observations submitted in the `WINDOW_DAYS` before `as_of`;
- each observation's marks lost = the criterion's marks minus what the scoring engine grants for that one
  observation (`wenming.scoring.engine.grade`); "not applicable" observations are left out;
- each observation weighs `0.5 ** (age in days / HALF_LIFE_DAYS)`: a failure seen today counts twice as
  much as one seen two weeks ago;
- point × criterion: expected marks lost = Σ weight × lost ÷ Σ weight; probability of failing =
  Σ weight × (lost > 0) ÷ Σ weight;
- point: expected marks lost = the sum over its criteria; p_fail = 1 − Π (1 − p_fail of each criterion);
  possible marks = the marks of the field criteria of the active standard that apply to its type;
- a point with no observation in the window gets the average of the observed points of its type (0 when
  none of its type was observed).

Worked example (asserted in tests/planning/test_risk.py): one compliance criterion worth 2 marks, failed
today (lost 2, weight 1) and passed 14 days ago (lost 0, weight 0.5): expected marks lost =
(1 × 2 + 0.5 × 0) ÷ 1.5 = 1.333; p_fail = 1 ÷ 1.5 = 0.667.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

HALF_LIFE_DAYS = 14.0
WINDOW_DAYS = 180


@dataclass(frozen=True)
class PointRisk:
    point_id: int
    p_fail: float
    expected_marks_lost: float
    possible_marks: float


def point_risk(*, as_of=None, point_ids=None) -> dict[int, PointRisk]:
    """The risk of every active point (or of `point_ids`) as of `as_of` (default now)."""
    from wenming.geo.models import Point
    from wenming.inspections.checklist import rule_params
    from wenming.inspections.models import Observation
    from wenming.scoring.engine import CriterionSpec, ObservationValue, ScoringError, grade

    as_of = as_of or timezone.now()
    if isinstance(as_of, datetime.date) and not isinstance(as_of, datetime.datetime):
        as_of = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(23, 59, 59)))
    points = Point.objects.active() if point_ids is None else Point.objects.filter(pk__in=list(point_ids))
    type_of = dict(points.values_list("pk", "point_type_id"))
    if not type_of:
        return {}
    observations = (
        Observation.objects.filter(
            inspection__point_id__in=list(type_of),
            inspection__submitted_at__lte=as_of,
            inspection__submitted_at__gt=as_of - datetime.timedelta(days=WINDOW_DAYS),
        )
        .exclude(result="na")
        .values_list(
            "inspection__point_id",
            "criterion_id",
            "inspection__submitted_at",
            "result",
            "problems",
            "count",
            "sub_results",
        )
    )
    from wenming.standards.models import Criterion

    observations = list(observations)
    specs = {
        c.pk: CriterionSpec(c.pk, float(c.weight), c.rule, rule_params(c))
        for c in Criterion.objects.filter(pk__in={row[1] for row in observations})
    }
    sums: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # Σw, Σw·lost, Σw·failed
    for point_id, criterion_id, submitted, result, problems, count, sub_results in observations:
        spec = specs[criterion_id]
        try:
            g = grade(spec, [ObservationValue(criterion_id, result, problems, count, sub_results)])
        except ScoringError:
            continue
        if not g.applicable:
            continue
        age_days = max(0.0, (as_of - submitted).total_seconds() / 86400)
        w = 0.5 ** (age_days / HALF_LIFE_DAYS)
        acc = sums[(point_id, criterion_id)]
        acc[0] += w
        acc[1] += w * g.lost
        acc[2] += w * (1.0 if g.lost > 1e-9 else 0.0)
    lost: dict[int, float] = defaultdict(float)
    survive: dict[int, float] = defaultdict(lambda: 1.0)
    for (point_id, _criterion), (sw, swl, swf) in sums.items():
        lost[point_id] += swl / sw
        survive[point_id] *= 1.0 - swf / sw
    possible = _possible_by_type(set(type_of.values()))
    by_type: dict[int, list[int]] = defaultdict(list)
    for point_id in lost:
        by_type[type_of[point_id]].append(point_id)
    out = {}
    for point_id, type_id in type_of.items():
        if point_id in lost:
            e, p = lost[point_id], 1.0 - survive[point_id]
        else:
            peers = by_type.get(type_id, [])
            e = sum(lost[q] for q in peers) / len(peers) if peers else 0.0
            p = sum(1.0 - survive[q] for q in peers) / len(peers) if peers else 0.0
        out[point_id] = PointRisk(point_id, round(p, 4), round(e, 4), possible.get(type_id, 0.0))
    return out


def _possible_by_type(type_ids: set[int]) -> dict[int, float]:
    """Marks of the active standard's field criteria per point type."""
    from wenming.inspections.checklist import applicable_criteria
    from wenming.standards.models import PointType, StandardSet

    standard = StandardSet.objects.filter(is_active=True).order_by("-effective_from", "-pk").first()
    if standard is None:
        return {}
    out = {}
    for point_type in PointType.objects.filter(pk__in=type_ids):
        weights = applicable_criteria(standard, point_type).values_list("weight", flat=True)
        out[point_type.pk] = float(sum(weights))
    return out
