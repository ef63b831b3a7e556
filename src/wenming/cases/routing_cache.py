"""What routing and the case clocks read for every case, kept in memory per process (`core.versions`).

One `VersionedCache` named "routing" holds the active routing rules, the duties of active people, the area
tree (without boundaries), the units, the problem categories (with their parents) and the special groups.
It is rebuilt when any of those tables changes (signals in `cases.apps`; bulk writes call
`core.versions.changed("routing")`), so `routing.route()` and `deadlines.fix_deadline()` cost one token query
instead of one query per step, whatever the number of cases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from wenming.core.versions import VersionedCache


@dataclass
class RoutingData:
    rules: list  # active RoutingRule, in matching order, unit and person (with unit) attached
    duties: list  # Duty of active people, person (with unit) attached
    areas: dict  # id → Area (no boundary)
    units: dict  # id → Unit
    categories: dict  # id → ProblemCategory, parent attached
    groups: dict  # id → SpecialGroup, lead unit attached

    def chain(self, area_id: int | None) -> list:
        """The area and its ancestors, nearest first (as `[area, *reversed(area.ancestors())]`)."""
        area = self.areas.get(area_id) if area_id else None
        if area is None:
            return []
        ids = [int(x) for x in area.path.strip("/").split("/") if x and int(x) != area.pk]
        return [area, *reversed([self.areas[i] for i in ids if i in self.areas])]

    def current_duties(self, on: datetime.date):
        """Duties in force on `on` (as `Duty.objects.current(on)`)."""
        return [d for d in self.duties if d.start_date <= on and (d.end_date is None or d.end_date > on)]


def _build() -> RoutingData:
    from wenming.cases.models import RoutingRule
    from wenming.geo.models import Area, Duty
    from wenming.org.models import SpecialGroup, Unit
    from wenming.standards.models import ProblemCategory

    units = {u.pk: u for u in Unit.objects.all()}
    areas = {a.pk: a for a in Area.objects.defer("boundary").order_by()}
    for area in areas.values():
        if area.unit_id in units:
            area.unit = units[area.unit_id]
    categories = {c.pk: c for c in ProblemCategory.objects.all()}
    for category in categories.values():
        if category.parent_id in categories:
            category.parent = categories[category.parent_id]
    groups = {g.pk: g for g in SpecialGroup.objects.all()}
    for group in groups.values():
        if group.lead_unit_id in units:
            group.lead_unit = units[group.lead_unit_id]
    rules = list(RoutingRule.objects.active().select_related("unit", "person__unit"))
    duties = list(Duty.objects.filter(person__is_active=True).select_related("person__unit").order_by("pk"))
    for duty in duties:
        if duty.category_id in categories:
            duty.category = categories[duty.category_id]
        if duty.area_id in areas:
            duty.area = areas[duty.area_id]
    return RoutingData(rules, duties, areas, units, categories, groups)


CACHE = VersionedCache("routing", _build)


def routing_data() -> RoutingData:
    return CACHE.get()


def watch() -> None:
    """Connect the invalidation signals (from `CasesConfig.ready()`)."""
    from wenming.cases.models import RoutingRule
    from wenming.geo.models import Area, Duty
    from wenming.org.models import Person, SpecialGroup, Unit
    from wenming.standards.models import ProblemCategory

    CACHE.watch(RoutingRule, Duty, Person, Area, Unit, ProblemCategory, SpecialGroup)
