"""The scoring engine (测评计分): pure functions, plain values in, plain values out.

No Django, no database: the scoring app and the inspections app turn rows into `CriterionSpec` and
`ObservationValue`, call these functions, and store or show what comes back. Everything here can be
recomputed from the same inputs, which is what makes a published figure traceable.

Grading one criterion (`grade`) follows domain.md §2 and the parameter shapes of
`wenming.standards.rules.validate_rule`:

- ``compliance`` — 符合/不符合; several observations of one criterion in one inspection give a
  compliance rate: earned = weight × compliant / applicable.
- ``abc`` — A/B/C/C# by the number of problems found over all observations:
  ``{"thresholds": [0, 1, 2, 3], "rates": [1, 0.66, 0.33, 0], "letters": ["A", "B", "C", "C#"]}``: the
  grade is the last threshold not above the problem count; earned = weight × its rate.
- ``deduction`` — ``{"per_problem": 0.5, "cap": weight}``: earned = weight − min(per_problem × problems, cap),
  never below zero.
- ``quota`` — ``{"required": 2, "per_missing": 0.5}`` (optional ``cap``, default the weight): each
  observation's count is compared with the required count; earned = weight − per_missing × missing, never
  below zero.
- ``sampled`` — ``{"sample_size": 5, "grades": {"A": 5, "B": 4}, "fallback": "C",
  "rates": {"A": 1, "B": 0.66, "C": 0.33}}``: sub-units checked (``sub_results``); A when at least 5 of 5
  comply, B when 4, otherwise the fallback C. A sample of another size is compared proportionally (8 of 10
  against 4 of 5); without ``sub_results`` the sample is the full ``sample_size`` less the problems found.

Parameters arrive normalised by `validate_rule`; missing keys fall back to the same defaults it uses, and
rates that would make a worse grade earn more than a better one are capped (monotone by construction).

An observation's signals are read conservatively, as an evaluator would: when the verdict and the numbers
disagree, the worse one counts. A ``noncompliant`` verdict is at least one problem (one missing item, one
failed sub-unit); a ``compliant`` verdict with problems recorded still counts those problems. ``na`` (不涉及)
takes the observation out of the denominator entirely: it is never a zero.

A point passes (过关) when every applicable criterion observed there is fully compliant (逐一过关).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

COMPLIANT = "compliant"
NONCOMPLIANT = "noncompliant"
NA = "na"
RESULTS = frozenset({COMPLIANT, NONCOMPLIANT, NA})
Result = Literal["compliant", "noncompliant", "na"]

RULES = ("compliance", "abc", "deduction", "quota", "sampled")
DEFAULT_ABC_THRESHOLDS: tuple[int, ...] = (0, 1, 2, 3)
DEFAULT_ABC_RATES: tuple[float, ...] = (1.0, 0.66, 0.33, 0.0)
GRADE_LABELS: tuple[str, ...] = ("A", "B", "C", "C#", "D", "E")  # as standards.rules names grades
DEFAULT_SAMPLED_GRADES: dict[str, int] = {"A": 5, "B": 4}
DEFAULT_SAMPLED_RATES: dict[str, float] = {"A": 1.0, "B": 0.66, "C": 0.33}
SAMPLED_FALLBACK = "C"


class ScoringError(ValueError):
    """Inputs the engine cannot grade (unknown rule, unknown result, observation of an unknown criterion)."""


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion (测评标准) as the engine sees it: weight, rule and the rule's parameters."""

    id: Hashable
    weight: float
    rule: str = "compliance"
    params: Mapping[str, Any] = field(default_factory=dict)
    category: str | None = None
    code: str = ""
    group: Hashable | None = None


@dataclass(frozen=True, slots=True)
class ObservationValue:
    """One observation of a criterion at a point: the verdict and the numbers the rule needs."""

    criterion_id: Hashable
    result: str
    problems: int = 0
    count: int | None = None
    sub_results: Sequence[bool] | None = None
    id: Hashable | None = None


class Grade(NamedTuple):
    """The grade of one criterion at one inspection. `possible` is 0 when the criterion does not apply.

    A named tuple (immutable, and cheap: a round of 10,000 inspections makes 300,000 of them)."""

    earned: float
    possible: float
    grade_letter: str | None
    problems: int
    applicable: bool
    compliant: bool = False
    observations: int = 0
    compliant_observations: int = 0  # applicable observations recorded 符合 (for 符合率)

    @property
    def lost(self) -> float:
        return self.possible - self.earned


