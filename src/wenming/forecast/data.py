"""From the records to the model's arrays, as they stood at `as_of` (a constant number of queries).

Items are every active point × every field criterion of the standard that applies to its type. History is
every applicable observation made at those items before `as_of`; cases are those reported before `as_of` on
a point and a criterion (merged and rejected ones excluded).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max

from wenming.forecast import model, simulate
from wenming.scoring import live
from wenming.scoring.engine import CriterionSpec, grade

EVALUATION_KINDS = ("official", "city_quarterly", "mock", "third_party")
DIMENSIONS = ("street", "type", "unit")


@dataclass
class CaseInfo:
    id: int
    code: str
    unit_id: int | None
    state: str


@dataclass
class Inputs:
    as_of: datetime.datetime
    standard_id: int | None
    items: list[tuple[int, int]]  # (point id, criterion id)
    history: model.History
    specs: dict[int, CriterionSpec]
    points: dict[int, live.PointInfo]
    type_codes: dict[int, str]
    blocks: list[tuple[int, list[int], list[int], int]]  # type id, point ids, criterion ids, first item
    plan: dict[str, int]
    plan_source: str
    open_cases: dict[int, CaseInfo] = field(default_factory=dict)  # by item
    observations: int = 0


def choose_standard():
    from wenming.inspections.models import Round
    from wenming.standards.models import StandardSet

    rnd = Round.objects.filter(kind__in=EVALUATION_KINDS).order_by("-period_start", "-pk").first()
    if rnd is not None:
        return rnd.standard_set
    return StandardSet.objects.active().first() or StandardSet.objects.first()


def criteria_by_type(standard) -> dict[int, list[int]]:
    from wenming.standards.models import CriteriaBlock, Criterion

    field_ids = dict(
        Criterion.objects.filter(standard_set=standard, method="field").values_list("pk", "block_id")
    )
    out: dict[int, set[int]] = defaultdict(set)
    for cid, type_id in Criterion.point_types.through.objects.filter(
        criterion_id__in=list(field_ids)
    ).values_list("criterion_id", "pointtype_id"):
        out[type_id].add(cid)
    block_types: dict[int, set[int]] = defaultdict(set)
    for block_id, type_id in CriteriaBlock.point_types.through.objects.filter(
        criteriablock__standard_set=standard
    ).values_list("criteriablock_id", "pointtype_id"):
        block_types[block_id].add(type_id)
    for cid, block_id in field_ids.items():
        for type_id in block_types.get(block_id, ()):
            out[type_id].add(cid)
    return {t: sorted(c) for t, c in out.items()}


def sampling_plan(params, type_codes: dict[int, str], present: set[int]) -> tuple[dict[str, int], str]:
    """Points per type code the simulated evaluators draw, and where the plan comes from."""
    from wenming.inspections.models import Round

    stored = (params.sampling_plan or {}).get("per_type") if params else None
    if stored:
        return {str(k): int(v) for k, v in stored.items() if int(v) > 0}, "parameters"
    for rnd in Round.objects.filter(kind__in=EVALUATION_KINDS).order_by("-period_start", "-pk")[:5]:
        per_type = (rnd.sampling_plan or {}).get("per_type")
        if per_type:
            return {str(k): int(v) for k, v in per_type.items() if int(v) > 0}, f"round:{rnd.pk}"
    n = params.default_per_type if params else 3
    return {type_codes[t]: n for t in sorted(present) if t in type_codes}, "default"


def load(as_of: datetime.datetime, params=None, plan: dict[str, int] | None = None) -> Inputs:
    from wenming.cases.models import Case
    from wenming.geo.models import Point
    from wenming.inspections.models import Observation
    from wenming.standards.models import PointType

    standard = choose_standard()
    type_codes = dict(PointType.objects.values_list("pk", "code"))
    by_type_points: dict[int, list[int]] = defaultdict(list)
    for pk, type_id in Point.objects.active().order_by("pk").values_list("pk", "point_type_id"):
        by_type_points[type_id].append(pk)
    type_criteria = criteria_by_type(standard) if standard else {}
    specs, _parents = live.load_criteria({c for cs in type_criteria.values() for c in cs})
    items: list[tuple[int, int]] = []
    pools: list[int] = []
    blocks = []
    pool_of: dict[tuple[int, int], int] = {}
    for type_id in sorted(by_type_points):
        cids = [c for c in type_criteria.get(type_id, []) if c in specs]
        if not cids:
            continue
        first = len(items)
        for pid in by_type_points[type_id]:
            for cid in cids:
                items.append((pid, cid))
                pools.append(pool_of.setdefault((type_id, cid), len(pool_of)))
        blocks.append((type_id, by_type_points[type_id], cids, first))
    index = {key: i for i, key in enumerate(items)}
    point_ids = [pid for _t, pids, _c, _f in blocks for pid in pids]
    crit_ids = sorted({c for _t, _p, cids, _f in blocks for c in cids})

    # Observations before as_of, graded one by one by the engine (memoised on what the engine reads).
    obs_item, obs_age, obs_failed, obs_problems, obs_at = [], [], [], [], []
    graded: dict[tuple, tuple[bool, int]] = {}
    rows = (
        Observation.objects.filter(
            inspection__submitted_at__lt=as_of,
            inspection__point_id__in=point_ids,
            criterion_id__in=crit_ids,
        )
        .exclude(result="na")
        .values_list(*live.OBSERVATION_FIELDS, "inspection__point_id", "inspection__submitted_at")
    )
    for row in rows.iterator(chunk_size=5000):
        i = index.get((row[7], row[2]))
        if i is None:
            continue
        key = (row[2], row[3], row[4], row[5], tuple(row[6]) if isinstance(row[6], list) else None)
        if key not in graded:
            g = grade(specs[row[2]], [live.to_value(row[:7])])
            graded[key] = (not g.compliant, max(g.problems, 1) if not g.compliant else 0)
        failed, problems = graded[key]
        obs_item.append(i)
        obs_age.append((as_of - row[8]).total_seconds() / 86400.0)
        obs_failed.append(failed)
        obs_problems.append(problems)
        obs_at.append(row[8])
    n_items = len(items)
    last_failure: dict[int, datetime.datetime] = {}
    for i, failed, at in zip(obs_item, obs_failed, obs_at, strict=True):
        if failed and (i not in last_failure or at > last_failure[i]):
            last_failure[i] = at

    open_case = np.zeros(n_items, bool)
    recurrences = np.zeros(n_items, int)
    closed_since = np.zeros(n_items, bool)
    open_cases: dict[int, CaseInfo] = {}
    case_rows = (
        Case.objects.filter(point_id__in=point_ids, criterion_id__in=crit_ids, reported_at__lt=as_of)
        .exclude(state__in=["merged", "rejected"])
        .order_by("reported_at", "pk")
        .values_list("pk", "code", "point_id", "criterion_id", "state", "closed_at", "verified_at",
                     "is_recurrence", "rebounds", "unit_id")
    )  # fmt: skip
    for pk, code, pid, cid, state, closed_at, verified_at, recurrent, rebounds, unit_id in case_rows:
        i = index.get((pid, cid))
        if i is None:
            continue
        recurrences[i] += int(bool(recurrent)) + int(rebounds or 0)
        is_open = (closed_at is None and state != "closed") or (closed_at is not None and closed_at >= as_of)
        if is_open:
            open_case[i] = True
            open_cases[i] = CaseInfo(pk, code, unit_id, state)
        elif verified_at is not None and verified_at < as_of:
            if i not in last_failure or verified_at > last_failure[i]:
                closed_since[i] = True
    for i in open_cases:
        closed_since[i] = False

    history = model.History(
        obs_item=np.asarray(obs_item, dtype=np.int64),
        obs_age_days=np.asarray(obs_age, dtype=float),
        obs_failed=np.asarray(obs_failed, dtype=bool),
        obs_problems=np.asarray(obs_problems, dtype=np.int64),
        item_pool=np.asarray(pools, dtype=np.int64),
        item_open_case=open_case,
        item_recurrences=recurrences,
        item_closed_since=closed_since,
    )
    present = {t for t, _p, _c, _f in blocks}
    chosen, source = (plan, "round") if plan else sampling_plan(params, type_codes, present)
    return Inputs(
        as_of=as_of,
        standard_id=standard.pk if standard else None,
        items=items,
        history=history,
        specs=specs,
        points=live.load_points(point_ids),
        type_codes=type_codes,
        blocks=blocks,
        plan=chosen,
        plan_source=source,
        open_cases=open_cases,
        observations=len(obs_item),
    )


def district(inputs: Inputs, p_fail: np.ndarray, excess: np.ndarray) -> simulate.District:
    """The simulation's view: one block per point type, with the plan's count and the engine's tables."""
    row_of = {}
    point_order = []
    for _t, pids, _c, _f in inputs.blocks:
        for pid in pids:
            row_of[pid] = len(point_order)
            point_order.append(pid)
    tables_cache: dict[int, np.ndarray] = {}
    blocks = []
    for type_id, pids, cids, first in inputs.blocks:
        n, c = len(pids), len(cids)
        specs = [inputs.specs[cid] for cid in cids]
        for cid in cids:
            if cid not in tables_cache:
                tables_cache[cid] = simulate.engine_table(inputs.specs[cid])
        blocks.append(
            simulate.TypeBlock(
                key=type_id,
                points=np.asarray([row_of[p] for p in pids]),
                specs=specs,
                p_fail=p_fail[first : first + n * c].reshape(n, c),
                excess=excess[first : first + n * c].reshape(n, c),
                table=simulate.pad_tables([tables_cache[cid] for cid in cids]),
                counted=np.array([simulate.counts_problems(s) for s in specs]),
                n_draw=int(inputs.plan.get(inputs.type_codes.get(type_id, ""), 0)),
            )
        )
    groups, keys = {}, {}
    for dim in DIMENSIONS:
        values = []
        for pid in point_order:
            info = inputs.points.get(pid)
            values.append(
                None if info is None else {"street": info.street_id, "type": info.point_type_id,
                                           "unit": info.unit_id}[dim]
            )  # fmt: skip
        distinct = sorted({v for v in values if v is not None})
        position = {v: i for i, v in enumerate(distinct)}
        groups[dim] = np.asarray(
            [position.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64
        )
        keys[dim] = distinct
    return simulate.District(blocks=blocks, points=len(point_order), groups=groups, group_keys=keys)


def signature(as_of: datetime.datetime, params=None) -> str:
    """A fingerprint of the data a forecast reads: observations, case events, points, criteria, parameters
    and the day (probabilities depend on how old each record is)."""
    from wenming.cases.models import Case, CaseEvent
    from wenming.geo.models import Point
    from wenming.inspections.models import Observation
    from wenming.standards.models import Criterion

    parts = [
        as_of.date().isoformat(),
        Observation.objects.aggregate(n=Count("pk"), m=Max("pk")),
        CaseEvent.objects.aggregate(n=Count("pk"), m=Max("pk")),
        Case.objects.aggregate(n=Count("pk"), m=Max("pk")),
        Point.objects.aggregate(n=Count("pk"), m=Max("updated_at")),
        Criterion.objects.aggregate(n=Count("pk"), m=Max("pk")),
        getattr(params, "updated_at", None),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()
