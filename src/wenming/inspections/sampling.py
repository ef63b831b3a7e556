"""Drawing a round's points like the evaluators do: per point type, at random, reproducibly.

A **plan** (stored as JSON on the round) is one of:

    {"mode": "random",     "per_type": {"BJXX": 5, "NMSC": 2}}
    {"mode": "stratified", "per_type": {"BJXX": 5}}          # allocated to streets in proportion
    {"mode": "explicit",   "point_codes": ["P0001", "P0042"]}

Keys of `per_type` are point-type codes. The draw is a pure function of (candidates, plan, seed):

- candidates are the *active* inventory only (retired or suspended points are never drawn);
- each type gets its own random generator seeded with ``"{seed}:{type code}"``, so changing the count of
  one type never changes what is drawn for another, and the same seed always gives the same points;
- candidates are ordered by point code before drawing, so database ids and row order do not matter;
- **stratified**: the type's count is split over streets in proportion to each street's number of
  candidates, with largest-remainder rounding (ties: larger street, then street key), then drawn at
  random inside each street;
- when a type has fewer candidates than requested, all are taken and a warning says so.

`load_candidates(...)` reads the inventory from the database; everything else here is pure.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MODES = ("random", "stratified", "explicit")
NO_STRATUM = ""


class PlanError(ValueError):
    """An invalid sampling plan; the message is shown to the office as is."""


@dataclass(frozen=True)
class Candidate:
    """A point that may be drawn: id, code, type code and stratum (street key, "" when unknown)."""

    id: int
    code: str
    point_type: str
    stratum: str = NO_STRATUM


@dataclass(frozen=True)
class Plan:
    mode: str = "random"
    per_type: Mapping[str, int] = field(default_factory=dict)
    point_codes: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping | None) -> Plan:
        """Validate and normalise a stored or submitted plan (raises PlanError)."""
        data = dict(data or {})
        mode = data.get("mode") or "random"
        if mode not in MODES:
            raise PlanError(_("未知抽样方式：%(m)s") % {"m": mode})
        per_type: dict[str, int] = {}
        for code, count in (data.get("per_type") or {}).items():
            try:
                number = int(count)
            except (TypeError, ValueError):
                raise PlanError(_("点位类型 %(t)s 的抽取数量必须是整数。") % {"t": code})
            if number < 0:
                raise PlanError(_("点位类型 %(t)s 的抽取数量不能为负数。") % {"t": code})
            if number:
                per_type[str(code)] = number
        codes = tuple(dict.fromkeys(str(c).strip() for c in data.get("point_codes") or () if str(c).strip()))
        if mode == "explicit" and not codes:
            raise PlanError(_("指定点位清单不能为空。"))
        if mode != "explicit" and not per_type:
            raise PlanError(_("请至少为一种点位类型设置抽取数量。"))
        return cls(mode=mode, per_type=per_type, point_codes=codes)

    def to_json(self) -> dict:
        if self.mode == "explicit":
            return {"mode": self.mode, "point_codes": list(self.point_codes)}
        return {"mode": self.mode, "per_type": dict(sorted(self.per_type.items()))}


@dataclass
class TypeDraw:
    """What was drawn for one point type."""

    point_type: str
    requested: int
    available: int
    drawn: list[Candidate]
    allocation: dict[str, int] = field(default_factory=dict)  # stratum → count (stratified only)


@dataclass
class Draw:
    """The result of a draw: the chosen points grouped by type, and warnings for the planner."""

    seed: int
    plan: Plan
    by_type: dict[str, TypeDraw]
    warnings: list[str]

    @property
    def candidates(self) -> list[Candidate]:
        return [c for t in self.by_type.values() for c in t.drawn]

    @property
    def point_ids(self) -> list[int]:
        return [c.id for c in self.candidates]


def largest_remainder(total: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Split `total` over keys in proportion to `sizes` (Hamilton / largest remainder), never above a size."""
    population = sum(sizes.values())
    if total <= 0 or population <= 0:
        return {key: 0 for key in sizes}
    if total >= population:
        return dict(sizes)
    floors = {key: total * size // population for key, size in sizes.items()}
    remainders = {key: total * size % population for key, size in sizes.items()}
    left = total - sum(floors.values())
    for key in sorted(sizes, key=lambda k: (-remainders[k], -sizes[k], k))[:left]:
        floors[key] += 1
    return floors


def _rng(seed: int, point_type: str) -> random.Random:
    return random.Random(f"{seed}:{point_type}")


def _draw_type(pool: list[Candidate], count: int, stratified: bool, rng: random.Random) -> TypeDraw:
    point_type = pool[0].point_type if pool else ""
    if not stratified:
        drawn = rng.sample(pool, min(count, len(pool)))
        return TypeDraw(point_type, count, len(pool), sorted(drawn, key=lambda c: c.code))
    strata: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in pool:
        strata[candidate.stratum].append(candidate)
    allocation = largest_remainder(count, {key: len(members) for key, members in strata.items()})
    drawn = []
    for key in sorted(strata):
        drawn.extend(rng.sample(strata[key], allocation[key]))
    return TypeDraw(point_type, count, len(pool), sorted(drawn, key=lambda c: c.code), allocation)


def draw(
    candidates: Iterable[Candidate], plan: Plan, seed: int, type_names: Mapping[str, str] | None = None
) -> Draw:
    """Draw the plan's points from `candidates` (the active inventory) with `seed`."""
    names = type_names or {}
    pools: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.code):
        pools[candidate.point_type].append(candidate)
    warnings: list[str] = []
    by_type: dict[str, TypeDraw] = {}
    if plan.mode == "explicit":
        by_code = {c.code: c for pool in pools.values() for c in pool}
        missing = [code for code in plan.point_codes if code not in by_code]
        if missing:
            warnings.append(
                _("以下点位不在库（不存在、已暂停或已撤销），未抽取：%(codes)s")
                % {"codes": "、".join(missing)}
            )
        for code in plan.point_codes:
            if code in by_code:
                c = by_code[code]
                entry = by_type.setdefault(
                    c.point_type, TypeDraw(c.point_type, 0, len(pools[c.point_type]), [])
                )
                entry.requested += 1
                entry.drawn.append(c)
        warnings += _left_out(pools, {t for t, d in by_type.items() if d.drawn}, names)
        return Draw(seed, plan, dict(sorted(by_type.items())), warnings)
    for type_code in sorted(plan.per_type):
        count = plan.per_type[type_code]
        pool = pools.get(type_code, [])
        result = _draw_type(pool, count, plan.mode == "stratified", _rng(seed, type_code))
        result.point_type = type_code
        by_type[type_code] = result
        if len(pool) < count:
            warnings.append(
                _("点位类型「%(t)s」在库点位只有 %(n)d 个，少于计划的 %(k)d 个，已全部抽取。")
                % {"t": names.get(type_code, type_code), "n": len(pool), "k": count}
            )
    warnings += _left_out(pools, {t for t, n in plan.per_type.items() if n > 0}, names)
    return Draw(seed, plan, by_type, warnings)