NOT_APPLICABLE = Grade(earned=0.0, possible=0.0, grade_letter=None, problems=0, applicable=False)


@dataclass(frozen=True)
class PointScore:
    """The score of one point at one inspection: earned/possible, 0–100, and whether it passes (过关)."""

    earned: float
    possible: float
    score_0_100: float | None
    passed: bool
    failing_criteria: tuple[Hashable, ...]
    grades: Mapping[Hashable, Grade] = field(default_factory=dict)
    unobserved: tuple[Hashable, ...] = ()

    @property
    def assessed(self) -> bool:
        """False when nothing observed applied: such a point has no score and stays out of roll-ups."""
        return self.score_0_100 is not None

    @property
    def lost(self) -> float:
        return self.possible - self.earned


# --- one criterion ----------------------------------------------------------------------------------


_Graded = tuple[float, str | None, int]  # earned, grade letter, problems


def _problems(obs: ObservationValue) -> int:
    """Problems an observation stands for: a non-compliant verdict is at least one."""
    found = obs.problems if obs.problems and obs.problems > 0 else 0
    return 1 if found < 1 and obs.result == NONCOMPLIANT else int(found)


def _num(value: Any, default: float) -> float:
    return default if value is None else float(value)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def grade(criterion: CriterionSpec, observations: Iterable[ObservationValue]) -> Grade:
    """Grade one criterion from its observations at one inspection (others' observations are ignored)."""
    return _grade(criterion, [o for o in observations if o.criterion_id == criterion.id])


def _grade(criterion: CriterionSpec, mine: list[ObservationValue]) -> Grade:
    applicable = []
    for obs in mine:
        if obs.result == NA:
            continue
        if obs.result not in RESULTS:
            raise ScoringError(f"unknown result {obs.result!r} for criterion {criterion.id!r}")
        applicable.append(obs)
    if not applicable:
        return NOT_APPLICABLE
    weight = max(float(criterion.weight), 0.0)
    earned, letter, problems = _compiled(criterion)(applicable)
    earned = _clamp(earned, 0.0, weight)
    return Grade(
        earned=earned,
        possible=weight,
        grade_letter=letter,
        problems=problems,
        applicable=True,
        compliant=problems == 0 and earned >= weight,
        observations=len(applicable),
        compliant_observations=sum(1 for o in applicable if o.result == COMPLIANT),
    )


_Grader = Callable[[list[ObservationValue]], _Graded]


def _compiled(criterion: CriterionSpec) -> _Grader:
    """The criterion's grader with its parameters read once (cached on the spec; params are not edited)."""
    grader: _Grader | None = criterion.__dict__.get("_grader")
    if grader is None:
        factory = _FACTORIES.get(criterion.rule)
        if factory is None:
            raise ScoringError(f"unknown grading rule {criterion.rule!r} for criterion {criterion.id!r}")
        grader = factory(max(float(criterion.weight), 0.0), criterion.params or {})
        object.__setattr__(criterion, "_grader", grader)
    return grader


def _compliance(weight: float, params: Mapping[str, Any]) -> _Grader:
    def graded(obs: list[ObservationValue]) -> _Graded:
        bad = problems = 0
        for o in obs:
            p = _problems(o)
            if p:
                bad += 1
                problems += p
        return weight * ((len(obs) - bad) / len(obs)), None, problems

    return graded


def _abc_letters(n: int, params: Mapping[str, Any]) -> list[str]:
    letters = list(params.get("letters") or [])
    if len(letters) == n:
        return [str(x) for x in letters]
    return [GRADE_LABELS[i] if i < len(GRADE_LABELS) else f"G{i + 1}" for i in range(n)]


def _abc(weight: float, params: Mapping[str, Any]) -> _Grader:
    thresholds = [int(t) for t in params.get("thresholds") or DEFAULT_ABC_THRESHOLDS]
    rates = [float(r) for r in params.get("rates") or DEFAULT_ABC_RATES]
    if len(thresholds) != len(rates) or not thresholds:
        raise ScoringError("abc: thresholds and rates must have the same, non-zero length")
    letters = _abc_letters(len(thresholds), params)
    bands: list[tuple[int, float, str]] = []  # ascending thresholds, each with its (capped) rate and letter
    best = 1.0
    for i in sorted(range(len(thresholds)), key=lambda i: thresholds[i]):
        best = min(best, _clamp(rates[i], 0.0, 1.0))  # a higher band never earns more than a lower one
        bands.append((thresholds[i], best, letters[i]))

    def graded(obs: list[ObservationValue]) -> _Graded:
        problems = sum(_problems(o) for o in obs)
        _, rate, letter = bands[0]
        for threshold, band_rate, band_letter in bands:
            if threshold > problems:
                break
            rate, letter = band_rate, band_letter
        return weight * rate, letter, problems

    return graded


