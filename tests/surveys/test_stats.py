"""The statistics on hand-computed examples: sample sizes, allocation, the post-stratified estimator, its
stratified variance and interval, the design effect, and the difference between waves."""

import math

import pytest

from wenming.surveys import stats
from wenming.surveys.choices import DesignMode
from wenming.surveys.services import Design, plan_targets


def test_z_for_95_percent():
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert stats.z_value(0.99) == pytest.approx(2.575829, abs=1e-6)


@pytest.mark.parametrize(
    ("margin", "population", "n0", "n"),
    [
        # n0 = 1.959964² × 0.25 / 0.05² = 384.146 → 385 (rounded up)
        (0.05, None, 385, 385),
        # n0 = 0.960365 / 0.0009 = 1067.07 → 1068 (the "≈ 1,067" of the tables, rounded up)
        (0.03, None, 1068, 1068),
        # FPC: 384.146 / (1 + 383.146 / 10000) = 369.97 → 370
        (0.05, 10_000, 385, 370),
        # FPC: 384.146 / (1 + 383.146 / 500) = 217.49 → 218
        (0.05, 500, 385, 218),
        # FPC on ±3 %: 1067.07 / (1 + 1066.07 / 100000) = 1055.82 → 1056
        (0.03, 100_000, 1068, 1056),
    ],
)
def test_sample_size_for_a_proportion(margin, population, n0, n):
    size = stats.sample_size(margin, 0.95, 0.5, population)
    assert (size.n0, size.n) == (n0, n)


def test_sample_size_never_exceeds_the_population():
    assert stats.sample_size(0.01, 0.95, 0.5, 30).n == 30


def test_smaller_expected_share_needs_fewer_respondents():
    # 1.959964² × 0.2 × 0.8 / 0.05² = 245.85 → 246
    assert stats.sample_size(0.05, 0.95, 0.2).n0 == 246


def test_proportional_allocation_by_largest_remainder():
    # 1068 × (0.4, 0.3, 0.3) = 427.2, 320.4, 320.4 → 427, 320, 320 (1067) and the one left to the first .4
    assert stats.allocate(1068, [400_000, 300_000, 300_000]) == [427, 321, 320]
    assert sum(stats.allocate(1068, [400_000, 300_000, 300_000])) == 1068


def test_allocation_gives_every_stratum_two_respondents():
    assert stats.allocate(10, [1000, 10, 10]) == [10, 2, 2]


def test_plan_targets_per_design():
    d = Design("street", DesignMode.PER_STRATUM, 0.05, 0.95, 0.5, None, True)
    assert plan_targets(d, [10_000, 500]) == [(370, 385), (218, 385)]
    no_fpc = Design("street", DesignMode.PER_STRATUM, 0.05, 0.95, 0.5, None, False)
    assert plan_targets(no_fpc, [10_000, 500]) == [(385, 385), (385, 385)]
    quota = Design("community", DesignMode.QUOTA, 0.05, 0.95, 0.5, 20, True)
    assert plan_targets(quota, [3000, 15, 800]) == [(20, 20), (15, 20), (20, 20)]
    # overall ±3 % over 1,000,000 people: 1067.07 / (1 + 1066.07/1e6) = 1065.93 → 1066, split 0.5/0.3/0.2
    overall = Design("street", DesignMode.PROPORTIONAL, 0.03, 0.95, 0.5, None, True)
    assert plan_targets(overall, [500_000, 300_000, 200_000]) == [(533, 534), (320, 320), (213, 214)]


TWO_STRATA = [
    stats.StratumData("A", 1000, [1, 1, 1, 0]),  # p = 0.75, s² = 0.25
    stats.StratumData("B", 3000, [1, 0, 0, 0, 0, 1]),  # p = 1/3, s² = 4/15
]