def _left_out(pools: Mapping[str, list[Candidate]], planned: set[str], names: Mapping[str, str]) -> list[str]:
    """The point types of the inventory the plan leaves out, said before the round is published: the
    evaluators draw every type, so a round without one does not imitate them."""
    left = sorted(t for t, pool in pools.items() if pool and t not in planned)
    if not left:
        return []
    listed = "、".join(f"{names.get(t, t)}（在库 {len(pools[t])} 个）" for t in left)
    return [_("抽样方案未包含以下点位类型，本轮不会测评这些类型：%(types)s") % {"types": listed}]


def new_seed(rng: random.Random | None = None) -> int:
    """A fresh seed for a round (recorded with it, so the draw can be repeated)."""
    return (rng or random.SystemRandom()).randrange(1, 2**31)


# --- the database side ------------------------------------------------------------------------------


def load_candidates(area=None) -> list[Candidate]:
    """The active point inventory (optionally within an area subtree) as candidates with street strata."""
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area, Point

    street_ids = {str(pk) for pk in Area.objects.filter(level=AreaLevel.STREET).values_list("pk", flat=True)}
    points = Point.objects.active()
    if area is not None:
        points = points.in_area(area)
    rows = points.values_list("pk", "code", "point_type__code", "area__path")
    out = []
    for pk, code, type_code, path in rows:
        stratum = next((part for part in (path or "").split("/") if part in street_ids), NO_STRATUM)
        out.append(Candidate(pk, code, type_code, stratum))
    return out
