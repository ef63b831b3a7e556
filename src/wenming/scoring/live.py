"""Turning rows into engine inputs and scoring them: the live scores of a round, a point, a period.

A round's score for a point is the score of its **latest** inspection in that round (a re-inspection within
the round replaces the earlier one; the earlier ones stay in the point's history). Everything here is a read:
a constant number of queries whatever the size of the round, then the pure engine.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from wenming.geo.choices import AreaLevel
from wenming.geo.models import Area, Point
from wenming.inspections.models import Inspection, Observation
from wenming.org.models import SpecialGroup, Unit
from wenming.scoring.choices import Dimension
from wenming.scoring.engine import (
    CriterionSpec,
    ObservationValue,
    PointScore,
    ScoredPoint,
    score_point,
    sub_score,
)
from wenming.standards.models import Criterion, PointType, ProblemCategory


@dataclass(frozen=True)
class PointInfo:
    """What a point rolls up by, read once per computation."""

    id: int
    code: str
    name: str
    point_type_id: int | None
    street_id: int | None
    community_id: int | None
    unit_id: int | None

    def keys(self) -> dict[str, int | None]:
        return {
            Dimension.TYPE: self.point_type_id,
            Dimension.STREET: self.street_id,
            Dimension.COMMUNITY: self.community_id,
            Dimension.UNIT: self.unit_id,
        }


@dataclass(frozen=True)
class InspectionRef:
    id: int
    point_id: int
    round_id: int
    submitted_at: object


@dataclass
class Scored:
    """Scores of a set of inspections, with everything needed to trace and roll them up."""

    inspections: list[InspectionRef]
    scores: dict[int, PointScore]  # by inspection id
    points: dict[int, PointInfo]
    criteria: dict[int, CriterionSpec]
    observations: dict[int, list[tuple]]  # by inspection id: raw observation rows (for the hash)
    categories: dict[str, str | None] = field(default_factory=dict)  # category code → parent code

    def scored_points(self) -> list[ScoredPoint]:
        """One item per inspection, keyed by type / street / community / unit (ref = inspection id)."""
        out = []
        for ref in self.inspections:
            info = self.points.get(ref.point_id)
            keys = info.keys() if info else {}
            out.append(ScoredPoint(point_id=ref.point_id, score=self.scores[ref.id], keys=keys, ref=ref.id))
        return out

    def group_slices(self) -> list[ScoredPoint]:
        """Per inspection and special group: the part of the score made of the group's criteria."""
        out = []
        for ref in self.inspections:
            score = self.scores[ref.id]
            by_group: dict[int, list[int]] = {}
            for cid in score.grades:
                group = self.criteria[cid].group
                if group is not None:
                    by_group.setdefault(int(group), []).append(cid)
            for group, ids in sorted(by_group.items()):
                out.append(
                    ScoredPoint(
                        point_id=ref.point_id,
                        score=sub_score(score, ids),
                        keys={Dimension.GROUP: group},
                        ref=ref.id,
                    )
                )
        return out

    def observation_ids(self) -> list[int]:
        return sorted(row[0] for rows in self.observations.values() for row in rows)

    def digest(self) -> str:
        return digest(self.observations, self.criteria)


# --- loading -----------------------------------------------------------------------------------------

OBSERVATION_FIELDS = ("id", "inspection_id", "criterion_id", "result", "problems", "count", "sub_results")


def latest_inspections_of_round(round_id: int) -> list[InspectionRef]:
    """The latest inspection of each point in the round."""
    rows = (
        Inspection.objects.filter(round_id=round_id)
        .order_by("point_id", "-submitted_at", "-pk")
        .values_list("id", "point_id", "round_id", "submitted_at")
    )
    seen: set[int] = set()
    out = []
    for row in rows:
        if row[1] in seen:
            continue
        seen.add(row[1])
        out.append(InspectionRef(*row))
    return out


def inspection_refs(queryset) -> list[InspectionRef]:
    return [
        InspectionRef(*row)
        for row in queryset.order_by("submitted_at", "pk").values_list(
            "id", "point_id", "round_id", "submitted_at"
        )
    ]


