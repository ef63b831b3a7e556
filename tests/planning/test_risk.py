"""The planner's one risk read (`wenming.planning.risk.point_risk`) is the forecast's per-point risk."""

import datetime

from django.utils import timezone

from tests.planning.factories import observe
from wenming.forecast import api as forecast_api
from wenming.planning.risk import PointRisk, point_risk


def test_the_planner_reads_the_forecasts_risk(world):
    now = timezone.now()
    failing, passing, _unseen = world.points
    observe(world, failing, {"compliance": "noncompliant", "block": "noncompliant"}, days_ago=1, now=now)
    observe(world, passing, {"compliance": "compliant", "block": "compliant"}, days_ago=1, now=now)
    ours = point_risk()
    assert ours == forecast_api.point_risk()
    assert all(isinstance(r, PointRisk) for r in ours.values())
    # what the records say moves the risk: the point seen failing is riskier than the one seen passing
    assert ours[failing.pk].expected_marks_lost > ours[passing.pk].expected_marks_lost
    assert ours[failing.pk].p_fail > ours[passing.pk].p_fail
    assert 0 < ours[failing.pk].expected_marks_lost <= ours[failing.pk].possible_marks


def test_a_day_reads_the_records_up_to_its_end_and_point_ids_limit_the_answer(world):
    now = timezone.now()
    a, b, _unseen = world.points
    observe(world, a, {"compliance": "noncompliant", "block": "noncompliant"}, days_ago=0, now=now)
    three_days_ago = (now - datetime.timedelta(days=3)).date()
    before = point_risk(as_of=three_days_ago)
    assert before[a.pk].expected_marks_lost == before[b.pk].expected_marks_lost  # nothing seen yet: alike
    today = point_risk(as_of=timezone.localdate())
    assert today[a.pk].expected_marks_lost > today[b.pk].expected_marks_lost
    assert set(point_risk(point_ids=[a.pk])) == {a.pk}
