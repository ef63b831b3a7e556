"""The checklist of a point (测评清单) and the rules an observation must satisfy for its criterion's rule.

`checklist_for(standard_set, point_type)` is what the inspector's phone shows: the field-inspection criteria
that apply to the point's type — attached directly (grouped by indicator) or through a block such as the
common civility block (公共文明通用项, grouped by block) — with the rule's inputs and the in-point sampling
note. `clean_observation(criterion, raw)` checks one submitted observation against its criterion's rule
and returns the values to store, or raises `ObservationError` with a Chinese message.

What each rule needs from the inspector (parameters: `wenming.standards.rules`):

- compliance — the verdict only;
- abc, deduction — the number of problems found (0 when compliant, ≥ 1 when not);
- quota — the count found; compliant exactly when it reaches `required`; problems = the missing ones;
- sampled — one verdict per sampled sub-unit (`sample_size` of them); compliant only when all comply;
  problems = the failing sub-units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wenming.inspections.choices import ObservationResult
from wenming.standards.choices import GradingRule, Method
from wenming.standards.rules import RuleError, validate_rule

MAX_COUNT = 10_000
MAX_NOTE = 2_000


class ObservationError(ValueError):
    """An observation that does not fit its criterion; the message names the criterion."""


@dataclass
class ChecklistItem:
    criterion: object
    rule: str
    params: dict
    description: str

    @property
    def input(self) -> str:
        """Which number the form asks for: "none", "problems", "count" or "sub_results"."""
        return {
            GradingRule.ABC: "problems",
            GradingRule.DEDUCTION: "problems",
            GradingRule.QUOTA: "count",
            GradingRule.SAMPLED: "sub_results",
        }.get(self.rule, "none")

    @property
    def required(self) -> int | None:
        return self.params.get("required")

    @property
    def sample_size(self) -> int | None:
        return self.params.get("sample_size")

    @property
    def sample_range(self) -> range:
        return range(1, (self.sample_size or 0) + 1)

    @property
    def unit(self) -> str:
        return self.params.get("unit", "")


@dataclass
class ChecklistGroup:
    key: str
    title: str
    is_block: bool
    items: list[ChecklistItem] = field(default_factory=list)


def applicable_criteria(standard_set, point_type):
    """Field-inspection criteria of the set that apply to the point type (directly or via a block)."""
    from wenming.standards.models import Criterion

    return Criterion.objects.filter(standard_set=standard_set, method=Method.FIELD).for_point_type(point_type)


def rule_params(criterion) -> dict:
    try:
        return validate_rule(criterion.rule, criterion.rule_params, criterion.weight)
    except RuleError:
        return dict(criterion.rule_params or {})


def checklist_for(standard_set, point_type) -> list[ChecklistGroup]:
    """The point type's checklist: indicator groups in the standard's order, then the blocks."""
    criteria = (
        applicable_criteria(standard_set, point_type)
        .select_related("indicator__parent", "block", "category")
        .order_by("indicator__order", "indicator__code", "order", "code")
    )
    block_ids = set(point_type.blocks.filter(standard_set=standard_set).values_list("pk", flat=True))
    groups: dict[str, ChecklistGroup] = {}
    blocks: dict[str, ChecklistGroup] = {}
    for criterion in criteria:
        params = rule_params(criterion)
        item = ChecklistItem(criterion, criterion.rule, params, criterion.rule_description())
        if criterion.block_id and criterion.block_id in block_ids:
            key = f"b{criterion.block_id}"
            group = blocks.setdefault(key, ChecklistGroup(key, criterion.block.name, True))
        else:
            indicator = criterion.indicator
            key = f"i{indicator.pk}"
            title = f"{indicator.code} {indicator.name}"
            if indicator.parent_id:
                title = f"{indicator.parent.name} › {title}"
            group = groups.setdefault(key, ChecklistGroup(key, title, False))
        group.items.append(item)
    return [*groups.values(), *blocks.values()]


def _int(value, label: str, code: str) -> int:
    if value in (None, ""):
        raise ObservationError(_("「%(c)s」请填写%(l)s。") % {"c": code, "l": label})
    if isinstance(value, bool):
        raise ObservationError(_("「%(c)s」的%(l)s必须是整数。") % {"c": code, "l": label})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ObservationError(_("「%(c)s」的%(l)s必须是整数。") % {"c": code, "l": label})
    if not 0 <= number <= MAX_COUNT:
        raise ObservationError(
            _("「%(c)s」的%(l)s必须在 0 到 %(m)d 之间。") % {"c": code, "l": label, "m": MAX_COUNT}
        )
    return number


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "y"}
    return bool(value)


def clean_observation(criterion, raw: dict) -> dict:
    """Check one observation against its criterion's rule; return the fields to store."""
    code = criterion.code
    result = raw.get("result")
    if result not in ObservationResult.values:
        raise ObservationError(_("「%(c)s」请选择符合、不符合或不适用。") % {"c": code})
    note = str(raw.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        raise ObservationError(_("「%(c)s」的说明不能超过 %(n)d 字。") % {"c": code, "n": MAX_NOTE})
    out = {"result": result, "problems": 0, "count": None, "sub_results": None, "note": note}
    out["fixed_on_spot"] = result == ObservationResult.NONCOMPLIANT and _bool(raw.get("fixed_on_spot"))
    if result == ObservationResult.NA:
        return out
    noncompliant = result == ObservationResult.NONCOMPLIANT
    rule, params = criterion.rule, rule_params(criterion)
    if rule in (GradingRule.ABC, GradingRule.DEDUCTION):
        given = raw.get("problems")
        problems = 0 if given in (None, "") and not noncompliant else _int(given, _("问题数"), code)
        if noncompliant and problems < 1:
            raise ObservationError(_("「%(c)s」判定为不符合时，问题数至少为 1。") % {"c": code})
        if not noncompliant and problems:
            raise ObservationError(_("「%(c)s」判定为符合时，问题数必须为 0。") % {"c": code})
        out["problems"] = problems
    elif rule == GradingRule.QUOTA:
        required = int(params.get("required") or 0)
        count = _int(raw.get("count"), _("实有数量"), code)
        if (count >= required) == noncompliant:
            raise ObservationError(
                _("「%(c)s」实有 %(n)d，应有 %(r)d，应判定为%(v)s。")
                % {"c": code, "n": count, "r": required, "v": _("符合") if count >= required else _("不符合")}
            )
        out["count"] = count
        out["problems"] = max(0, required - count)
    elif rule == GradingRule.SAMPLED:
        size = int(params.get("sample_size") or 0)
        subs = raw.get("sub_results")
        if not isinstance(subs, list) or len(subs) != size or any(s not in (True, False, 0, 1) for s in subs):
            raise ObservationError(
                _("「%(c)s」须逐个填写抽查的 %(n)d 个子单元是否合格。") % {"c": code, "n": size}
            )
        subs = [bool(s) for s in subs]
        if all(subs) == noncompliant:
            raise ObservationError(
                _("「%(c)s」抽查 %(n)d 个中 %(k)d 个合格，应判定为%(v)s。")
                % {"c": code, "n": size, "k": sum(subs), "v": _("符合") if all(subs) else _("不符合")}
            )
        out["sub_results"] = subs
        out["problems"] = subs.count(False)
    else:
        out["problems"] = 1 if noncompliant else 0
    return out
