"""Routing: which unit and which named person a case goes to, and why (派遣规则 → … → 属地兜底).

Order (the first step that yields a unit or a person wins):

1. **rules** — the office's `RoutingRule`s, lowest priority number first; a rule matches when every matcher
   it sets (category, top category, point type, area subtree, special group) matches the case;
2. **category** — a current duty (`geo.Duty`) for the case's category (or its top category), the most
   specific one first (a duty limited to an area containing the case beats a district-wide one);
3. **point** — the point's responsible unit and responsible person (or its current 点位责任人 duty);
4. **grid** — the current 网格长/网格员 duties of the case's grid, then of its community;
5. **special group** — the lead unit of the category's special group;
6. **属地兜底** — the territorial unit (`Area.unit`) of the case's area, walking up the tree.

A unit above the district (央属/省属/市属) cannot be ordered to fix: `needs_coordination` sends the case to
the office's coordination step instead of the unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases.choices import RoutingStep
from wenming.geo.choices import AreaLevel, Post


@dataclass
class RoutingDecision:
    unit: object | None
    person: object | None
    step: str
    reason: str
    rule_id: int | None = None

    @property
    def found(self) -> bool:
        return self.unit is not None

    @property
    def needs_coordination(self) -> bool:
        return self.unit is not None and self.unit.is_above_district

    def as_data(self) -> dict:
        return {
            "step": self.step,
            "reason": self.reason,
            "unit_id": self.unit.pk if self.unit else None,
            "person_id": self.person.pk if self.person else None,
            "rule_id": self.rule_id,
            "coordination": self.needs_coordination,
        }


def _area_chain(case, data) -> list:
    """The case's area and its ancestors, nearest first (from the in-memory area tree)."""
    area_id = case.area_id or (case.point.area_id if case.point_id else None)
    return data.chain(area_id)


def _person_decision(person, step, reason, rule_id=None) -> RoutingDecision:
    return RoutingDecision(person.unit, person, step, reason, rule_id)


def _rule_matches(rule, case, chain_ids: set[int]) -> bool:
    if rule.category_id and rule.category_id != case.category_id:
        return False
    if rule.top_category_id and rule.top_category_id != case.top_category_id:
        return False
    if rule.point_type_id and not (case.point_id and case.point.point_type_id == rule.point_type_id):
        return False
    if rule.area_id and rule.area_id not in chain_ids:
        return False
    return not (rule.special_group_id and rule.special_group_id != case.special_group_id)


def by_rule(case, chain, on, data) -> RoutingDecision | None:
    chain_ids = {a.pk for a in chain}
    for rule in data.rules:
        if not _rule_matches(rule, case, chain_ids):
            continue
        reason = _("派遣规则「%(name)s」（优先级 %(p)d）") % {"name": rule.name, "p": rule.priority}
        if rule.person_id:
            decision = _person_decision(rule.person, RoutingStep.RULE, reason, rule.pk)
            decision.unit = rule.unit or rule.person.unit
            return decision
        return RoutingDecision(rule.unit, None, RoutingStep.RULE, reason, rule.pk)
    return None


def by_category(case, chain, on, data) -> RoutingDecision | None:
    categories = {c for c in (case.category_id, case.top_category_id) if c}
    chain_ids = [a.pk for a in chain]
    duties = [
        d
        for d in data.current_duties(on)
        if d.category_id in categories
        and (d.area_id is None or d.area_id in chain_ids)
        and (d.point_id is None or d.point_id == case.point_id)
    ]

    def specificity(duty):
        depth = chain_ids.index(duty.area_id) if duty.area_id in chain_ids else len(chain_ids)
        return (0 if duty.category_id == case.category_id else 1, 0 if duty.point_id else 1, depth, duty.pk)

    best = min(duties, key=specificity, default=None)
    if best is None:
        return None
    reason = _("问题类别「%(cat)s」的%(post)s %(person)s") % {
        "cat": best.category.name,
        "post": best.get_post_display(),
        "person": best.person.name,
    }
    return _person_decision(best.person, RoutingStep.CATEGORY, reason)


def by_point(case, chain, on, data) -> RoutingDecision | None:
    point = case.point if case.point_id else None
    if point is None:
        return None
    person = point.responsible_person if point.responsible_person_id else None
    if person is None:
        owners = [d for d in data.current_duties(on) if d.point_id == point.pk and d.post == Post.POINT_OWNER]
        duty = min(owners, key=lambda d: (d.start_date, d.pk), default=None)
        person = duty.person if duty else None
    unit = None
    if point.responsible_unit_id:
        unit = data.units.get(point.responsible_unit_id) or point.responsible_unit
    unit = unit or (person.unit if person else None)
    if unit is None:
        return None
    reason = _("点位「%(point)s」的责任单位%(person)s") % {
        "point": point.name,
        "person": _("及点位责任人 %(name)s") % {"name": person.name} if person else "",
    }
    return RoutingDecision(unit, person, RoutingStep.POINT, reason)


GRID_POSTS = (Post.GRID_LEAD, Post.GRID_WORKER)


def by_grid(case, chain, on, data) -> RoutingDecision | None:
    current = None
    for area in chain:
        if area.level not in (AreaLevel.GRID, AreaLevel.COMMUNITY):
            continue
        current = data.current_duties(on) if current is None else current
        here = [d for d in current if d.area_id == area.pk and d.post in GRID_POSTS]
        # grid_lead sorts before grid_worker
        duty = min(here, key=lambda d: (d.post, d.start_date, d.pk), default=None)
        if duty:
            reason = _("%(level)s「%(area)s」的%(post)s %(person)s") % {
                "level": area.get_level_display(),
                "area": area.name,
                "post": duty.get_post_display(),
                "person": duty.person.name,
            }
            return _person_decision(duty.person, RoutingStep.GRID, reason)
    return None


def by_group(case, chain, on, data) -> RoutingDecision | None:
    group = data.groups.get(case.special_group_id) if case.special_group_id else None
    if group is None:
        return None
    reason = _("专项组「%(group)s」的牵头单位") % {"group": group.name}
    return RoutingDecision(group.lead_unit, None, RoutingStep.GROUP, reason)


def by_territory(case, chain, on, data) -> RoutingDecision | None:
    for area in chain:
        if area.unit_id:
            reason = _("属地兜底：%(level)s「%(area)s」的属地单位") % {
                "level": area.get_level_display(),
                "area": area.name,
            }
            return RoutingDecision(area.unit, None, RoutingStep.TERRITORY, reason)
    return None


STEPS = (by_rule, by_category, by_point, by_grid, by_group, by_territory)


def route(case, *, on: datetime.date | None = None, data=None) -> RoutingDecision:
    """Decide unit and person for `case` (see the module docstring); never raises for lack of a match.
    Rules, duties, areas, units and groups come from the per-process routing cache (`routing_cache`)."""
    from wenming.cases.routing_cache import routing_data

    on = on or timezone.localdate()
    data = data or routing_data()
    chain = _area_chain(case, data)
    for step in STEPS:
        decision = step(case, chain, on, data)
        if decision is not None and decision.unit is not None:
            return decision
    return RoutingDecision(
        None, None, RoutingStep.NONE, _("没有匹配的派遣规则、责任人或属地单位，请人工指定。")
    )


def manual_decision(unit, person=None) -> RoutingDecision:
    reason = _("人工指定：%(unit)s") % {"unit": unit.name}
    if person is not None:
        reason += _("，责任人 %(name)s") % {"name": person.name}
    return RoutingDecision(unit, person, RoutingStep.MANUAL, reason)
