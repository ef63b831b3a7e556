"""Real browser: the citizen form proposes the category as they type, and one tap takes it (never forced)."""

import pytest

from tests.participation.helpers import build_world
from tests.participation.test_browser import phone  # noqa: F401 — the 360-px phone fixture
from wenming.core.services import seed_calendar
from wenming.geo.services import current_area_index
from wenming.participation import classifier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_form_proposes_a_category_as_the_citizen_types(phone, live_server):  # noqa: F811
    seed_calendar(years=range(2025, 2028))
    world = build_world()
    current_area_index()
    classifier.train()
    page = phone
    page.goto(f"{live_server.url}/public/report/")
    category = page.locator("select[name=category]")
    assert category.input_value() == ""  # nothing chosen for the citizen
    page.locator("textarea[name=description]").press_sequentially("路边垃圾桶满了，果皮箱塞满了")
    button = page.locator(f'[data-suggested-category="{world.other_leaf.pk}"]')
    button.wait_for(state="visible")
    assert category.input_value() == ""  # proposed, not chosen
    button.click()
    page.wait_for_function(
        "pk => document.querySelector('select[name=category]').value === pk", arg=str(world.other_leaf.pk)
    )
    page.locator("#category-suggestion-item").wait_for(state="detached")
    assert page.js_errors == []
