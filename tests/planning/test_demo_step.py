"""The demo step: today's published plan gives the demo `inspector` account a route; idempotent."""

import io

from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.planning.factories import observe
from wenming.demo.context import DemoContext
from wenming.demo.planning import load_planning
from wenming.planning.choices import PlanState
from wenming.planning.models import DayPlan


def test_demo_inspector_sees_todays_route(client, world):
    observe(world, world.points[0], {"compliance": "noncompliant"}, days_ago=2)
    observe(world, world.points[2], {"abc": "noncompliant"}, days_ago=3)
    make_user("office", username="office")
    inspector = make_user("inspector", username="inspector")
    make_user("inspector", username="inspector2")
    ctx = DemoContext(seed=2026, stdout=io.StringIO())
    load_planning(ctx)
    load_planning(ctx)
    plan = DayPlan.objects.get()
    assert plan.date == timezone.localdate() and plan.state == PlanState.PUBLISHED
    route = plan.routes.get(members=inspector)
    assert route.stops.exists() and all(s.task_id for s in route.stops.all())
    client.force_login(inspector)
    response = client.get(reverse("planning:my_route"))
    assert response.status_code == 302 and response.url == route.get_absolute_url()
