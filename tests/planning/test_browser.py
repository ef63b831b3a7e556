"""Real browser (Debian chromium via Playwright) on a 360-px phone: the inspector opens today's route — the
numbered stops are on the map, in order — then skips the first stop and sees the rest re-planned."""

import pytest
from django.utils import timezone

from tests.inspections.factories import make_world
from tests.inspections.test_browser import browser_context, login  # noqa: F401 (fixture)
from tests.planning.factories import observe
from wenming.planning import services
from wenming.planning.choices import StopState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_route_on_a_phone_map_and_skip(live_server, browser_context):  # noqa: F811
    world = make_world()
    world.standard.is_active = True
    world.standard.save(update_fields=["is_active"])
    observe(world, world.points[0], {"compliance": "noncompliant"}, days_ago=1)
    observe(world, world.points[2], {"abc": "noncompliant"}, days_ago=1)
    start = (world.points[1].lat, world.points[1].lon)
    plan = services.create_plan(
        actor=world.office,
        date=timezone.localdate(),
        teams=[services.TeamSpec([world.inspector, world.partner], start, start)],
    )
    plan = services.publish_plan(actor=world.office, plan=plan)
    route = plan.routes.get()
    stops = list(route.stops.order_by("seq").select_related("point"))
    assert len(stops) >= 2

    page = browser_context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, world.inspector.username)
    page.goto(f"{live_server.url}/planning/today/")
    page.wait_for_url(f"**/planning/routes/{route.pk}/")
    page.wait_for_selector("#route-map .route-number")
    numbers = page.eval_on_selector_all("#route-map .route-number", "els => els.map(e => e.textContent)")
    assert numbers == [str(i) for i in range(1, len(stops) + 1)]
    names = page.eval_on_selector_all(".route-stop strong", "els => els.map(e => e.textContent)")
    assert names == [s.point.name for s in stops]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".route-stop").first.locator("button", has_text="跳过此站").click()
    page.wait_for_selector(".route-stop.stop-skipped")
    assert "其余站点已重新排序" in page.inner_text("main")
    stops[0].refresh_from_db()
    assert stops[0].state == StopState.SKIPPED
    assert errors == []
