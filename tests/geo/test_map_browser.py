"""Real browser (Debian chromium via Playwright): the map script draws the tile-less fallback (area
polygons, labels, coloured points, legend) and, with tiles configured, converts positions to GCJ-02."""

import pytest
from django.db import connections

from tests.factories import make_point, make_point_type, make_user
from tests.geo.helpers import LAT0, LON0, build_district
from wenming.core.coords import from_wgs84
from wenming.geo import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def page(monkeypatch, live_server):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="zh-CN")
        page.set_default_timeout(20_000)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        yield page
        # Inside sync_playwright an event loop runs in this thread, so the test's ORM calls got their own
        # (context-local) connection: close it here, or it stays open and the test database cannot be dropped.
        connections.close_all()
        browser.close()


def _world():
    build_district()
    market, alley = make_point_type(name="农贸市场", order=1), make_point_type(name="背街小巷", order=2)
    make_point(code="M1", name="菜市场", point_type=market, lat=LAT0 + 0.005, lon=LON0 + 0.005)
    make_point(code="A1", name="小巷一", point_type=alley, lat=LAT0 + 0.015, lon=LON0 + 0.005)
    make_point(code="A2", name="小巷二", point_type=alley, lat=LAT0 + 0.005, lon=LON0 + 0.03)
    services.assign_point_areas()
    return make_user("office", username="office-map")


def _login(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "office-map")
    page.fill("#id_password", "pw-Test-123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


STATE = """async () => {
  const api = document.getElementById("point-map").wenmingMap;
  await api.ready;
  const points = [];
  api.layers.points.eachLayer(group => group.eachLayer(m => points.push([m.getLatLng().lat, m.getLatLng().lng])));
  return {
    points: points.sort(),
    areas: api.layers.areas.getLayers().length,
    labels: api.layers.labels.getLayers().map(t => t.getContent()).sort(),
    plain: document.getElementById("point-map").classList.contains("wm-map-plain"),
    tiles: document.querySelectorAll(".leaflet-tile-pane img").length,
    legend: [...document.querySelectorAll(".wm-legend label")].map(l => l.textContent.trim()),
  };
}"""


def test_tileless_map_draws_areas_labels_points_and_legend(page, live_server):
    _world()
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/geo/points/map/")
    state = page.evaluate(STATE)
    assert state["plain"] is True and state["tiles"] == 0
    assert len(state["points"]) == 3
    assert state["areas"] == 6  # district, 2 streets, 3 communities; the grid appears from zoom 15
    assert state["labels"] == ["乙一社区", "乙街道", "甲一社区", "甲二社区", "甲街道"]
    assert state["legend"][:2] == ["农贸市场 1", "背街小巷 2"]
    assert "离线底图：仅绘制区域边界" in page.inner_text(".wm-legend")
    # unticking a type in the legend hides its points
    page.uncheck(".wm-legend input >> nth=1")
    hidden = page.evaluate("""() => {
      let n = 0; document.getElementById("point-map").wenmingMap.layers.points.eachLayer(g => n += g.getLayers().length);
      return n; }""")  # fmt: skip
    assert hidden == 1
    # a popup links to the point's page
    page.evaluate("""() => { const api = document.getElementById("point-map").wenmingMap;
      api.layers.points.eachLayer(g => g.eachLayer(m => m.openPopup())); }""")  # fmt: skip
    assert page.locator(".leaflet-popup-content a").first.get_attribute("href").startswith("/geo/points/")
    assert page.js_errors == []


def test_tiled_map_converts_positions_to_gcj02(page, live_server, settings):
    settings.MAP_TILE_URL = f"{live_server.url}/static/no-tiles/{{z}}/{{x}}/{{y}}.png?k={{key}}"
    settings.MAP_TILE_CRS = "GCJ02"
    settings.MAP_TILE_KEY = "demo-key"
    _world()
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/geo/points/map/?code=M1")
    state = page.evaluate(STATE)
    assert state["plain"] is False and state["tiles"] > 0
    (lat, lon), = state["points"]  # fmt: skip
    gcj_lat, gcj_lon = from_wgs84(LAT0 + 0.005, LON0 + 0.005, "GCJ02")
    assert abs(lat - gcj_lat) < 1e-6 and abs(lon - gcj_lon) < 1e-6
    assert "k=demo-key" in page.get_attribute(".leaflet-tile-pane img", "src")
