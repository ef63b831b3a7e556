"""Configuration the office edits: routing rules (派遣规则) and KPI formulas (考核公式)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.cases.models import KpiFormula, RoutingRule
from wenming.core.roles import is_office

RULE_FIELDS = (
    "name", "priority", "is_active", "category", "top_category", "point_type", "area", "special_group", "unit",
    "person", "note",
)  # fmt: skip


def _ensure_office(actor) -> None:
    if actor is not None and not is_office(actor):
        raise PermissionDenied(_("只有文明办可以修改此项配置。"))


def _full_save(obj, actor) -> None:
    obj.full_clean()
    if actor is not None:
        obj._history_user = actor
    obj.save()


@transaction.atomic
def create_routing_rule(*, actor, **values) -> RoutingRule:
    _ensure_office(actor)
    rule = RoutingRule(**{k: v for k, v in values.items() if k in RULE_FIELDS})
    _full_save(rule, actor)
    return rule


@transaction.atomic
def update_routing_rule(rule: RoutingRule, *, actor, **values) -> RoutingRule:
    _ensure_office(actor)
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    for key, value in values.items():
        if key in RULE_FIELDS:
            setattr(rule, key, value)
    _full_save(rule, actor)
    return rule


@transaction.atomic
def delete_routing_rule(rule: RoutingRule, *, actor) -> None:
    _ensure_office(actor)
    rule.delete()


@transaction.atomic
def save_kpi_formula(*, actor, formula: KpiFormula | None = None, **values) -> KpiFormula:
    _ensure_office(actor)
    formula = formula or KpiFormula()
    for key in ("name", "expression", "description", "is_active", "order"):
        if key in values:
            setattr(formula, key, values[key])
    _full_save(formula, actor)
    return formula


def ensure_template_formulas() -> int:
    """Load the two example formulas of domain.md §4 if they are missing; returns how many were created."""
    from wenming.cases.kpis import TEMPLATE_FORMULAS

    created = 0
    for order, (name, expression, description) in enumerate(TEMPLATE_FORMULAS, start=1):
        _obj, made = KpiFormula.objects.get_or_create(
            name=name, defaults={"expression": expression, "description": description, "order": order}
        )
        created += made
    return created