def _deduction(weight: float, params: Mapping[str, Any]) -> _Grader:
    per_problem = max(_num(params.get("per_problem"), 0.0), 0.0)
    cap = _clamp(_num(params.get("cap"), weight), 0.0, weight)

    def graded(obs: list[ObservationValue]) -> _Graded:
        problems = sum(_problems(o) for o in obs)
        return max(weight - min(per_problem * problems, cap), 0.0), None, problems

    return graded


def _quota(weight: float, params: Mapping[str, Any]) -> _Grader:
    required = max(int(_num(params.get("required"), 1)), 0)
    per_missing = max(_num(params.get("per_missing"), 0.0), 0.0)
    cap = _clamp(_num(params.get("cap"), weight), 0.0, weight)

    def graded(obs: list[ObservationValue]) -> _Graded:
        missing = 0
        for o in obs:
            short = max(required - int(o.count), 0) if o.count is not None else 0
            missing += max(short, _problems(o))
        return max(weight - min(per_missing * missing, cap), 0.0), None, missing

    return graded


def _sampled(weight: float, params: Mapping[str, Any]) -> _Grader:
    size = max(int(_num(params.get("sample_size"), 5)), 1)
    grades = {str(k): int(v) for k, v in (params.get("grades") or DEFAULT_SAMPLED_GRADES).items()}
    rates = dict(DEFAULT_SAMPLED_RATES)
    rates.update({str(k): float(v) for k, v in (params.get("rates") or {}).items()})
    fallback = str(params.get("fallback") or SAMPLED_FALLBACK)
    bands: list[tuple[str, int, float]] = []  # highest grade first, each with its (capped) rate
    best = 1.0
    for letter, needed in sorted(grades.items(), key=lambda kv: -kv[1]):
        best = min(best, _clamp(rates.get(letter, 0.0), 0.0, 1.0))  # a lower band never earns more
        bands.append((letter, needed, best))
    fallback_rate = min(best, _clamp(rates.get(fallback, 0.0), 0.0, 1.0))

    def graded(obs: list[ObservationValue]) -> _Graded:
        checked = complying = 0
        for o in obs:
            subs = list(o.sub_results) if o.sub_results else []
            n = len(subs) if subs else size
            failed = min(max(n - sum(1 for s in subs if s) if subs else 0, _problems(o)), n)
            checked += n
            complying += n - failed
        for letter, needed, rate in bands:
            # Compare proportionally: complying/checked ≥ needed/size, in integers.
            if complying * size >= needed * checked:
                return weight * rate, letter, checked - complying
        return weight * fallback_rate, fallback, checked - complying

    return graded


_FACTORIES: dict[str, Callable[[float, Mapping[str, Any]], _Grader]] = {
    "compliance": _compliance,
    "abc": _abc,
    "deduction": _deduction,
    "quota": _quota,
    "sampled": _sampled,
}


# --- one point ----------------------------------------------------------------------------------------


def score_point(
    criteria: Iterable[CriterionSpec] | Mapping[Hashable, CriterionSpec],
    observations: Iterable[ObservationValue],
) -> PointScore:
    """Score one inspection of a point: sum of grades; passes when every applicable criterion complies.

    Criteria with no observation are listed in `unobserved` and left out of the denominator; an
    observation of a criterion not given raises `ScoringError` (a data error must not vanish silently).
    """
    specs = list(criteria.values()) if isinstance(criteria, Mapping) else list(criteria)
    by_id = {c.id: c for c in specs}
    grouped: dict[Hashable, list[ObservationValue]] = {}
    for obs in observations:
        if obs.criterion_id not in by_id:
            raise ScoringError(f"observation of unknown criterion {obs.criterion_id!r}")
        grouped.setdefault(obs.criterion_id, []).append(obs)
    grades: dict[Hashable, Grade] = {}
    unobserved: list[Hashable] = []
    earned = possible = 0.0
    failing: list[Hashable] = []
    any_applicable = False
    for spec in specs:
        if spec.id not in grouped:
            unobserved.append(spec.id)
            continue
        g = _grade(spec, grouped[spec.id])
        grades[spec.id] = g
        if not g.applicable:
            continue
        any_applicable = True
        earned += g.earned
        possible += g.possible
        if not g.compliant:
            failing.append(spec.id)
    score = _score(earned, possible, any_applicable)
    return PointScore(
        earned=earned,
        possible=possible,
        score_0_100=score,
        passed=any_applicable and not failing,
        failing_criteria=tuple(failing),
        grades=grades,
        unobserved=tuple(unobserved),
    )


