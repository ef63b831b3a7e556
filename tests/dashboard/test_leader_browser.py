"""Real browser (Debian chromium via Playwright): the leadership view draws its map (points coloured by
verdict, the heat layer) and its ECharts charts without script errors, offline; the big screen too."""

import pytest
from django.db import connections

from tests.bulletins.helpers import build_dataset
from wenming.core import workcal
from wenming.core.services import seed_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def page(monkeypatch, live_server):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(20_000)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        yield page
        connections.close_all()
        browser.close()


@pytest.fixture
def data(settings, tmp_path):
    settings.MEDIA_ROOT, settings.GENERATED_ROOT = tmp_path / "media", tmp_path / "generated"
    workcal.clear_cache()
    seed_calendar(years=range(2026, 2027))
    return build_dataset()


COUNT = """async () => {
  const api = document.getElementById("leader-map").wenmingMap;
  await api.ready;
  let points = 0;
  api.layers.points.eachLayer(group => { points += group.getLayers().length; });
  return {points, canvases: document.querySelectorAll(".chart canvas").length};
}"""


HEAT = """() => {
  let squares = 0;
  document.getElementById("leader-map").wenmingMap.map.eachLayer(l => { if (l instanceof L.Rectangle) squares++; });
  return squares >= 3;
}"""


def test_leader_view_and_big_screen_draw_map_and_charts(page, live_server, data):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", data.leader.username)
    page.fill("#id_password", "pw-Test-123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    for path in ("/leader/", "/leader/big-screen/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 4")
        state = page.evaluate(COUNT)
        assert state == {"points": 4, "canvases": 4}
        page.wait_for_function(HEAT)
    assert page.js_errors == []
