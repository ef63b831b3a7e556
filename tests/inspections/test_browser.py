"""Real browser (Debian chromium via Playwright) on a 360-px phone: inspect a point with a photo, then
lose the connection, fill a draft, reload offline, come back online — the draft is submitted exactly once."""

import io
import os

import pytest
from django.db import connections
from PIL import Image, ImageDraw

from tests.inspections.factories import make_world
from wenming.cases.models import Case
from wenming.inspections.models import Inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT = 20_000


def photo_bytes() -> bytes:
    image = Image.new("RGB", (800, 600), (60, 120, 200))
    ImageDraw.Draw(image).rectangle((100, 100, 500, 400), fill=(240, 200, 40))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def browser_context(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="zh-CN",
            geolocation={"latitude": 24.515, "longitude": 118.14},
            permissions=["geolocation"],
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(TIMEOUT)
        yield context
        # Inside sync_playwright an event loop runs in this thread, so the test's ORM calls got their own
        # (context-local) connection: close it here, or it stays open and the test database cannot be dropped.
        connections.close_all()
        context.close()
        browser.close()


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Test-123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def mark_all(page, world, failures=()):
    c = world.criteria
    for key, criterion in c.items():
        item = f"#item-{criterion.pk}"
        if key in failures:
            page.click(f"{item} .seg-bad")
            continue
        if key == "block":
            page.click(f"{item} .seg-na")
            continue
        page.click(f"{item} .seg-ok")
        if key == "quota":
            page.fill(f"{item} input[name=count_{criterion.pk}]", "2")
        if key == "sampled":
            for i in (1, 2, 3):
                page.check(f"{item} input[name=sub_{criterion.pk}_{i}][value='1']")


def test_inspect_on_a_phone_then_offline_draft_submitted_once(live_server, browser_context):
    world = make_world()
    base = live_server.url
    page = browser_context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, world.inspector.username)

    # --- online: open the task from the list, mark items, photograph a failure, submit
    page.goto(f"{base}/inspections/tasks/")
    page.click("text=江村路")
    page.wait_for_selector("#gps-status.ok")
    assert "距点位约 0 米" in page.inner_text("#gps-status")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    mark_all(page, world, failures=("abc",))
    abc = world.criteria["abc"]
    page.fill(f"input[name=problems_{abc.pk}]", "2")
    page.fill(f"textarea[name=note_{abc.pk}]", "路边垃圾未清运")
    page.set_input_files(
        f"input[name=photo_{abc.pk}]",
        files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}],
    )
    page.wait_for_selector(f"[data-thumbs='{abc.pk}']:not([data-after]) img")
    assert "已填 6 / 6" in page.inner_text("#inspect-progress")
    page.click("#inspect-submit")
    page.wait_for_url("**/inspections/records/*/")
    assert "路边垃圾未清运" in page.inner_text("main")
    first = Inspection.objects.get()
    case = Case.objects.get()
    assert case.source == "inspection" and case.photos.count() == 1
    assert case.code in page.inner_text("main")
    failure = first.observations.get(criterion=abc)
    assert (failure.problems, failure.photos.count()) == (2, 1)

    # --- offline: open the next task while online (it is cached), then lose the connection and fill a draft
    browser_context.set_geolocation({"latitude": 24.52, "longitude": 118.15})
    task = world.tasks[world.points[1].pk]
    page.goto(f"{base}/inspections/tasks/{task.pk}/inspect/")
    page.wait_for_selector("#gps-status.ok")
    page.wait_for_function(
        """async () => { const c = await caches.open('wenming-inspect-v1');
                          return !!(await c.match(location.href)) && !!navigator.serviceWorker.controller; }"""
    )
    browser_context.set_offline(True)
    mark_all(page, world)
    page.click("#inspect-submit")
    page.wait_for_function("document.querySelector('#inspect-status').textContent.includes('网络不可用')")
    # the outbox does not send while the browser is offline (Chromium's offline emulation alone does not always
    # stop a request of a page its service worker controls): nothing reached the server
    assert Inspection.objects.count() == 1

    page.reload()  # still offline: the service worker serves the cached form, the draft comes back
    page.wait_for_selector(f"#item-{world.criteria['compliance'].pk}.is-ok")
    assert "有待提交的测评" in page.inner_text("#inspect-status")
    assert Inspection.objects.count() == 1

    browser_context.set_offline(False)  # back online: the queued draft is sent by itself
    page.wait_for_url("**/inspections/records/*/")
    page.wait_for_timeout(500)
    assert Inspection.objects.count() == 2
    second = Inspection.objects.get(task=task)
    assert second.observations.count() == 6
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('wenming.inspect.')).length") == 0
    )
    assert errors == []
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
