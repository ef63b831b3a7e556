"""Workbench widget of the planning app (registered into `wenming.core.widgets`): the inspector's route
of today — the next stops and a link to the route. Loaded by `PlanningConfig.ready()`."""

from __future__ import annotations

from django.utils import timezone

from wenming.core.roles import is_inspector
from wenming.core.widgets import register

NEXT_STOPS = 3


@register(12)
def todays_route(user) -> dict | None:
    """Inspector: today's route (next stops, how many left); hidden when no plan of today has one."""
    from wenming.inspections.choices import TaskState
    from wenming.planning.choices import StopState
    from wenming.planning.models import Route

    if not is_inspector(user):
        return None
    route = (
        Route.objects.restrict(user, "view")
        .filter(plan__date=timezone.localdate())
        .order_by("-plan__published_at", "-pk")
        .first()
    )
    if route is None:
        return None
    left = (
        route.stops.filter(state=StopState.PLANNED)
        .exclude(task__state=TaskState.DONE)
        .select_related("point")
        .order_by("seq")
    )
    return {
        "template": "planning/widgets/todays_route.html",
        "route": route,
        "next": list(left[:NEXT_STOPS]),
        "left": left.count(),
    }