def test_post_stratified_rate_with_stratified_variance():
    est = stats.stratified_mean(TWO_STRATA, confidence=0.95, fpc=True)
    # W = (0.25, 0.75): 0.25 × 0.75 + 0.75 × 1/3 = 0.4375
    assert est.mean == pytest.approx(0.4375)
    # v_A = (1 − 4/1000) × 0.25 / 4 = 0.06225; v_B = (1 − 6/3000) × (4/15) / 6 = 0.04435556
    # v = 0.25² × 0.06225 + 0.75² × 0.04435556 = 0.00389063 + 0.02495000 = 0.02884063
    assert est.se**2 == pytest.approx(0.02884063, rel=1e-6)
    half = 1.959964 * math.sqrt(0.02884063)  # 0.332853
    assert est.ci_low == pytest.approx(0.4375 - half, abs=1e-5)
    assert est.ci_high == pytest.approx(0.4375 + half, abs=1e-5)
    assert (est.n, est.unweighted_mean) == (10, 0.5)
    a, b = est.strata
    assert (a.n, a.mean, a.weight) == (4, 0.75, 0.25)
    assert a.se == pytest.approx(math.sqrt(0.06225))
    assert b.mean == pytest.approx(1 / 3)


def test_design_effect_against_simple_random_sampling():
    est = stats.stratified_mean(TWO_STRATA, confidence=0.95, fpc=True)
    # S² = Σ W s² + Σ W (p_h − p)² = 0.2625 + 0.03255208 = 0.29505208; v_srs = (1 − 10/4000) × S² / 10
    v_srs = (1 - 10 / 4000) * 0.29505208 / 10
    assert est.deff == pytest.approx(0.02884063 / v_srs, rel=1e-5)
    assert est.deff == pytest.approx(0.97991, abs=1e-4)


def test_unweighted_when_weights_follow_the_sample():
    # strata weighted exactly like the sample: the weighted and unweighted means agree
    est = stats.stratified_mean([stats.StratumData(1, 400, [1, 0, 1, 1]), stats.StratumData(2, 600, [0, 0, 1, 1, 0, 1])],
                                fpc=False)  # fmt: skip
    assert est.mean == pytest.approx(0.6)
    assert est.unweighted_mean == pytest.approx(0.6)


def test_without_fpc_the_variance_is_larger():
    with_fpc = stats.stratified_mean(TWO_STRATA, fpc=True)
    without = stats.stratified_mean(TWO_STRATA, fpc=False)
    # v = 0.0625 × 0.0625 + 0.5625 × (4/15)/6 = 0.00390625 + 0.025 = 0.02890625
    assert without.se**2 == pytest.approx(0.02890625)
    assert without.se > with_fpc.se


def test_scores_are_clipped_to_0_100():
    est = stats.stratified_mean([stats.StratumData("A", 100, [100, 100, 60, 0])], bounds=(0, 100), fpc=False)
    # mean 65, s² = (3×35² + ... ) : values − 65 = 35, 35, −5, −65 → (1225 + 1225 + 25 + 4225) / 3 = 2233.33
    assert est.mean == 65
    assert est.se == pytest.approx(math.sqrt(2233.3333 / 4))
    assert est.ci_high <= 100 and est.ci_low >= 0


def test_strata_without_answers_are_reweighted_and_reported():
    est = stats.stratified_mean([stats.StratumData("A", 1000, [1, 0]), stats.StratumData("B", 9000, [])])
    assert est.mean == 0.5
    assert est.strata[1].n == 0 and est.strata[1].mean is None
    assert est.warnings == ["1 个分层没有有效回答，未计入加权估计。"]


def test_a_single_respondent_stratum_is_flagged():
    est = stats.stratified_mean([stats.StratumData("A", 1000, [1]), stats.StratumData("B", 1000, [0, 1])])
    assert est.mean == pytest.approx(0.75)
    assert "1 个分层只有 1 份有效回答，无法估计其方差（按 0 计）。" in est.warnings


def test_no_answers_at_all():
    est = stats.stratified_mean([stats.StratumData("A", 1000, [])])
    assert (est.mean, est.ci_low, est.n) == (None, None, 0)


def test_difference_between_waves():
    d = stats.difference(0.80, 0.02, 0.86, 0.015)
    # se = √(0.0004 + 0.000225) = 0.025; z = 0.06 / 0.025 = 2.4 > 1.96
    assert d.diff == pytest.approx(0.06)
    assert d.se == pytest.approx(0.025)
    assert d.z == pytest.approx(2.4)
    assert d.significant is True
    assert stats.difference(0.80, 0.02, 0.82, 0.02).significant is False
