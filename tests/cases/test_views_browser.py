"""Real browser (Debian chromium via Playwright) on a 360-px phone: a unit handler sees only their unit's case,
acknowledges it and reports the fix with a photo; the office verifies and closes it; the timeline shows every
step."""

import io

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from tests.cases.helpers import build_world
from wenming.cases import services
from wenming.cases.models import Case
from wenming.core import workcal
from wenming.core.services import seed_calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
TIMEOUT = 20_000


def photo_bytes() -> bytes:
    image = Image.new("RGB", (800, 600), (60, 120, 200))
    ImageDraw.Draw(image).rectangle((100, 100, 500, 400), fill=(240, 200, 40))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def browser_context(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                      has_touch=True)  # fmt: skip
        context.set_default_timeout(TIMEOUT)
        yield context
        context.close()
        browser.close()


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Test-123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def run_action(page, action: str, expected_state: str):
    """Open an action's panel, submit it (htmx), wait for the page the server redirects to."""
    panel = page.locator(f"#action-{action}")
    panel.locator("summary").click()
    panel.locator("button[type=submit]").click()
    page.wait_for_function(
        "s => document.getElementById('case-state') && document.getElementById('case-state').textContent.trim() === s",
        arg=expected_state,
    )


def test_handler_fixes_office_verifies_timeline_complete(live_server, browser_context, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    workcal.clear_cache()
    seed_calendar(years=range(2025, 2028))
    world = build_world()
    now = timezone.now()
    mine = services.dispatch(
        services.create_case(actor=world.inspector, source="inspection", category=world.leaf, area=world.grid,
                             description="路口暴露垃圾", lat=24.515, lon=118.14, at=now),
        actor=world.office, unit=world.bureau, at=now,
    )  # fmt: skip
    theirs = services.dispatch(
        services.create_case(actor=world.inspector, source="inspection", category=world.leaf, area=world.grid,
                             description="别的单位的问题", at=now),
        actor=world.office, unit=world.other_unit, at=now,
    )  # fmt: skip
    base = live_server.url
    page = browser_context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # the unit handler sees only their unit's case (as cards on a phone)
    login(page, base, world.handler.username)
    page.goto(f"{base}/cases/")
    table = page.locator("#case-table")
    assert table.get_by_text(mine.code).is_visible()
    assert table.get_by_text(theirs.code).count() == 0
    page.click(f"text={mine.code}")
    page.wait_for_url(f"**/cases/{mine.code}/")

    # acknowledges, then reports the fix with a photo
    run_action(page, "acknowledge", "已签收")
    panel = page.locator("#action-report_fix")
    panel.locator("summary").click()
    panel.locator("input[name=report_fix-photos]").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    panel.locator("textarea[name=report_fix-note]").fill("已清理完毕")
    panel.locator("button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('case-state').textContent.trim() === '已反馈'")
    assert page.locator(".photo-stage-after img").count() == 1

    # the office verifies and closes it
    browser_context.clear_cookies()
    login(page, base, world.office.username)
    page.goto(f"{base}/cases/{mine.code}/")
    verify = page.locator("#action-verify")
    verify.locator("summary").click()
    verify.locator("input[value=passed]").check()
    verify.locator("button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('case-state').textContent.trim() === '已结案'")

    # the timeline shows every step, in order
    steps = page.locator("#case-timeline > li > strong").all_inner_texts()
    assert steps == ["上报", "派遣", "签收", "整改反馈", "核查通过"]
    assert page.locator("#case-timeline .event-fix_reported img").count() == 1
    assert Case.objects.get(pk=mine.pk).state == "closed"
    assert Case.objects.get(pk=theirs.pk).state == "dispatched"
    assert errors == []