def load_observations(inspection_ids: Iterable[int]) -> dict[int, list[tuple]]:
    ids = list(inspection_ids)
    grouped: dict[int, list[tuple]] = {i: [] for i in ids}
    if not ids:
        return grouped
    rows = Observation.objects.filter(inspection_id__in=ids).order_by("pk").values_list(*OBSERVATION_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        grouped[row[1]].append(row)
    return grouped


def load_criteria(ids: Iterable[int]) -> tuple[dict[int, CriterionSpec], dict[str, str | None]]:
    """Criterion specs (category code, owning special group) and the category → parent code map."""
    categories = {
        pk: (code, parent_id, group_id)
        for pk, code, parent_id, group_id in ProblemCategory.objects.values_list(
            "pk", "code", "parent_id", "special_group_id"
        )
    }
    parent_code = {
        code: (categories[parent][0] if parent in categories else None)
        for code, parent, _ in categories.values()
    }
    specs = {}
    rows = Criterion.objects.filter(pk__in=set(ids)).values_list(
        "pk", "code", "weight", "rule", "rule_params", "category_id"
    )
    for pk, code, weight, rule, params, category_id in rows:
        category = categories.get(category_id)
        group = None
        if category:
            group = category[2]
            if group is None and category[1] in categories:
                group = categories[category[1]][2]  # a leaf without its own group falls to its parent's
        specs[pk] = CriterionSpec(
            id=pk,
            weight=float(weight),
            rule=rule,
            params=params or {},
            category=category[0] if category else None,
            code=code,
            group=group,
        )
    return specs, parent_code


def load_points(point_ids: Iterable[int]) -> dict[int, PointInfo]:
    ids = set(point_ids)
    levels = dict(
        Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY]).values_list("pk", "level")
    )
    out = {}
    rows = Point.objects.filter(pk__in=ids).values_list(
        "pk", "code", "name", "point_type_id", "area__path", "responsible_unit_id"
    )
    for pk, code, name, type_id, path, unit_id in rows:
        street = community = None
        for part in (path or "").strip("/").split("/"):
            if not part:
                continue
            level = levels.get(int(part))
            if level == AreaLevel.STREET:
                street = int(part)
            elif level == AreaLevel.COMMUNITY:
                community = int(part)
        out[pk] = PointInfo(pk, code, name, type_id, street, community, unit_id)
    return out


def to_value(row: tuple) -> ObservationValue:
    pk, _inspection, criterion, result, problems, count, subs = row
    return ObservationValue(
        criterion_id=criterion,
        result=result,
        problems=problems or 0,
        count=count,
        sub_results=[bool(s) for s in subs] if isinstance(subs, list) else None,
        id=pk,
    )


def score_inspections(refs: list[InspectionRef]) -> Scored:
    """Score the given inspections: 4–5 queries in all, whatever their number."""
    observations = load_observations(r.id for r in refs)
    criteria, categories = load_criteria({row[2] for rows in observations.values() for row in rows})
    points = load_points({r.point_id for r in refs})
    scores = {}
    for ref in refs:
        rows = observations.get(ref.id, [])
        used = {row[2]: criteria[row[2]] for row in rows}
        scores[ref.id] = score_point(used, [to_value(row) for row in rows])
    return Scored(refs, scores, points, criteria, observations, categories)


def score_round(round_id: int) -> Scored:
    return score_inspections(latest_inspections_of_round(round_id))


# --- the fingerprint ---------------------------------------------------------------------------------


def digest(observations: dict[int, list[tuple]], criteria: dict[int, CriterionSpec]) -> str:
    """SHA-256 of exactly what the scores were computed from: every observation row and every criterion's
    weight, rule and params. Any later edit of those records changes it."""
    rows = sorted((row for rows in observations.values() for row in rows), key=lambda r: r[0])
    used = sorted({row[2] for row in rows})
    payload = {
        "observations": [list(row) for row in rows],
        "criteria": [
            [cid, round(criteria[cid].weight, 6), criteria[cid].rule, criteria[cid].params]
            for cid in used
            if cid in criteria
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def current_digest(inspection_ids: list[int]) -> str:
    """Recompute the fingerprint of the given inspections from today's rows (the snapshot check): an edited,
    added or deleted observation, or a changed criterion weight/rule, gives a different value."""
    observations = load_observations(inspection_ids)
    criteria, _ = load_criteria({row[2] for rows in observations.values() for row in rows})
    return digest(observations, criteria)


# --- labels ------------------------------------------------------------------------------------------


def labels(dimension: str, ids: Iterable[int]) -> dict[int, str]:
    """Display names of the keys of one dimension (one query)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    if dimension in (Dimension.STREET, Dimension.COMMUNITY):
        return dict(Area.objects.filter(pk__in=ids).values_list("pk", "name"))
    if dimension == Dimension.UNIT:
        return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    if dimension == Dimension.GROUP:
        return dict(SpecialGroup.objects.filter(pk__in=ids).values_list("pk", "name"))
    if dimension == Dimension.TYPE:
        return dict(PointType.objects.filter(pk__in=ids).values_list("pk", "name"))
    raise ValueError(dimension)
