"""Business reads of the planning app, scoped by `restrict(user, action)`.

- admin/office (and leader/auditor for viewing) see every plan and route; only admin/office change them;
- an inspector sees the published plans they have a route in, and only their own routes;
- action "skip" (skip a stop and re-plan the rest) belongs to the route's members and the office;
- everyone else sees nothing (404).
"""

from django.db.models import Q

from wenming.core.policy import OFFICE, SEES_ALL, Policy, RestrictedQuerySet, everything, holds, owner, rows

INSPECTOR = holds("inspector")


def _published() -> Q:
    from wenming.planning.choices import PlanState

    return Q(state=PlanState.PUBLISHED)


def _of_published_plan() -> Q:
    from wenming.planning.choices import PlanState

    return Q(plan__state=PlanState.PUBLISHED)


class VisitRuleQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SEES_ALL), everything(INSPECTOR)], otherwise=[everything(SEES_ALL)])


class DayPlanQuerySet(RestrictedQuerySet):
    # Inspectors see the published plans they have a route in.
    policy = Policy(
        view=[everything(SEES_ALL), rows(owner("routes__members"), who=INSPECTOR, only=_published)],
        otherwise=[everything(SEES_ALL)],
        distinct=True,
    )

    def published(self):
        from wenming.planning.choices import PlanState

        return self.filter(state=PlanState.PUBLISHED)


class RouteQuerySet(RestrictedQuerySet):
    # Inspectors see (and skip stops on) their own routes of published plans.
    policy = Policy(
        view=[everything(SEES_ALL), rows(owner("members"), who=INSPECTOR, only=_of_published_plan)],
        skip=[
            everything(OFFICE, only=_of_published_plan),
            rows(owner("members"), who=INSPECTOR, only=_of_published_plan),
        ],
        otherwise=[everything(SEES_ALL)],
    )

    def of_published_plans(self):
        from wenming.planning.choices import PlanState

        return self.filter(plan__state=PlanState.PUBLISHED)
