"""Suggestions where they help: the citizen form proposes a category as they type (one tap, never forced),
the triage queue pre-selects the suggestion with its confidence and accepts in one click, and a report the
model is unsure about is flagged for a person (需人工判断)."""

import pytest

from tests.participation.helpers import submit
from wenming.participation import classifier
from wenming.participation.choices import ReportState
from wenming.participation.models import Report

pytestmark = pytest.mark.django_db

URL = "/public/report/suggest/"


def test_the_citizen_form_proposes_a_public_category_as_they_type(client, world):
    classifier.train()
    html = client.get(URL, {"description": "垃圾桶满了好几天，果皮箱也塞满了"}).content.decode()
    assert f'data-suggested-category="{world.other_leaf.pk}"' in html and "垃圾桶满了没人清" in html
    # Already chosen: nothing to propose. Too short: nothing. Never a hidden (internal) category.
    chosen = {"description": "垃圾桶满了好几天，果皮箱也塞满了", "category": str(world.other_leaf.pk)}
    assert "data-suggested-category" not in client.get(URL, chosen).content.decode()
    assert "data-suggested-category" not in client.get(URL, {"description": "垃圾"}).content.decode()
    internal = client.get(URL, {"description": "内部督办事项内部督办"}).content.decode()
    assert f'data-suggested-category="{world.hidden_leaf.pk}"' not in internal
    form = client.get("/public/report/").content.decode()
    assert 'id="category-suggestion"' in form and URL in form


def test_no_model_no_suggestion_and_no_error(client, world):
    response = client.get(URL, {"description": "路边垃圾好几袋没人收"})
    assert response.status_code == 200 and "data-suggested-category" not in response.content.decode()


def test_the_queue_accepts_the_suggestion_in_one_click(client, world, settings):
    classifier.train()
    report = submit(world, category=None, description="路边垃圾桶满了，果皮箱塞满了溢出来")
    assert report.suggested_category == world.other_leaf and report.suggestion_confidence > 0
    client.force_login(world.office)
    html = client.get("/participation/").content.decode()
    row = html.split(f"#{report.pk}</a>")[1].split("</tr>")[0]
    assert f'name="category" value="{world.other_leaf.pk}"' in row and "one-click-accept" in row
    assert f"{report.suggestion_confidence:.2f}" in row
    response = client.post(
        f"/participation/reports/{report.pk}/accept/",
        {"category": world.other_leaf.pk, "dispatch": "on", "next": "queue"},
    )
    assert response.status_code == 302 and response["Location"] == "/participation/"
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.case.category == world.other_leaf


def test_a_low_confidence_report_is_flagged_for_a_person(client, world, settings):
    classifier.train()
    sure = submit(world, category=None, description="路边垃圾桶满了，果皮箱塞满了溢出来")
    unsure = submit(world, category=None, description="就在那边那里")
    chosen = submit(
        world, description="就在那边那里"
    )  # the citizen chose a category: a person reads it anyway
    settings.PARTICIPATION_LOW_CONFIDENCE = (sure.suggestion_confidence + unsure.suggestion_confidence) / 2
    assert unsure.suggestion_confidence < classifier.low_confidence() <= sure.suggestion_confidence
    client.force_login(world.office)
    html = client.get("/participation/").content.decode()

    def row(r):
        return html.split(f"#{r.pk}</a>")[1].split("</tr>")[0]

    assert "需人工判断" in row(unsure) and "需人工判断" not in row(sure) and "需人工判断" not in row(chosen)
    assert Report.objects.pending().count() == 3
