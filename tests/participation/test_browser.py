"""Real browser (Debian chromium via Playwright) on a 360-px phone with geolocation granted: the public
report journey — photo, "use my location", similar reports nearby with "me too", category, description,
consent, submit, tracking code — and a map tap on GCJ-02 tiles stored as the right WGS-84 position."""

import io

import pytest
from django.db import connections
from PIL import Image

from tests.participation.helpers import LAT, LON, build_world, submit
from wenming.core.coords import to_wgs84
from wenming.core.services import seed_calendar
from wenming.geo.services import current_area_index
from wenming.participation import services
from wenming.participation.choices import PositionSource
from wenming.participation.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def phone(monkeypatch, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True, has_touch=True,
            geolocation={"latitude": LAT, "longitude": LON}, permissions=["geolocation"],
        )  # fmt: skip
        context.set_default_timeout(20_000)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        yield page
        connections.close_all()
        context.close()
        browser.close()


def test_public_report_journey_on_a_phone(phone, live_server):
    seed_calendar(years=range(2025, 2028))
    world = build_world()
    current_area_index()
    nearby = services.accept_report(submit(world, description="公交站旁垃圾堆放"), actor=world.office)
    base = live_server.url
    page = phone

    page.goto(f"{base}/public/report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.set_input_files("input[name=photos]", files=[{"name": "p.jpg", "mimeType": "image/jpeg",
                                                         "buffer": photo_bytes()}])  # fmt: skip
    page.wait_for_selector("#photo-preview img")
    page.click("#locate-btn")
    page.wait_for_function(
        "document.querySelector('#position-status').textContent.includes('已使用手机定位')"
    )
    page.wait_for_selector("#similar-list")  # the open report 0 m away
    assert "垃圾没有及时清运" in page.inner_text("#similar-list")
    page.select_option("select[name=category]", str(world.leaf.pk))
    page.fill("textarea[name=description]", "东渡路人行道上有一堆装修垃圾")
    page.fill("input[name=reporter_phone]", "13912345678")
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.wait_for_url("**/public/r/*/?new=1")
    code = page.inner_text("#tracking-code").replace("-", "")
    report = Report.objects.get(code=code)
    assert (report.position_source, report.coord_system, report.photos.count()) == (
        PositionSource.DEVICE,
        "WGS84",
        1,
    )
    assert abs(report.lat - LAT) < 1e-6 and abs(report.lon - LON) < 1e-6
    assert report.street == world.street and report.reporter_phone == "13912345678"
    assert "已收到，等待审核" in page.inner_text("main")

    # Another citizen sees the same problem and says "me too" instead of filing it again.
    page.goto(f"{base}/public/report/")
    page.click("#locate-btn")
    page.wait_for_selector("#similar-list")
    page.click(f"#similar-list button[data-support-url='/public/reports/{nearby.pk}/support/']")
    page.wait_for_url(f"**/public/reports/{nearby.pk}/")
    assert "感谢反馈" in page.inner_text("main")
    assert Report.objects.get(pk=nearby.pk).supports == 1
    assert page.js_errors == []


def test_a_map_tap_on_gcj02_tiles_is_converted_to_wgs84(phone, live_server, settings):
    settings.MAP_TILE_URL = (
        "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens: blank tiles, same projection
    )
    settings.MAP_TILE_CRS = "GCJ02"
    build_world()
    current_area_index()
    page = phone
    page.goto(f"{live_server.url}/public/report/")
    # the map is ready once its areas are drawn and the view fitted: nothing moves it by itself afterwards
    page.wait_for_selector("#report-map[data-map-ready='1']", state="attached")
    page.evaluate(
        "new Promise(done => { const map = document.getElementById('report-map').wenmingMap.map;"
        " map.once('moveend', () => done()); map.setView([24.5133, 118.1153], 16); })"
    )
    # the tap lands inside 湖里街道 / 东渡社区: the drawn areas must not take it (no area popup on this page)
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "document.querySelector('#position-status').textContent.includes('已在地图上选择位置')"
    )
    assert page.locator("#report-map .leaflet-popup").count() == 0
    tapped = page.evaluate("[+document.querySelector('[name=lat]').value, +document.querySelector('[name=lon]').value,"
                           " document.querySelector('[name=coord_system]').value]")  # fmt: skip
    assert tapped[2] == "GCJ02"
    page.fill("textarea[name=description]", "地图选点测试：垃圾桶满溢")
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.wait_for_url("**/public/r/*/?new=1")
    report = Report.objects.get()
    wgs_lat, wgs_lon = to_wgs84(tapped[0], tapped[1], "GCJ02")
    assert abs(report.lat - wgs_lat) < 1e-6 and abs(report.lon - wgs_lon) < 1e-6
    assert abs(report.lat - tapped[0]) > 1e-3  # GCJ-02 is hundreds of metres off: it really was converted
    assert (report.position_source, report.coord_system) == (PositionSource.MAP, "GCJ02")
