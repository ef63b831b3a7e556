"""Business reads for cases, named after states; every list starts from `restrict(user, action)`."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenming.accounts.choices import Role
from wenming.cases.choices import OPEN_STATES, UNIT_CLOCK_STATES, CaseState
from wenming.core.appendonly import AppendOnlyQuerySet

AREA_ROLES = frozenset({Role.STREET, Role.COMMUNITY, Role.GRID})


def scope_q(user) -> Q | None:
    """The cases a user reaches without a district-wide role; None = nothing.

    unit handlers: cases of their units (and sub-units); street/community/grid staff: cases in their area
    subtrees; special-group leads: their groups' cases; inspectors: cases they reported; anyone linked to
    a Person: cases naming that person as responsible.
    """
    scope = user.scope()
    q = Q()
    matched = False
    if Role.UNIT_HANDLER in scope.roles and scope.unit_ids:
        q |= Q(unit_id__in=scope.unit_ids)
        matched = True
    if scope.roles & AREA_ROLES and scope.area_ids:
        q |= Q(area_id__in=scope.area_ids)
        matched = True
    if Role.GROUP_LEAD in scope.roles and scope.group_ids:
        q |= Q(special_group_id__in=scope.group_ids)
        matched = True
    if Role.INSPECTOR in scope.roles:
        q |= Q(reported_by_id=user.pk)
        matched = True
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
        matched = True
    return q if matched else None


class CaseQuerySet(models.QuerySet):
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

    def restrict(self, user, action: str = "view"):
        """office/admin (and leader/auditor for view) see all; the others see their scope (see scope_q)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.scope().sees_all(action):
            return self
        q = scope_q(user)
        return self.filter(q) if q is not None else self.none()


class CaseEventQuerySet(AppendOnlyQuerySet):
    def restrict(self, user, action: str = "view"):
        if action != "view":
            return self.none()
        from wenming.cases.models import Case

        return self.filter(case__in=Case.objects.restrict(user, "view"))


class RoutingRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def restrict(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self if user.scope().sees_all(action) else self.none()


class KpiFormulaQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def restrict(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if action == "view":
            return self
        return self if user.scope().sees_all(action) else self.none()