def sub_score(score: PointScore, criterion_ids: Iterable[Hashable]) -> PointScore:
    """The part of a point score made of some of its criteria (e.g. those one special group owns).

    Reuses the grades already computed, so the parts of a point always add up to the whole.
    """
    wanted = set(criterion_ids)
    grades = {cid: g for cid, g in score.grades.items() if cid in wanted}
    applicable = [(cid, g) for cid, g in grades.items() if g.applicable]
    earned = math.fsum(g.earned for _, g in applicable)
    possible = math.fsum(g.possible for _, g in applicable)
    failing = tuple(cid for cid, g in applicable if not g.compliant)
    return PointScore(
        earned=earned,
        possible=possible,
        score_0_100=_score(earned, possible, bool(applicable)),
        passed=bool(applicable) and not failing,
        failing_criteria=failing,
        grades=grades,
        unobserved=tuple(cid for cid in score.unobserved if cid in wanted),
    )


def _score(earned: float, possible: float, any_applicable: bool) -> float | None:
    if not any_applicable:
        return None
    if possible <= 0:
        return 100.0  # only zero-weight criteria applied: nothing could be lost
    return _clamp(earned / possible * 100.0, 0.0, 100.0)


# --- roll-ups, rankings, comparisons, Pareto -------------------------------------------------------------


@dataclass(frozen=True)
class ScoredPoint:
    """A point score with the keys it rolls up by (type, street, community, unit, group, round …)."""

    point_id: Hashable
    score: PointScore
    keys: Mapping[str, Hashable | None] = field(default_factory=dict)
    ref: Hashable | None = None  # the record behind the score, e.g. the inspection id


@dataclass(frozen=True)
class RollUp:
    """One group's figures: mean of point scores, pass rate (过关率), counts and the members behind them."""

    key: Hashable
    points: int
    passed: int
    unassessed: int
    mean_score: float | None
    pass_rate: float | None
    earned: float
    possible: float
    members: tuple[Hashable, ...]
    observations: int = 0  # applicable observations (不涉及 excluded)
    compliant_observations: int = 0

    @property
    def score_rate(self) -> float | None:
        """Σ earned / Σ possible × 100 (得分率), beside the mean of point scores."""
        return None if self.possible <= 0 else self.earned / self.possible * 100.0

    @property
    def compliance_rate(self) -> float | None:
        """符合率 = compliant observations ÷ applicable observations × 100."""
        return None if self.observations <= 0 else self.compliant_observations / self.observations * 100.0

    @property
    def failed(self) -> int:
        return self.points - self.passed


def roll_up(
    items: Iterable[ScoredPoint],
    key: str | Callable[[ScoredPoint], Hashable | None],
) -> dict[Hashable, RollUp]:
    """Group point scores by `key` (a name in `ScoredPoint.keys` or a function); None keys are skipped.

    Points that were not assessed (nothing applicable) are counted apart and do not affect the mean.
    Keys appear in the order first met.
    """
    getter: Callable[[ScoredPoint], Hashable | None]
    if isinstance(key, str):
        name = key

        def getter(item: ScoredPoint) -> Hashable | None:
            return item.keys.get(name)

    else:
        getter = key
    buckets: dict[Hashable, list[ScoredPoint]] = {}
    for item in items:
        k = getter(item)
        if k is not None:
            buckets.setdefault(k, []).append(item)
    return {k: _roll(k, members) for k, members in buckets.items()}


def _roll(key: Hashable, members: list[ScoredPoint]) -> RollUp:
    assessed = [m for m in members if m.score.assessed]
    scores = [m.score.score_0_100 for m in assessed if m.score.score_0_100 is not None]
    passed = sum(1 for m in assessed if m.score.passed)
    return RollUp(
        key=key,
        points=len(assessed),
        passed=passed,
        unassessed=len(members) - len(assessed),
        mean_score=math.fsum(scores) / len(scores) if scores else None,
        pass_rate=passed / len(assessed) if assessed else None,
        earned=math.fsum(m.score.earned for m in assessed),
        possible=math.fsum(m.score.possible for m in assessed),
        members=tuple(m.ref if m.ref is not None else m.point_id for m in members),
        observations=sum(g.observations for m in assessed for g in m.score.grades.values() if g.applicable),
        compliant_observations=sum(
            g.compliant_observations for m in assessed for g in m.score.grades.values() if g.applicable
        ),
    )


