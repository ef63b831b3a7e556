"""The pure scoring engine: each rule on hand-computed examples, then properties with hypothesis."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.scoring.engine import (
    DROPPED,
    IMPROVED,
    NEW,
    UNCHANGED,
    WORSE,
    CriterionSpec,
    ObservationValue,
    ScoredPoint,
    ScoringError,
    compare,
    grade,
    pareto,
    rank,
    roll_up,
    score_point,
)

OK, BAD, NA = "compliant", "noncompliant", "na"


def obs(cid, result, problems=0, count=None, sub=None):
    return ObservationValue(criterion_id=cid, result=result, problems=problems, count=count, sub_results=sub)


# --- compliance -----------------------------------------------------------------------------------------


def test_compliance_single_observation():
    c = CriterionSpec(id=1, weight=2.0, rule="compliance")
    assert grade(c, [obs(1, OK)]).earned == 2.0
    g = grade(c, [obs(1, BAD)])
    assert (g.earned, g.possible, g.problems, g.compliant, g.applicable) == (0.0, 2.0, 1, False, True)


def test_compliance_several_observations_give_a_rate():
    # given three stairwells checked, two compliant, one N/A
    c = CriterionSpec(id=1, weight=3.0, rule="compliance")
    g = grade(c, [obs(1, OK), obs(1, BAD), obs(1, OK), obs(1, NA)])
    # then 2 of 3 applicable comply: 3 × 2/3
    assert g.earned == pytest.approx(2.0)
    assert g.possible == 3.0
    assert g.observations == 3
    assert not g.compliant


def test_na_leaves_the_denominator():
    c = CriterionSpec(id=1, weight=3.0, rule="compliance")
    g = grade(c, [obs(1, NA), obs(1, NA)])
    assert (g.earned, g.possible, g.applicable, g.grade_letter) == (0.0, 0.0, False, None)


def test_grade_ignores_observations_of_other_criteria():
    c = CriterionSpec(id=1, weight=1.0)
    assert grade(c, [obs(2, BAD), obs(1, OK)]).compliant is True


# --- abc ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problems", "letter", "earned"),
    [(0, "A", 3.0), (1, "B", 1.98), (2, "C", 0.99), (3, "C#", 0.0), (7, "C#", 0.0)],
)
def test_abc_default_bands(problems, letter, earned):
    c = CriterionSpec(
        id=1, weight=3.0, rule="abc", params={"thresholds": [0, 1, 2, 3], "rates": [1, 0.66, 0.33, 0]}
    )
    result = BAD if problems else OK
    g = grade(c, [obs(1, result, problems=problems)])
    assert g.grade_letter == letter
    assert g.earned == pytest.approx(earned)
    assert g.problems == problems


def test_abc_problems_add_up_over_observations_and_defaults_apply():
    c = CriterionSpec(id=1, weight=1.0, rule="abc")  # no params: the national 0/1/2/≥3 → 100/66/33/0
    g = grade(c, [obs(1, BAD, problems=1), obs(1, BAD)])
    assert (g.grade_letter, g.problems) == ("C", 2)
    assert g.earned == pytest.approx(0.33)


def test_abc_custom_thresholds():
    # given a stricter item: A at 0, B at 1–2, C from 3
    c = CriterionSpec(id=1, weight=10.0, rule="abc", params={"thresholds": [0, 1, 3], "rates": [1, 0.5, 0.2]})
    assert grade(c, [obs(1, BAD, problems=2)]).earned == pytest.approx(5.0)
    assert grade(c, [obs(1, BAD, problems=2)]).grade_letter == "B"
    assert grade(c, [obs(1, BAD, problems=3)]).earned == pytest.approx(2.0)


def test_abc_noncompliant_without_a_count_is_one_problem():
    c = CriterionSpec(id=1, weight=1.0, rule="abc")
    assert grade(c, [obs(1, BAD)]).grade_letter == "B"


# --- deduction ------------------------------------------------------------------------------------------


def test_deduction_per_problem():
    c = CriterionSpec(id=1, weight=4.0, rule="deduction", params={"per_problem": 0.5, "cap": 4.0})
    g = grade(c, [obs(1, BAD, problems=3)])
    assert g.earned == pytest.approx(2.5)
    assert g.problems == 3


def test_deduction_cap_and_never_below_zero():
    c = CriterionSpec(id=1, weight=4.0, rule="deduction", params={"per_problem": 2, "cap": 3})
    assert grade(c, [obs(1, BAD, problems=10)]).earned == pytest.approx(1.0)
    uncapped = CriterionSpec(id=1, weight=4.0, rule="deduction", params={"per_problem": 2})
    assert grade(uncapped, [obs(1, BAD, problems=10)]).earned == 0.0


def test_deduction_sums_problems_over_observations():
    c = CriterionSpec(id=1, weight=4.0, rule="deduction", params={"per_problem": 0.5})
    assert grade(c, [obs(1, BAD, problems=2), obs(1, BAD, problems=1), obs(1, OK)]).earned == pytest.approx(
        2.5
    )


# --- quota ----------------------------------------------------------------------------------------------


def test_quota_counts_missing_items():
    # given ≥ 2 core-values ads per bus, −0.5 per missing one, weight 2
    c = CriterionSpec(id=1, weight=2.0, rule="quota", params={"required": 2, "per_missing": 0.5})
    assert grade(c, [obs(1, OK, count=3)]).earned == 2.0
    g = grade(c, [obs(1, BAD, count=1)])
    assert (g.earned, g.problems) == (pytest.approx(1.5), 1)
    assert grade(c, [obs(1, BAD, count=0), obs(1, BAD, count=1)]).earned == pytest.approx(0.5)


def test_quota_never_below_zero_and_verdict_without_count():
    c = CriterionSpec(id=1, weight=1.0, rule="quota", params={"required": 5, "per_missing": 0.5})
    assert grade(c, [obs(1, BAD, count=0)]).earned == 0.0
    assert grade(c, [obs(1, BAD)]).earned == pytest.approx(0.5)  # non-compliant, no count: one missing


# --- sampled --------------------------------------------------------------------------------------------

SAMPLED = {"sample_size": 5, "grades": {"A": 5, "B": 4}, "rates": {"A": 1, "B": 0.6, "C": 0.2}}


@pytest.mark.parametrize(
    ("subs", "letter", "earned"),
    [
        ([True] * 5, "A", 5.0),
        ([True] * 4 + [False], "B", 3.0),
        ([True] * 3 + [False] * 2, "C", 1.0),
        ([False] * 5, "C", 1.0),
    ],
)
def test_sampled_five_roads(subs, letter, earned):
    c = CriterionSpec(id=1, weight=5.0, rule="sampled", params=SAMPLED)
    g = grade(c, [obs(1, OK if all(subs) else BAD, sub=subs)])
    assert (g.grade_letter, g.earned) == (letter, pytest.approx(earned))
    assert g.problems == subs.count(False)


def test_sampled_other_sample_sizes_compare_proportionally():
    c = CriterionSpec(id=1, weight=5.0, rule="sampled", params=SAMPLED)
    # 8 of 10 comply = 4 of 5 → B; 7 of 10 < 4/5 → C
    assert grade(c, [obs(1, BAD, sub=[True] * 8 + [False] * 2)]).grade_letter == "B"
    assert grade(c, [obs(1, BAD, sub=[True] * 7 + [False] * 3)]).grade_letter == "C"


def test_sampled_without_sub_results_uses_the_verdict():
    c = CriterionSpec(id=1, weight=5.0, rule="sampled", params=SAMPLED)
    assert grade(c, [obs(1, OK)]).grade_letter == "A"
    assert grade(c, [obs(1, BAD, problems=1)]).grade_letter == "B"
    assert grade(c, [obs(1, BAD, problems=2)]).grade_letter == "C"


def test_unknown_rule_and_result_are_refused():
    with pytest.raises(ScoringError):
        grade(CriterionSpec(id=1, weight=1, rule="magic"), [obs(1, OK)])
    with pytest.raises(ScoringError):
        grade(CriterionSpec(id=1, weight=1), [obs(1, "maybe")])


# --- points ---------------------------------------------------------------------------------------------


def test_score_point_sums_and_passes_only_when_everything_complies():
    crit = [
        CriterionSpec(id="a", weight=2.0),
        CriterionSpec(id="b", weight=3.0, rule="deduction", params={"per_problem": 1}),
        CriterionSpec(id="c", weight=5.0, rule="abc"),
        CriterionSpec(id="d", weight=1.0),
    ]
    s = score_point(crit, [obs("a", OK), obs("b", BAD, problems=1), obs("c", OK), obs("d", NA)])
    # (2 + 2 + 5) / (2 + 3 + 5) = 90 %
    assert (s.earned, s.possible) == (pytest.approx(9.0), pytest.approx(10.0))
    assert s.score_0_100 == pytest.approx(90.0)
    assert s.passed is False
    assert s.failing_criteria == ("b",)
    assert s.unobserved == ()
    assert s.grades["d"].applicable is False


def test_score_point_all_compliant_passes_with_100_and_lists_unobserved():
    crit = {
        1: CriterionSpec(id=1, weight=1),
        2: CriterionSpec(id=2, weight=2),
        3: CriterionSpec(id=3, weight=1),
    }
    s = score_point(crit, [obs(1, OK), obs(2, OK)])
    assert (s.score_0_100, s.passed, s.failing_criteria, s.unobserved) == (100.0, True, (), (3,))


def test_score_point_with_nothing_applicable_is_unassessed():
    s = score_point([CriterionSpec(id=1, weight=1)], [obs(1, NA)])
    assert (s.score_0_100, s.passed, s.assessed) == (None, False, False)


def test_score_point_refuses_an_observation_of_an_unknown_criterion():
    with pytest.raises(ScoringError):
        score_point([CriterionSpec(id=1, weight=1)], [obs(2, OK)])


# --- roll-ups, ranks, comparisons, Pareto -------------------------------------------------------------


def _sp(pid, score, passed, street, earned=None, possible=10.0):
    from wenming.scoring.engine import PointScore

    earned = score / 10 if earned is None else earned
    ps = PointScore(earned=earned, possible=possible, score_0_100=score, passed=passed, failing_criteria=())
    return ScoredPoint(point_id=pid, score=ps, keys={"street": street}, ref=pid * 100)


def test_roll_up_by_street_means_and_pass_rate():
    items = [
        _sp(1, 100.0, True, "湖里"),
        _sp(2, 80.0, False, "湖里"),
        _sp(3, 90.0, True, "殿前"),
        _sp(4, 50.0, False, None),
    ]
    r = roll_up(items, "street")
    assert list(r) == ["湖里", "殿前"]
    assert (r["湖里"].points, r["湖里"].passed, r["湖里"].mean_score, r["湖里"].pass_rate) == (
        2,
        1,
        90.0,
        0.5,
    )
    assert r["湖里"].members == (100, 200)
    assert r["湖里"].score_rate == pytest.approx(90.0)
    assert r["殿前"].failed == 0


def test_roll_up_with_a_function_and_unassessed_points():
    from wenming.scoring.engine import PointScore

    blank = ScoredPoint(point_id=9, score=PointScore(0.0, 0.0, None, False, ()), keys={})
    r = roll_up([_sp(1, 60.0, False, "x"), blank], key=lambda item: "all")
    assert (r["all"].points, r["all"].unassessed, r["all"].mean_score, r["all"].pass_rate) == (
        1,
        1,
        60.0,
        0.0,
    )


def test_rank_competition_ties():
    rows = [("a", 90.0), ("b", 95.0), ("c", 90.0), ("d", 80.0), ("e", None)]
    ranked = rank(rows, key=lambda r: r[1])
    assert [(x.item[0], x.rank, x.tied) for x in ranked] == [
        ("b", 1, False),
        ("a", 2, True),
        ("c", 2, True),
        ("d", 4, False),
        ("e", None, False),
    ]


def test_rank_float_noise_is_a_tie_and_ascending_works():
    ranked = rank([0.1 + 0.2, 0.3, 0.1], key=lambda v: v, descending=False)
    assert [x.rank for x in ranked] == [1, 2, 2]


def test_compare_statuses():
    before = {"湖里": 90.0, "殿前": 85.0, "禾山": 70.0, "江头": 60.0}
    after = {"湖里": 92.0, "殿前": 80.0, "禾山": 70.0, "金山": 88.0}
    changes = {c.key: c for c in compare(before, after)}
    assert {k: c.status for k, c in changes.items()} == {
        "湖里": IMPROVED,
        "殿前": WORSE,
        "禾山": UNCHANGED,
        "金山": NEW,
        "江头": DROPPED,
    }
    assert changes["湖里"].delta == pytest.approx(2.0)
    ranks = {c.key: c.status for c in compare({"a": 3}, {"a": 1}, higher_is_better=False)}
    assert ranks == {"a": IMPROVED}


def test_pareto_sorted_with_cumulative_share():
    rows = pareto(
        {"保洁": 30.0, "广告": 10.0, "骑手": 50.0, "零": 0.0, "小区": 10.0}, counts={"广告": 7, "小区": 3}
    )
    assert [r.key for r in rows] == ["骑手", "保洁", "广告", "小区"]
    assert [round(r.share, 3) for r in rows] == [0.5, 0.3, 0.1, 0.1]
    assert [round(r.cumulative_share, 3) for r in rows] == [0.5, 0.8, 0.9, 1.0]
    assert [r.vital for r in rows] == [True, True, False, False]
    assert [r.count for r in rows] == [0, 0, 7, 3]
    assert pareto({}) == []


# --- properties -----------------------------------------------------------------------------------------

RULE_SPECS = [
    CriterionSpec(id=0, weight=1.0),
    CriterionSpec(id=0, weight=1.0, rule="abc"),
    CriterionSpec(id=0, weight=1.0, rule="deduction", params={"per_problem": 0.3}),
    CriterionSpec(id=0, weight=1.0, rule="deduction", params={"per_problem": 2, "cap": 0.5}),
    CriterionSpec(id=0, weight=1.0, rule="quota", params={"required": 3, "per_missing": 0.25}),
    CriterionSpec(id=0, weight=1.0, rule="sampled", params=SAMPLED),
]

observation_st = st.builds(
    ObservationValue,
    criterion_id=st.just(0),
    result=st.sampled_from([OK, BAD, NA]),
    problems=st.integers(0, 6),
    count=st.none() | st.integers(0, 6),
    sub_results=st.none() | st.lists(st.booleans(), min_size=1, max_size=8),
)


@st.composite
def point_st(draw):
    n = draw(st.integers(1, 6))
    specs = []
    for i in range(n):
        base = draw(st.sampled_from(RULE_SPECS))
        weight = draw(st.floats(0.0, 20.0, allow_nan=False))
        specs.append(CriterionSpec(id=i, weight=weight, rule=base.rule, params=base.params))
    observations = []
    for spec in specs:
        for o in draw(st.lists(observation_st, min_size=0, max_size=3)):
            observations.append(ObservationValue(spec.id, o.result, o.problems, o.count, o.sub_results))
    return specs, observations


@settings(max_examples=300, deadline=None)
@given(point_st())
def test_property_scores_in_range(point):
    specs, observations = point
    s = score_point(specs, observations)
    for g in s.grades.values():
        assert 0.0 <= g.earned <= g.possible
    assert 0.0 <= s.earned <= s.possible
    assert s.score_0_100 is None or 0.0 <= s.score_0_100 <= 100.0


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RULE_SPECS), st.lists(observation_st, min_size=1, max_size=4), st.data())
def test_property_more_problems_never_score_more(spec, observations, data):
    # given the same observations, one of them with more problems found (and so non-compliant)
    i = data.draw(st.integers(0, len(observations) - 1))
    extra = data.draw(st.integers(1, 5))
    o = observations[i]
    if o.result == NA:
        return
    worse = list(observations)
    fewer_subs = None if o.sub_results is None else [False] * len(o.sub_results)
    worse[i] = ObservationValue(
        0,
        BAD,
        o.problems + extra,
        None if o.count is None else max(o.count - extra, 0),
        o.sub_results if data.draw(st.booleans()) else fewer_subs,
    )
    # then the grade never goes up
    assert grade(spec, worse).earned <= grade(spec, observations).earned + 1e-12


@settings(max_examples=300, deadline=None)
@given(point_st(), st.lists(st.integers(0, 5), max_size=5))
def test_property_na_never_lowers_a_score(point, na_targets):
    specs, observations = point
    before = score_point(specs, observations)
    with_na = observations + [ObservationValue(t % len(specs), NA) for t in na_targets]
    after = score_point(specs, with_na)
    assert after.earned == before.earned
    assert after.possible == before.possible
    assert after.passed == before.passed
    if before.score_0_100 is not None:
        assert after.score_0_100 == before.score_0_100


@settings(max_examples=200, deadline=None)
@given(point_st())
def test_property_all_compliant_passes_with_100(point):
    specs, _ = point
    observations = [ObservationValue(s.id, OK, 0, count=10, sub_results=None) for s in specs]
    s = score_point(specs, observations)
    assert s.passed is True
    assert s.score_0_100 == 100.0
    assert s.failing_criteria == ()


def test_unknown_grading_rule_error_message_names_the_criterion():
    with pytest.raises(ScoringError, match="'x-1'"):
        grade(CriterionSpec(id="x-1", weight=1, rule="nope"), [obs("x-1", OK)])


def test_sub_score_is_the_part_of_the_point_a_group_owns():
    from wenming.scoring.engine import sub_score

    crit = [CriterionSpec(id=1, weight=2), CriterionSpec(id=2, weight=3), CriterionSpec(id=3, weight=5)]
    whole = score_point(crit, [obs(1, OK), obs(2, BAD), obs(3, NA)])
    part = sub_score(whole, [1, 3])
    assert (part.earned, part.possible, part.score_0_100, part.passed) == (2.0, 2.0, 100.0, True)
    other = sub_score(whole, [2])
    assert (other.score_0_100, other.passed, other.failing_criteria) == (0.0, False, (2,))
    assert sub_score(whole, [3]).assessed is False


@pytest.mark.parametrize(
    ("rule", "params", "observations", "earned", "letter"),
    [
        ("compliance", {}, [obs(0, OK), obs(0, BAD)], 1.0, None),
        ("abc", {}, [obs(0, BAD, problems=2)], 0.66, "C"),
        ("abc", {"thresholds": [0, 2], "rates": [1, 0.5], "letters": ["优", "差"]}, [obs(0, BAD)], 2.0, "优"),
        ("deduction", {"per_problem": 0.5}, [obs(0, BAD, problems=3)], 0.5, None),
        ("quota", {"required": 2, "per_missing": 0.5, "unit": "块"}, [obs(0, BAD, count=1)], 1.5, None),
        (
            "sampled",
            {"sample_size": 5, "grades": {"A": 5, "B": 4}, "rates": {"A": 1, "B": 0.6, "C": 0}, "unit": "条"},
            [obs(0, BAD, sub=[True, True, True, True, False])],
            1.2,
            "B",
        ),
    ],
)
def test_engine_reads_the_params_standards_rules_normalises(rule, params, observations, earned, letter):
    # given params exactly as the standards app stores them (validate_rule's normalised form)
    from decimal import Decimal

    from wenming.standards.rules import validate_rule

    normalised = validate_rule(rule, params, Decimal("2"))
    g = grade(CriterionSpec(id=0, weight=2.0, rule=rule, params=normalised), observations)
    assert g.earned == pytest.approx(earned)
    assert g.grade_letter == letter


def test_every_criterion_of_the_default_standard_is_graded_by_the_engine():
    # given the shipped standard's criteria, with params normalised as the standards app stores them
    from decimal import Decimal
    from pathlib import Path

    import yaml

    import wenming.standards
    from wenming.standards.rules import validate_rule

    path = Path(wenming.standards.__file__).parent / "data" / "default_standard.yaml"
    if not path.exists():
        pytest.skip("the default standard is not shipped in this tree")
    criteria = yaml.safe_load(path.read_text(encoding="utf-8"))["criteria"]
    assert {c["rule"] for c in criteria} == {"compliance", "abc", "deduction", "quota", "sampled"}
    for c in criteria:
        weight = Decimal(str(c["weight"]))
        spec = CriterionSpec(
            id=c["code"],
            weight=float(weight),
            rule=c["rule"],
            params=validate_rule(c["rule"], c.get("rule_params"), weight),
        )
        # then full compliance earns the weight and one problem never earns more and is not compliant
        ok = grade(spec, [obs(c["code"], OK, count=10_000)])
        bad = grade(spec, [obs(c["code"], BAD, problems=1, count=0, sub=[False] * 5)])
        assert (ok.earned, ok.compliant) == (pytest.approx(float(weight)), True), c["code"]
        assert bad.earned < ok.earned and bad.compliant is False, c["code"]
