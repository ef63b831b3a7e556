"""Read models of the score pages: rankings (frozen or live), comparisons, the points behind a figure, a
point's history. Closed rounds read their frozen snapshot; open rounds are scored on the fly.
"""

from dataclasses import dataclass
from datetime import datetime

from wenming.geo.models import Point
from wenming.inspections.choices import RoundState
from wenming.inspections.models import Inspection, Round
from wenming.scoring import bases, live
from wenming.scoring.choices import Dimension
from wenming.scoring.engine import Change, RollUp, compare, roll_up
from wenming.scoring.models import ScoreSnapshot, SnapshotPoint, SnapshotRollup
from wenming.standards.models import Criterion


@dataclass(frozen=True)
class RankingRow:
    """One line of a ranking: a street/community/unit/group/type with its figures and competition rank."""

    dimension: str
    key_id: int
    label: str
    points: int
    passed: int
    unassessed: int
    mean_score: float | None
    pass_rate: float | None
    earned: float
    possible: float
    rank: int | None
    tied: bool
    observations: int = 0
    compliant_observations: int = 0

    @property
    def failed(self) -> int:
        return self.points - self.passed

    @property
    def score_rate(self) -> float | None:
        return None if self.possible <= 0 else self.earned / self.possible * 100.0

    @property
    def compliance_rate(self) -> float | None:
        return None if self.observations <= 0 else self.compliant_observations / self.observations * 100.0


@dataclass
class Ranking:
    """A ranking of one round along one dimension; `snapshot` is None when computed live."""

    round: Round
    dimension: str
    rows: list[RankingRow]
    snapshot: ScoreSnapshot | None

    @property
    def is_live(self) -> bool:
        return self.snapshot is None


def items_for(scored: live.Scored, dimension: str):
    return scored.group_slices() if dimension == Dimension.GROUP else scored.scored_points()


def ranking_rows(scored: live.Scored, dimension: str, basis: str = bases.DEFAULT) -> list[RankingRow]:
    """Roll the scored points up along `dimension` and rank by the basis (default the mean point score) at
    its printed precision: printed-equal values share a rank (scoring/bases.py)."""
    rolled: dict = roll_up(items_for(scored, dimension), dimension)
    names = live.labels(dimension, rolled.keys())
    ranked = bases.rank_by(list(rolled.values()), basis)
    return [_row(dimension, r.item, names.get(r.item.key, str(r.item.key)), r.rank, r.tied) for r in ranked]


def _row(dimension: str, r: RollUp, label: str, position: int | None, tied: bool) -> RankingRow:
    return RankingRow(
        dimension=dimension,
        key_id=int(r.key),
        label=label,
        points=r.points,
        passed=r.passed,
        unassessed=r.unassessed,
        mean_score=r.mean_score,
        pass_rate=r.pass_rate,
        earned=r.earned,
        possible=r.possible,
        rank=position,
        tied=tied,
        observations=r.observations,
        compliant_observations=r.compliant_observations,
    )


def snapshot_rows(snapshot: ScoreSnapshot, dimension: str) -> list[RankingRow]:
    rows = SnapshotRollup.objects.filter(snapshot=snapshot, dimension=dimension)
    return [
        RankingRow(
            dimension=r.dimension,
            key_id=r.key_id,
            label=r.label,
            points=r.points,
            passed=r.passed,
            unassessed=r.unassessed,
            mean_score=r.mean_score,
            pass_rate=r.pass_rate,
            earned=r.earned,
            possible=r.possible,
            rank=r.rank,
            tied=r.tied,
            observations=r.observations,
            compliant_observations=r.compliant_observations,
        )
        for r in rows
    ]


def reranked(rows: list[RankingRow], basis: str) -> list[RankingRow]:
    """The rows ranked again by another basis (frozen ranks are by the default basis)."""
    from dataclasses import replace

    return [replace(r.item, rank=r.rank, tied=r.tied) for r in bases.rank_by(rows, basis)]


def scored_if_live(round_obj: Round) -> live.Scored | None:
    """Score an open round once per request (None for a frozen one), to share between its figures."""
    return None if frozen_snapshot(round_obj) is not None else live.score_round(round_obj.pk)


def frozen_snapshot(round_obj: Round) -> ScoreSnapshot | None:
    """The snapshot a closed round publishes (its latest version); open rounds have none to use."""
    if round_obj.state != RoundState.CLOSED:
        return None
    return ScoreSnapshot.objects.for_round(round_obj.pk)


def ranking(
    round_obj: Round, dimension: str, scored: live.Scored | None = None, basis: str = bases.DEFAULT
) -> Ranking:
    """The round's ranking along `dimension` by `basis` (frozen rows are re-ranked when the basis is not the
    default one their stored ranks use)."""
    snapshot = frozen_snapshot(round_obj)
    if snapshot is not None:
        return Ranking(round_obj, dimension, reranked(snapshot_rows(snapshot, dimension), basis), snapshot)
    scored = scored or live.score_round(round_obj.pk)
    return Ranking(round_obj, dimension, ranking_rows(scored, dimension, basis), None)


