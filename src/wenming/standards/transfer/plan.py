"""A standard set as plain values: what a valid file describes, and what export writes.

Import: file → `Plan` (validated) → database. Export: database → `Plan` → file. The same `Plan` in both
directions is what makes export → import → export identical.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from wenming.standards.rules import RuleError, validate_rule


@dataclass
class SetInfo:
    code: str
    name: str
    version: str
    scope: str
    effective_from: datetime.date | None = None
    description: str = ""


@dataclass
class PointTypeRow:
    code: str
    name: str
    description: str = ""


@dataclass
class CategoryRow:
    code: str
    name: str
    parent: str = ""
    kind: str = ""
    special_group: str = ""
    deadline_value: int | None = None
    deadline_unit: str = ""
    closing_condition: str = ""
    public_name: str = ""
    is_public: bool = True
    description: str = ""
    examples: list[str] = field(default_factory=list)


@dataclass
class BlockRow:
    code: str
    name: str
    point_types: list[str] = field(default_factory=list)


@dataclass
class IndicatorRow:
    code: str
    level: int
    name: str
    weight: Decimal
    parent: str = ""
    methods: list[str] = field(default_factory=list)


@dataclass
class CriterionRow:
    code: str
    content: str
    text: str
    weight: Decimal
    method: str
    rule: str
    rule_params: dict = field(default_factory=dict)
    point_types: list[str] = field(default_factory=list)
    block: str = ""
    sampling_note: str = ""
    category: str = ""


@dataclass
class Plan:
    standard_set: SetInfo
    point_types: list[PointTypeRow]
    categories: list[CategoryRow]
    blocks: list[BlockRow]
    indicators: list[IndicatorRow]  # level 1, then 2, then 3, each in file order
    criteria: list[CriterionRow]

    def level(self, n: int) -> list[IndicatorRow]:
        return [i for i in self.indicators if i.level == n]


def canonical_params(rule: str, params, weight) -> dict:
    """Stored rule params in the rule's fixed key order. PostgreSQL's jsonb does not keep the order the
    params were saved in (it sorts keys), so export re-normalises them and both databases write the same
    file; params that no longer validate (never saved by our services) are written with sorted keys."""
    try:
        return validate_rule(rule, params, weight)
    except RuleError:
        return _sorted_keys(dict(params or {}))


def _sorted_keys(value):
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def plan_from_db(standard_set) -> Plan:
    """Read a set (and the shared point-type and category catalogues) into a `Plan`, in stored order."""
    from wenming.standards.models import Criterion, PointType, ProblemCategory

    info = SetInfo(
        code=standard_set.code,
        name=standard_set.name,
        version=standard_set.version,
        scope=standard_set.scope,
        effective_from=standard_set.effective_from,
        description=standard_set.description,
    )
    point_types = [
        PointTypeRow(p.code, p.name, p.description) for p in PointType.objects.order_by("order", "code")
    ]
    categories = [
        CategoryRow(
            code=c.code,
            name=c.name,
            parent=c.parent.code if c.parent_id else "",
            kind=c.kind,
            special_group=c.special_group.code if c.special_group_id else c.special_group_code,
            deadline_value=c.deadline_value,
            deadline_unit=c.deadline_unit,
            closing_condition=c.closing_condition,
            public_name=c.public_name,
            is_public=c.is_public,
            description=c.description,
            examples=c.example_list(),
        )
        for c in ProblemCategory.objects.select_related("parent", "special_group").order_by("order", "code")
    ]
    blocks = [
        BlockRow(
            b.code, b.name, [p.code for p in sorted(b.point_types.all(), key=lambda p: (p.order, p.code))]
        )
        for b in standard_set.blocks.prefetch_related("point_types").order_by("code")
    ]
    indicators = [
        IndicatorRow(
            code=i.code,
            level=i.level,
            name=i.name,
            weight=i.weight,
            parent=i.parent.code if i.parent_id else "",
            methods=list(i.methods or []),
        )
        for i in standard_set.indicators.select_related("parent").order_by("level", "order", "code")
    ]
    criteria = [
        CriterionRow(
            code=c.code,
            content=c.indicator.code,
            text=c.text,
            weight=c.weight,
            method=c.method,
            rule=c.rule,
            rule_params=canonical_params(c.rule, c.rule_params, c.weight),
            point_types=[p.code for p in sorted(c.point_types.all(), key=lambda p: (p.order, p.code))],
            block=c.block.code if c.block_id else "",
            sampling_note=c.sampling_note,
            category=c.category.code if c.category_id else "",
        )
        for c in Criterion.objects.filter(standard_set=standard_set)
        .select_related("indicator", "block", "category")
        .prefetch_related("point_types")
        .order_by("order", "code")
    ]
    return Plan(info, point_types, categories, blocks, indicators, criteria)
