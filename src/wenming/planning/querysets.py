"""Business reads of the planning app, scoped by `restrict(user, action)`.

- admin/office (and leader/auditor for viewing) see every plan and route; only admin/office change them;
- an inspector sees the published plans they have a route in, and only their own routes;
- action "skip" (skip a stop and re-plan the rest) belongs to the route's members and the office;
- everyone else sees nothing (404).
"""

from django.db import models


def _is_inspector(scope) -> bool:
    return "inspector" in scope.roles


class VisitRuleQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action == "view" and _is_inspector(scope):
            return self
        return self.none()


class DayPlanQuerySet(models.QuerySet):
    def published(self):
        from wenming.planning.choices import PlanState

        return self.filter(state=PlanState.PUBLISHED)

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action == "view" and _is_inspector(scope):
            return self.published().filter(routes__members=user).distinct()
        return self.none()


class RouteQuerySet(models.QuerySet):
    def of_published_plans(self):
        from wenming.planning.choices import PlanState

        return self.filter(plan__state=PlanState.PUBLISHED)

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if action == "skip":
            if scope.sees_all("change"):
                return self.of_published_plans()
            if _is_inspector(scope):
                return self.of_published_plans().filter(members=user)
            return self.none()
        if scope.sees_all(action):
            return self
        if action == "view" and _is_inspector(scope):
            return self.of_published_plans().filter(members=user)
        return self.none()
