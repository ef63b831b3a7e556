"""Real browser (Debian chromium via Playwright) on a 360-px phone: an interviewer opens the wave, interviews a
respondent, is stopped by the eligibility rule, then loses the connection, keeps interviewing into the
outbox, reloads offline, and the outbox is sent exactly once when the connection comes back."""

import pytest

from tests.surveys.factories import make_world
from wenming.surveys.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
TIMEOUT = 20_000


@pytest.fixture
def phone(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True, has_touch=True,
            geolocation={"latitude": 24.5151, "longitude": 118.1402}, permissions=["geolocation"],
        )  # fmt: skip
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


def respondent(page, world, *, age="35", q5="1"):
    page.fill("#id_age", age)
    page.check("input[name=residence][value='3_5y']")
    page.select_option("#id_occupation", "retired")
    for code, value in (("Q1", "1"), ("Q2", "1"), ("Q3", "2"), ("Q4", "1"), ("Q5", q5)):
        page.check(f"input[name=q_{world.questions[code].pk}][value='{value}']")


def test_interviewer_journey_on_a_phone_with_offline_outbox(live_server, phone):
    world = make_world()
    base = live_server.url
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, base, world.interviewer.username)

    # --- the wave list → the collection form
    page.goto(f"{base}/surveys/")
    page.click("a.btn:has-text('采集')")
    page.wait_for_selector("#gps-status.ok")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone

    # --- first respondent, online
    page.select_option("#id_stratum", str(world.stratum().pk))
    page.select_option("#id_area", str(world.community.pk))
    respondent(page, world)
    page.fill(f"textarea[name=q_{world.questions['Q6'].pk}]", "多设垃圾分类点")
    assert "必答 5 / 5" in page.inner_text("#collect-progress")
    page.click("#collect-submit")
    page.wait_for_function(
        "document.querySelector('#collect-status').textContent.includes('已上传 1 份答卷')"
    )
    r = Response.objects.get()
    assert (r.interviewer, r.stratum, r.area, r.age, r.occupation) == (world.interviewer, world.stratum(),
                                                                       world.community, 35, "retired")  # fmt: skip
    assert abs(r.lat - 24.5151) < 1e-6 and abs(r.lon - 118.1402) < 1e-6
    assert r.answers.get(question=world.questions["Q6"]).text == "多设垃圾分类点"
    # the form is ready for the next household, in the same place
    assert page.input_value("#id_age") == ""
    assert page.input_value("#id_stratum") == str(world.stratum().pk)
    assert page.input_value("#id_area") == str(world.community.pk)

    # --- an ineligible respondent is stopped on the phone
    respondent(page, world, age="70")
    assert "不符合调查对象条件" in page.inner_text("#eligibility")
    page.click("#collect-submit")
    assert "受访者不符合调查对象条件，不能提交。" in page.inner_text("#collect-status")
    assert Response.objects.count() == 1

    # --- offline: the form is cached by the service worker; interviews go to the outbox
    page.wait_for_function(
        """async () => { const c = await caches.open('wenming-survey-v1');
                          return !!(await c.match(location.href)) && !!navigator.serviceWorker.controller; }"""
    )
    phone.set_offline(True)
    page.fill("#id_age", "40")
    page.click("#collect-submit")
    page.wait_for_function("document.querySelector('#collect-status').textContent.includes('网络不可用')")
    assert page.inner_text("#outbox-count") == "1"
    respondent(page, world, age="28", q5="3")  # the next one, half way when the page is reloaded
    page.reload()  # still offline: the cached form comes back with the outbox and the draft
    page.wait_for_selector("#collect-form.js-ready")
    assert page.inner_text("#outbox-count") == "1"
    assert page.input_value("#id_age") == "28"
    assert page.is_checked(f"input[name=q_{world.questions['Q5'].pk}][value='3']")
    assert Response.objects.count() == 1

    # --- back online: the outbox is sent by itself, once
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.querySelector('#outbox-count').textContent === '0'")
    assert Response.objects.count() == 2
    assert sorted(Response.objects.values_list("age", flat=True)) == [35, 40]
    page.click("#collect-submit")  # the restored draft is complete: submit it too
    page.wait_for_function("document.querySelector('#collect-status').textContent.includes('已上传')")
    page.wait_for_function("document.querySelector('#outbox-count').textContent === '0'")
    assert sorted(Response.objects.values_list("age", flat=True)) == [28, 35, 40]
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('wenming.survey.out.')).length")
        == 0
    )
    assert errors == []