# --- choosing rounds ---------------------------------------------------------------------------------


def rankable_rounds():
    """Rounds that can have a ranking: published (live) or closed (frozen), newest first."""
    return Round.objects.exclude(state=RoundState.DRAFT).order_by("-period_end", "-pk")


def latest_closed_by_kind() -> list[Round]:
    """The latest closed round of each kind, in the order of the kinds."""
    seen: dict[str, Round] = {}
    for r in Round.objects.filter(state=RoundState.CLOSED).order_by("-period_end", "-closed_at", "-pk"):
        seen.setdefault(r.kind, r)
    from wenming.inspections.choices import RoundKind

    return [seen[k] for k in RoundKind.values if k in seen]


def default_round() -> Round | None:
    """The latest closed round; with none closed, the latest open one."""
    closed = (
        Round.objects.filter(state=RoundState.CLOSED).order_by("-period_end", "-closed_at", "-pk").first()
    )
    return closed or rankable_rounds().first()


# --- comparisons -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    key_id: int
    label: str
    before: RankingRow | None
    after: RankingRow | None
    change: Change


def compare_rankings(before: Ranking, after: Ranking) -> list[ComparisonRow]:
    """What improved and what got worse between two rankings of the same dimension (by mean score)."""
    b = {r.key_id: r for r in before.rows}
    a = {r.key_id: r for r in after.rows}
    changes = compare({k: r.mean_score for k, r in b.items()}, {k: r.mean_score for k, r in a.items()})
    out = []
    for c in changes:
        key = int(c.key)
        row = a.get(key) or b.get(key)
        out.append(ComparisonRow(key, row.label if row else str(key), b.get(key), a.get(key), c))
    return out


def quarterly_matrix(dimension: str, limit: int = 4) -> tuple[list[ScoreSnapshot], list[dict]]:
    """The city's quarterly ranking: the frozen results of the last `limit` city quarterly test rounds,
    one row per key with its rank and score in each (oldest column first)."""
    from wenming.inspections.choices import RoundKind

    snapshots = list(
        ScoreSnapshot.objects.current()
        .of_kind(RoundKind.CITY_QUARTERLY)
        .select_related("round")
        .order_by("-round__period_end", "-pk")[:limit]
    )
    snapshots.reverse()
    rows: dict[int, dict] = {}
    cells = SnapshotRollup.objects.filter(snapshot__in=snapshots, dimension=dimension)
    for cell in cells:
        row = rows.setdefault(cell.key_id, {"key_id": cell.key_id, "label": cell.label, "cells": {}})
        row["label"] = cell.label
        row["cells"][cell.snapshot_id] = cell
    ordered = []
    for row in rows.values():
        row["columns"] = [row["cells"].get(s.pk) for s in snapshots]
        ordered.append(row)
    last = snapshots[-1].pk if snapshots else None

    def sort_key(row):
        cell = row["cells"].get(last)
        return (cell is None or cell.rank is None, cell.rank if cell and cell.rank else 0, row["label"])

    ordered.sort(key=sort_key)
    return snapshots, ordered


# --- the points behind a figure ------------------------------------------------------------------------


@dataclass(frozen=True)
class PointRow:
    """A point's score in a round, with the inspection it came from (the next drill-down level)."""

    point_id: int
    code: str
    name: str
    point_type: str
    street: str
    community: str
    unit: str
    inspection_id: int
    submitted_at: datetime | None
    earned: float
    possible: float
    score: float | None
    passed: bool
    failing: list[str]


def point_rows(
    round_obj: Round,
    user,
    dimension: str | None = None,
    key_id: int | None = None,
    scored: live.Scored | None = None,
) -> tuple[list[PointRow], ScoreSnapshot | None]:
    """The points behind one figure of a round (or all points), limited to the user's point scope,
    worst score first. For a special group the score is the group's part of the point."""
    snapshot = frozen_snapshot(round_obj)
    if snapshot is not None:
        return _snapshot_point_rows(snapshot, user, dimension, key_id), snapshot
    return _live_point_rows(scored or live.score_round(round_obj.pk), user, dimension, key_id), None


def _criterion_codes(ids) -> dict[int, str]:
    ids = {int(i) for i in ids}
    return dict(Criterion.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}


