"""The interim risk source (`wenming.planning.risk.point_risk`): the rule and worked example of its doc."""

import datetime

import pytest
from django.utils import timezone

from tests.planning.factories import observe
from wenming.planning.risk import PointRisk, point_risk


def test_worked_example_recency_weighted_expected_loss(world):
    now = timezone.now()
    failing, other, unseen = world.points
    observe(world, failing, {"compliance": "noncompliant"}, days_ago=0, now=now)
    observe(world, failing, {"compliance": "compliant"}, days_ago=14, now=now)
    risks = point_risk(as_of=now)
    r = risks[failing.pk]
    assert isinstance(r, PointRisk)
    # (1 × 2 + 0.5 × 0) ÷ 1.5 and 1 ÷ 1.5 — the example in risk.py's doc
    assert r.expected_marks_lost == pytest.approx(1.3333, abs=1e-4)
    assert r.p_fail == pytest.approx(0.6667, abs=1e-4)
    # five criteria worth 2 and the civility block worth 1 apply to the type
    assert r.possible_marks == pytest.approx(11.0)


def test_points_and_criteria_combine_and_unseen_points_take_their_type_average(world):
    now = timezone.now()
    a, b, unseen = world.points
    observe(world, a, {"compliance": "noncompliant", "block": "noncompliant"}, days_ago=0, now=now)
    observe(world, b, {"compliance": "compliant", "block": "compliant"}, days_ago=1, now=now)
    risks = point_risk(as_of=now)
    assert risks[a.pk].expected_marks_lost == pytest.approx(3.0)  # 2 + 1
    assert risks[a.pk].p_fail == pytest.approx(1.0)
    assert risks[b.pk].expected_marks_lost == 0
    assert risks[unseen.pk].expected_marks_lost == pytest.approx(1.5)  # mean of 3 and 0
    assert risks[unseen.pk].p_fail == pytest.approx(0.5)


def test_as_of_ignores_later_records_and_point_ids_limit_the_answer(world):
    now = timezone.now()
    a = world.points[0]
    observe(world, a, {"compliance": "noncompliant"}, days_ago=0, now=now)
    earlier = now - datetime.timedelta(days=3)
    assert point_risk(as_of=earlier)[a.pk].expected_marks_lost == 0
    assert set(point_risk(as_of=now, point_ids=[a.pk])) == {a.pk}
    assert point_risk(as_of=now.date())[a.pk].expected_marks_lost == pytest.approx(2.0)


def test_na_observations_do_not_count(world):
    now = timezone.now()
    a = world.points[0]
    observe(world, a, {"compliance": "na"}, days_ago=0, now=now)
    observe(world, a, {"compliance": "noncompliant"}, days_ago=14, now=now)
    assert point_risk(as_of=now)[a.pk].expected_marks_lost == pytest.approx(2.0)
