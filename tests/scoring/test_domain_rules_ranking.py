"""The worked examples of docs/domain-rules.md §3 (ranking bases), asserted number by number."""

from types import SimpleNamespace

from wenming.scoring import bases
from wenming.scoring.engine import CriterionSpec, ObservationValue, ScoredPoint, roll_up, score_point

C = {
    "c1": CriterionSpec("c1", weight=2),
    "c2": CriterionSpec("c2", weight=2),
    "c3": CriterionSpec("c3", weight=6),
}


def _point(pid, street, results):
    observations = [ObservationValue(cid, result) for cid, result in results.items()]
    return ScoredPoint(pid, score_point(C, observations), {"street": street}, pid)


def _example():
    return roll_up(
        [
            _point("X", "A", {"c1": "compliant", "c2": "noncompliant", "c3": "compliant"}),
            _point("Y", "A", {"c1": "noncompliant", "c2": "na", "c3": "compliant"}),
            _point("Z", "B", {"c1": "compliant", "c2": "noncompliant", "c3": "noncompliant"}),
        ],
        "street",
    )


def test_the_three_bases_of_the_worked_example():
    rolled = _example()
    a, b = rolled["A"], rolled["B"]
    # 符合率: A 3 of 5 applicable observations (Y's 不涉及 left out), B 1 of 3
    assert (a.compliant_observations, a.observations) == (3, 5)
    assert bases.printed(a.compliance_rate) == 60.00
    assert bases.printed(b.compliance_rate) == 33.33
    # 得分率: A (8 + 6) ÷ (10 + 8) = 77.78 %, B 2 ÷ 10 = 20 %
    assert (a.earned, a.possible) == (14.0, 18.0)
    assert bases.printed(a.score_rate) == 77.78
    assert bases.printed(b.score_rate) == 20.00
    # 平均得分: A (80 + 75) ÷ 2 = 77.50, B 20
    assert bases.printed(a.mean_score) == 77.50
    assert bases.printed(b.mean_score) == 20.00


def test_the_basis_changes_the_order_and_is_stated():
    rows = [
        SimpleNamespace(name="甲", compliance_rate=90.0, score_rate=70.0, mean_score=71.0),
        SimpleNamespace(name="乙", compliance_rate=80.0, score_rate=75.0, mean_score=76.0),
    ]
    assert [r.item.name for r in bases.rank_by(rows, "compliance_rate")] == ["甲", "乙"]
    assert [r.item.name for r in bases.rank_by(rows, "score_rate")] == ["乙", "甲"]
    text = bases.rule_text("score_rate")
    assert "排名依据：得分率" in text and "并列" in text and "两位小数" in text


def test_printed_equal_values_tie_and_the_next_rank_is_skipped():
    rows = [
        SimpleNamespace(name="甲", mean_score=87.125),  # prints 87.13 (half up)
        SimpleNamespace(name="乙", mean_score=87.1251),  # prints 87.13
        SimpleNamespace(name="丙", mean_score=87.1249),  # prints 87.12
        SimpleNamespace(name="丁", mean_score=None),
    ]
    ranked = bases.rank_by(rows, "mean_score")
    assert [(r.item.name, r.rank, r.tied) for r in ranked] == [
        ("甲", 1, True), ("乙", 1, True), ("丙", 3, False), ("丁", None, False),
    ]  # fmt: skip
    assert bases.printed(87.125) == 87.13 and round(87.125, 2) == 87.12  # half up, not binary rounding
