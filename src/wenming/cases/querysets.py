"""Business reads for cases, named after states; every list starts from `restrict(user, action)`."""

import datetime

from django.utils import timezone

from wenming.accounts.choices import Role
from wenming.cases.choices import OPEN_STATES, UNIT_CLOCK_STATES, CaseState
from wenming.core.appendonly import AppendOnlyQuerySet
from wenming.core.policy import (
    SEES_ALL,
    SIGNED_IN,
    Policy,
    RestrictedQuerySet,
    areas,
    everything,
    groups,
    holds,
    owner,
    person,
    rows,
    through,
    units,
)

AREA_ROLES = frozenset({Role.STREET, Role.COMMUNITY, Role.GRID})


# Case scope for users without a district-wide role: unit handlers: cases of their units (and sub-units);
# street/community/grid staff: cases in their area subtrees; special-group leads: their groups' cases;
# inspectors: cases they reported; anyone linked to a Person: cases naming that person as responsible.
CASE_SCOPE = [
    rows(units("unit_id"), who=holds(Role.UNIT_HANDLER)),
    rows(areas("area_id"), who=holds(*AREA_ROLES)),
    rows(groups("special_group_id"), who=holds(Role.GROUP_LEAD)),
    rows(owner("reported_by_id"), who=holds(Role.INSPECTOR)),
    rows(person("person_id")),
]


class CaseQuerySet(RestrictedQuerySet):
    # office/admin (and leader/auditor for view) see all; the others see their scope (CASE_SCOPE).
    policy = Policy(view=[everything(SEES_ALL), *CASE_SCOPE], otherwise=[everything(SEES_ALL), *CASE_SCOPE])

    def open(self):
        """Not closed, rejected or merged."""
        return self.filter(state__in=OPEN_STATES)

    def closed(self):
        return self.filter(state=CaseState.CLOSED)

    def clock_running(self):
        """Dispatched, acknowledged or being fixed: the unit's fix clock runs."""
        return self.filter(state__in=UNIT_CLOCK_STATES)

    def overdue(self, now: datetime.datetime | None = None):
        """The unit's clock runs and the fix deadline has passed (parked and pending transfers excluded)."""
        return self.clock_running().filter(fix_deadline__lt=now or timezone.now())

    def due_within(self, hours: float, now: datetime.datetime | None = None):
        """Not yet overdue, but the fix deadline falls within the next `hours` (clock hours)."""
        now = now or timezone.now()
        return self.clock_running().filter(
            fix_deadline__gte=now, fix_deadline__lt=now + datetime.timedelta(hours=hours)
        )

    def dispatch_overdue(self, now: datetime.datetime | None = None):
        """Waiting for the office (reported/registered) past the dispatch deadline."""
        return self.filter(
            state__in=[CaseState.REPORTED, CaseState.REGISTERED], dispatch_deadline__lt=now or timezone.now()
        )

    def for_unit(self, unit, *, include_children: bool = False):
        if not include_children:
            return self.filter(unit=unit)
        from wenming.accounts.scope import _unit_descendants
        from wenming.org.models import Unit

        return self.filter(unit_id__in=_unit_descendants(Unit, {unit.pk}))

    def in_area(self, area):
        """Cases whose area lies in the area's subtree."""
        return self.filter(area__path__startswith=area.path)

    def parked(self):
        """The register of parked cases (挂账台账)."""
        return self.filter(state=CaseState.PARKED)

    def awaiting_dispatch(self):
        return self.filter(state__in=[CaseState.REPORTED, CaseState.REGISTERED, CaseState.RETURNED])

    def escalated(self):
        return self.open().filter(escalation_level__gt=0)

    def alerts_due(self, now: datetime.datetime):
        return self.filter(next_alert_at__isnull=False, next_alert_at__lte=now)

    def with_list_related(self):
        return self.select_related("category", "top_category", "unit", "person", "area", "street", "point")


class CaseEventQuerySet(RestrictedQuerySet, AppendOnlyQuerySet):
    # The events of the cases the user sees; nobody changes them (append-only).
    policy = Policy(view=[rows(through("case", "view", values=False))])


class RoutingRuleQuerySet(RestrictedQuerySet):
    policy = Policy(otherwise=[everything(SEES_ALL)])

    def active(self):
        return self.filter(is_active=True)


class KpiFormulaQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SIGNED_IN)], otherwise=[everything(SEES_ALL)])

    def active(self):
        return self.filter(is_active=True)
