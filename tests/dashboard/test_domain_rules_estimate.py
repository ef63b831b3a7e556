"""The estimate "if evaluated today" weighted by point type the way the evaluators weight
(docs/domain-rules.md §6), on the known October 2026 (tests/bulletins/helpers.py)."""

import datetime

from tests.factories import make_point, make_point_type
from wenming.dashboard import leader
from wenming.inspections.models import Round


def test_equal_type_weights_by_default_and_the_plans_weights_when_there_is_one(ds):
    """Point scores: 背街小巷 P1 50, P3 100 (mean 75); 农贸市场 P2 0, P4 0 (mean 0). Equal weights: 37.5.
    With the city's plan drawing 3 背街小巷 for 1 农贸市场: 0.75 × 75 + 0.25 × 0 = 56.25."""
    points, _cases = leader.scoped(ds.office)
    estimate = leader.estimate_today(points)
    assert estimate.mean_score == 37.5 and estimate.unweighted_mean == 37.5
    assert estimate.weights_source == "各点位类型等权（测评按类型抽取相同数量点位）"
    Round.objects.create(
        kind="city_quarterly", name="2026年第四季度市测评", period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30), standard_set=ds.round.standard_set, state="published", seed=7,
        sampling_plan={"mode": "random", "per_type": {ds.pt1.code: 3, ds.pt2.code: 1}},
    )  # fmt: skip
    weighted = leader.estimate_today(points)
    assert weighted.mean_score == 56.25
    assert weighted.unweighted_mean == 37.5  # the plain mean over inspected points, kept beside
    assert weighted.weights_source == "按“2026年第四季度市测评”抽样方案各类型点位数加权"
    assert [(t["type"], t["weight"], t["mean_score"]) for t in weighted.by_type] == [
        ("背街小巷", 3.0, 75.0), ("农贸市场", 1.0, 0.0),
    ]  # fmt: skip


def test_a_type_in_the_inventory_without_inspections_is_named_not_guessed(ds):
    park = make_point_type(name="公园", order=3)
    make_point(name="仙岳公园", code="P-9", area=ds.points["p1"].area, point_type=park, responsible_unit=ds.u1,
               lat=24.50, lon=118.10)  # fmt: skip
    points, _cases = leader.scoped(ds.office)
    estimate = leader.estimate_today(points)
    assert estimate.missing_types == ["公园"]
    assert estimate.mean_score == 37.5  # 公园 has no data: left out of the weights, and said so