@dataclass(frozen=True)
class Ranked[T]:
    """An item with its competition rank (1, 2, 2, 4); rank is None when the item has no value."""

    rank: int | None
    value: float | None
    item: T
    tied: bool = False


def rank[T](
    items: Iterable[T],
    key: Callable[[T], float | None],
    descending: bool = True,
    ndigits: int = 6,
) -> list[Ranked[T]]:
    """Competition ranking: equal values (to `ndigits` decimals) share a rank, the next rank skips.

    Items without a value go last, unranked. Ties keep their input order.
    """
    valued: list[tuple[float, T]] = []
    missing: list[T] = []
    for item in items:
        v = key(item)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            missing.append(item)
        else:
            valued.append((round(float(v), ndigits), item))
    valued.sort(key=lambda pair: -pair[0] if descending else pair[0])
    counts: dict[float, int] = {}
    for v, _ in valued:
        counts[v] = counts.get(v, 0) + 1
    out: list[Ranked[T]] = []
    current_rank, previous = 0, None
    for position, (v, item) in enumerate(valued, start=1):
        if v != previous:
            current_rank, previous = position, v
        out.append(Ranked(rank=current_rank, value=v, item=item, tied=counts[v] > 1))
    out.extend(Ranked(rank=None, value=None, item=item) for item in missing)
    return out


IMPROVED = "improved"
WORSE = "worse"
UNCHANGED = "unchanged"
NEW = "new"
DROPPED = "dropped"


@dataclass(frozen=True)
class Change:
    """How one key moved between two rounds."""

    key: Hashable
    before: float | None
    after: float | None
    delta: float | None
    status: str


def compare[K: Hashable](
    before: Mapping[K, float | None],
    after: Mapping[K, float | None],
    *,
    higher_is_better: bool = True,
    tolerance: float = 1e-6,
) -> list[Change]:
    """Per key: improved / worse / unchanged (within `tolerance`), or new / dropped when one side is missing.

    Keys in `after` order first, then keys only in `before`.
    """
    keys: list[K] = list(after) + [k for k in before if k not in after]
    changes = []
    for k in keys:
        b, a = before.get(k), after.get(k)
        if b is None and a is None:
            changes.append(Change(k, None, None, None, UNCHANGED))
        elif b is None:
            changes.append(Change(k, None, a, None, NEW))
        elif a is None:
            changes.append(Change(k, b, None, None, DROPPED))
        else:
            delta = float(a) - float(b)
            if abs(delta) <= tolerance:
                status = UNCHANGED
            elif (delta > 0) == higher_is_better:
                status = IMPROVED
            else:
                status = WORSE
            changes.append(Change(k, float(b), float(a), delta, status))
    return changes


@dataclass(frozen=True)
class ParetoRow:
    """A row of the Pareto table (易扣分点): value, its share, the cumulative share, and whether it is in
    the 'vital few' that make up the first `vital_share` of the total."""

    key: Hashable
    value: float
    share: float
    cumulative_share: float
    count: int | None
    vital: bool


def pareto[K: Hashable](
    lost_points_by_key: Mapping[K, float],
    counts: Mapping[K, int] | None = None,
    vital_share: float = 0.8,
) -> list[ParetoRow]:
    """Sort keys by points lost (then by count), with share and cumulative share; zero rows are dropped."""
    rows = [(k, float(v)) for k, v in lost_points_by_key.items() if v and float(v) > 0]
    rows.sort(key=lambda kv: (-kv[1], -(counts or {}).get(kv[0], 0)))
    total = math.fsum(v for _, v in rows)
    out: list[ParetoRow] = []
    running = 0.0
    for i, (k, v) in enumerate(rows):
        before = running
        running += v
        cumulative = 1.0 if i == len(rows) - 1 else min(running / total, 1.0)
        out.append(
            ParetoRow(
                key=k,
                value=v,
                share=v / total,
                cumulative_share=cumulative,
                count=None if counts is None else counts.get(k, 0),
                vital=before / total < vital_share,
            )
        )
    return out
