"""Pages of the planning app: the permission matrix, the inspector's route on the phone, print, skip."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.permissions import assert_matrix
from tests.planning.factories import observe
from wenming.planning import services
from wenming.planning.choices import StopState
from wenming.planning.models import DayPlan


@pytest.fixture
def published(world):
    now = timezone.now()
    a, b, c = world.points
    observe(world, a, {"compliance": "noncompliant"}, days_ago=1, now=now)
    observe(world, c, {"abc": "noncompliant"}, days_ago=1, now=now)
    start = (a.lat, a.lon)
    plan = services.create_plan(
        actor=world.office,
        date=timezone.localdate(),
        teams=[services.TeamSpec([world.inspector, world.partner], start, start)],
    )
    world.plan = services.publish_plan(actor=world.office, plan=plan)
    world.route = world.plan.routes.get()
    world.leader = make_user("leader")
    return world


def test_permission_matrix(client, published):
    w = published
    plan_url = reverse("planning:plan_detail", args=[w.plan.pk])
    route_url = reverse("planning:route_detail", args=[w.route.pk])
    print_url = reverse("planning:route_print", args=[w.route.pk])
    for url in (reverse("planning:plan_list"), plan_url):
        assert_matrix(
            client,
            url,
            {
                "anonymous": 302,
                w.office: 200,
                w.leader: 200,
                w.inspector: 404,
                w.street_user: 404,
                w.unit_user: 404,
            },
        )
    assert_matrix(
        client,
        reverse("planning:plan_create"),
        {"anonymous": 302, w.office: 200, w.leader: 404, w.inspector: 404, w.street_user: 404},
    )
    for url in (route_url, print_url):
        assert_matrix(
            client,
            url,
            {
                "anonymous": 302,
                w.office: 200,
                w.leader: 200,
                w.inspector: 200,
                w.partner: 200,
                w.stranger: 404,
                w.street_user: 404,
            },
        )
    assert_matrix(
        client,
        reverse("planning:my_route"),
        {"anonymous": 302, w.inspector: 302, w.stranger: 200, w.office: 404, w.street_user: 404},
    )
    stop = w.route.stops.order_by("seq").first()
    skip_url = reverse("planning:stop_skip", args=[stop.pk])
    assert_matrix(
        client,
        skip_url,
        {"anonymous": 302, w.stranger: 404, w.street_user: 404, w.leader: 404, w.unit_user: 404},
        method="post",
        data={},
    )
    stop.refresh_from_db()
    assert stop.state == StopState.PLANNED
    assert_matrix(
        client,
        reverse("planning:plan_publish", args=[w.plan.pk]),
        {"anonymous": 302, w.leader: 404, w.inspector: 404},
        method="post",
        data={},
    )


def test_inspector_sees_todays_route_with_checklist_links_and_map(client, published):
    w = published
    client.force_login(w.inspector)
    response = client.get(reverse("planning:my_route"))
    assert response.status_code == 302 and response.url == w.route.get_absolute_url()
    page = client.get(response.url).content.decode()
    stops = list(w.route.stops.order_by("seq").select_related("point", "task"))
    positions = [page.index(s.point.name) for s in stops]
    assert positions == sorted(positions), "stops are listed in route order"
    for s in stops:
        assert reverse("inspections:task_inspect", args=[s.task_id]) in page
        assert client.get(reverse("inspections:task_inspect", args=[s.task_id])).status_code == 200
    assert 'id="route-map"' in page and "route-data" in page and "geo/map.js" in page
    printed = client.get(reverse("planning:route_print", args=[w.route.pk])).content.decode()
    assert all(s.point.name in printed for s in stops)
    assert (
        "跳过此站" not in printed
        and reverse("inspections:task_inspect", args=[stops[0].task_id]) not in printed
    )


def test_skip_from_the_phone_replans(client, published):
    w = published
    client.force_login(w.partner)
    stop = w.route.stops.order_by("seq").first()
    response = client.post(reverse("planning:stop_skip", args=[stop.pk]), {"lat": "24.51", "lon": "118.14"})
    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.state == StopState.SKIPPED
    again = client.post(reverse("planning:stop_skip", args=[stop.pk]), {"lat": "x"}, follow=True)
    assert again.status_code == 200 and "已跳过或已取消" in again.content.decode()


def test_office_creates_and_publishes_a_plan_from_the_form(client, world):
    observe(world, world.points[0], {"compliance": "noncompliant"}, days_ago=1)
    client.force_login(world.office)
    data = {
        "date": timezone.localdate().isoformat(),
        "travel_mode": "walk",
        "shift_start": "08:30",
        "shift_end": "17:30",
        "inspectors": [world.inspector.pk, world.partner.pk],
        "team_size": "2",
    }
    bad = client.post(reverse("planning:plan_create"), {**data, "start_lat": "24.5"})
    assert bad.status_code == 400 and not DayPlan.objects.exists()
    response = client.post(reverse("planning:plan_create"), {**data, "end_lat": "24.52", "end_lon": "118.15"})
    assert response.status_code == 302
    plan = DayPlan.objects.get()
    route = plan.routes.get()
    assert (route.end_lat, route.end_lon) == (24.52, 118.15)
    assert (route.start_lat, route.start_lon) != (route.end_lat, route.end_lon)
    assert plan.routes.count() == 1 and plan.routes.get().stops.exists()
    client.post(reverse("planning:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.round is not None and plan.round.tasks.count() == plan.routes.get().stops.count()
    assert "已发布" in client.get(plan.get_absolute_url()).content.decode()


def test_workbench_shows_the_inspectors_route_of_today(client, published):
    w = published
    client.force_login(w.inspector)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert 'id="widget-todays-route"' in page and w.route.get_absolute_url() in page
    first = w.route.stops.order_by("seq").select_related("point").first()
    assert first.point.name in page
    for user in (w.stranger, w.office):
        client.force_login(user)
        assert 'id="widget-todays-route"' not in client.get(reverse("dashboard:home")).content.decode()