def _snapshot_point_rows(snapshot, user, dimension, key_id) -> list[PointRow]:
    qs = SnapshotPoint.objects.filter(snapshot=snapshot).restrict(user, "view")
    field = {
        Dimension.TYPE: "point_type_id",
        Dimension.STREET: "street_id",
        Dimension.COMMUNITY: "community_id",
        Dimension.UNIT: "unit_id",
    }.get(dimension or "")
    if field and key_id is not None:
        qs = qs.filter(**{field: key_id})
    elif dimension == Dimension.GROUP and key_id is not None:
        qs = qs.filter(group_scores__has_key=str(key_id))
    rows = list(
        qs.select_related("point", "point_type", "street", "community", "unit", "inspection").order_by("pk")
    )
    codes = _criterion_codes(c for r in rows for c in r.failing_criteria)
    out = []
    for r in rows:
        earned, possible, score, passed, failing = r.earned, r.possible, r.score, r.passed, r.failing_criteria
        if dimension == Dimension.GROUP and key_id is not None:
            earned, possible, score, passed, failing = r.group_scores[str(key_id)]
        out.append(
            PointRow(
                point_id=r.point_id,
                code=r.point.code,
                name=r.point.name,
                point_type=r.point_type.name if r.point_type else "",
                street=r.street.name if r.street else "",
                community=r.community.name if r.community else "",
                unit=r.unit.name if r.unit else "",
                inspection_id=r.inspection_id,
                submitted_at=r.inspection.submitted_at,
                earned=earned,
                possible=possible,
                score=score,
                passed=passed,
                failing=[codes.get(int(c), str(c)) for c in failing],
            )
        )
    return _worst_first(out)


def _live_point_rows(scored: live.Scored, user, dimension, key_id) -> list[PointRow]:
    allowed = set(
        Point.objects.restrict(user, "view").filter(pk__in=scored.points).values_list("pk", flat=True)
    )
    by_group = dimension == Dimension.GROUP and key_id is not None
    items = [
        i for i in (scored.group_slices() if by_group else scored.scored_points()) if i.point_id in allowed
    ]
    if dimension and key_id is not None:
        items = [i for i in items if i.keys.get(dimension) == key_id]
    infos = scored.points
    names = {
        d: live.labels(d, {getattr(infos[i.point_id], f) for i in items if i.point_id in infos})
        for d, f in (
            (Dimension.TYPE, "point_type_id"),
            (Dimension.STREET, "street_id"),
            (Dimension.COMMUNITY, "community_id"),
            (Dimension.UNIT, "unit_id"),
        )
    }
    refs = {r.id: r for r in scored.inspections}
    out = []
    for item in items:
        info = infos[item.point_id]
        s = item.score
        out.append(
            PointRow(
                point_id=info.id,
                code=info.code,
                name=info.name,
                point_type=names[Dimension.TYPE].get(info.point_type_id, ""),
                street=names[Dimension.STREET].get(info.street_id, ""),
                community=names[Dimension.COMMUNITY].get(info.community_id, ""),
                unit=names[Dimension.UNIT].get(info.unit_id, ""),
                inspection_id=int(item.ref),
                submitted_at=refs[int(item.ref)].submitted_at,
                earned=s.earned,
                possible=s.possible,
                score=s.score_0_100,
                passed=s.passed,
                failing=[scored.criteria[c].code for c in s.failing_criteria],
            )
        )
    return _worst_first(out)


def _worst_first(rows: list[PointRow]) -> list[PointRow]:
    return sorted(rows, key=lambda r: (r.score is None, r.score if r.score is not None else 0, r.code))


# --- a point's history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One inspection of a point over time: its live score, and the frozen one if a snapshot used it."""

    inspection_id: int
    submitted_at: datetime
    round_id: int
    round_name: str
    round_kind: str
    earned: float
    possible: float
    score: float | None
    passed: bool
    failing: list[str]
    frozen_score: float | None
    frozen: bool


def point_history(point: Point) -> list[HistoryRow]:
    """Every inspection of the point, oldest first, scored by the engine (constant number of queries)."""
    qs = Inspection.objects.filter(point=point)
    refs = live.inspection_refs(qs)
    scored = live.score_inspections(refs)
    rounds = {
        r.pk: r
        for r in Round.objects.filter(pk__in={ref.round_id for ref in refs}).only("pk", "name", "kind")
    }
    frozen = {
        sp.inspection_id: sp.score
        for sp in SnapshotPoint.objects.filter(
            point=point, snapshot__in=ScoreSnapshot.objects.current()
        ).only("inspection_id", "score")
    }
    out = []
    for ref in refs:
        s = scored.scores[ref.id]
        rnd = rounds[ref.round_id]
        out.append(
            HistoryRow(
                inspection_id=ref.id,
                submitted_at=ref.submitted_at,
                round_id=rnd.pk,
                round_name=rnd.name,
                round_kind=rnd.get_kind_display(),
                earned=s.earned,
                possible=s.possible,
                score=s.score_0_100,
                passed=s.passed,
                failing=[scored.criteria[c].code for c in s.failing_criteria],
                frozen_score=frozen.get(ref.id),
                frozen=ref.id in frozen,
            )
        )
    return out
