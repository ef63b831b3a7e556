"""Duplicate candidates in triage: ranked by distance, time, category and text similarity."""

import datetime

import pytest

from tests.participation.helpers import LAT, submit
from wenming.participation import services
from wenming.participation.duplicates import WEIGHTS, duplicate_candidates, text_similarity

pytestmark = pytest.mark.django_db
NORTH_100M = 100 / 111_195  # degrees of latitude in 100 m


def test_candidates_are_ranked_by_the_weighted_score(world):
    near_same = services.accept_report(
        submit(world, description="路边垃圾堆了好几袋没人收"), actor=world.office
    )
    far_other = services.accept_report(
        submit(world, category=world.other_leaf, lat=LAT + 2 * NORTH_100M, description="果皮箱满溢"),
        actor=world.office,
    )
    pending_twin = submit(world, description="路边垃圾堆了好几袋没人收拾")
    report = submit(world, description="路边垃圾堆了好几袋没人收")
    found = duplicate_candidates(report)
    assert [(c.kind, c.obj.pk) for c in found] == [
        ("case", near_same.case_id),
        ("report", pending_twin.pk),
        ("case", far_other.case_id),
    ]
    best = found[0]
    assert (best.distance_m, best.category, best.text) == (0.0, 1.0, 1.0)
    time_part = 1 - best.hours_apart / (30 * 24)
    expected = (
        WEIGHTS["distance"] * 1 + WEIGHTS["time"] * time_part + WEIGHTS["category"] * 1 + WEIGHTS["text"] * 1
    )
    assert best.score == pytest.approx(expected, abs=1e-4)
    last = found[-1]
    assert (round(last.distance_m), last.category) == (200, 0.5)


def test_far_away_old_or_closed_cases_are_not_candidates(world):
    from tests.participation.helpers import close_case_of

    closed = services.accept_report(submit(world), actor=world.office)
    close_case_of(world, closed)
    submit(world, lat=LAT + 5 * NORTH_100M)  # 500 m away: outside the 300 m radius
    submit(world, at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=40))
    report = submit(world)
    assert duplicate_candidates(report) == []
    assert report.duplicate_count == 0


def test_submission_counts_likely_duplicates(world):
    submit(world, description="路边垃圾堆了好几袋没人收")
    report = submit(world, description="路边垃圾堆了好几袋没人收")
    assert report.duplicate_count == 1


def test_text_similarity_is_character_level():
    assert text_similarity("路边垃圾没人收", "路边垃圾没人收") == 1.0
    assert text_similarity("路边垃圾没人收", "路灯不亮") < 0.5
    assert text_similarity("", "路灯不亮") == 0.0
