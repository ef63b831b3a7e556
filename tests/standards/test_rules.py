"""Grading-rule parameter validation (`wenming.standards.rules`): each rule valid and invalid."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from wenming.standards.models import Criterion, Indicator, StandardSet
from wenming.standards.rules import RuleError, describe_rule, validate_rule

W = Decimal("2")


@pytest.mark.parametrize(
    ("rule", "params", "expected"),
    [
        ("compliance", {}, {}),
        ("compliance", None, {}),
        (
            "abc",
            {},
            {"thresholds": [0, 1, 2, 3], "rates": [1, 0.66, 0.33, 0], "letters": ["A", "B", "C", "C#"]},
        ),
        (
            "abc",
            {"thresholds": [0, 2, 5], "rates": [1, 0.5, 0]},
            {"thresholds": [0, 2, 5], "rates": [1, 0.5, 0], "letters": ["A", "B", "C"]},
        ),
        (
            "abc",
            {"thresholds": [0, 1], "rates": ["1", "0.4"], "letters": ["优", "差"]},
            {"thresholds": [0, 1], "rates": [1, 0.4], "letters": ["优", "差"]},
        ),
        ("deduction", {"per_problem": 0.5}, {"per_problem": 0.5, "cap": 2}),
        ("deduction", {"per_problem": "0.25", "cap": 1.5}, {"per_problem": 0.25, "cap": 1.5}),
        ("deduction", {"per_problem": 2, "cap": 2}, {"per_problem": 2, "cap": 2}),
        (
            "quota",
            {"required": 2, "per_missing": 0.5},
            {"required": 2, "per_missing": 0.5, "cap": 2, "unit": "处"},
        ),
        (
            "quota",
            {"required": 5, "per_missing": 0.2, "cap": 1, "unit": "块"},
            {"required": 5, "per_missing": 0.2, "cap": 1, "unit": "块"},
        ),
        (
            "sampled",
            {"sample_size": 5, "grades": {"B": 4, "A": 5}, "rates": {"A": 1, "B": 0.66, "C": 0.33}},
            {
                "sample_size": 5,
                "grades": {"A": 5, "B": 4},
                "fallback": "C",
                "rates": {"A": 1, "B": 0.66, "C": 0.33},
                "unit": "个",
            },
        ),
        (
            "sampled",
            {
                "sample_size": 2,
                "grades": {"A": 2},
                "fallback": "D",
                "rates": {"A": 1, "D": 0},
                "unit": "个楼道",
            },
            {
                "sample_size": 2,
                "grades": {"A": 2},
                "fallback": "D",
                "rates": {"A": 1, "D": 0},
                "unit": "个楼道",
            },
        ),
    ],
)
def test_valid_params_are_normalised(rule, params, expected):
    # when
    normalised = validate_rule(rule, params, W)
    # then: defaults filled, numbers as JSON numbers, and normalising again changes nothing
    assert normalised == expected
    assert validate_rule(rule, normalised, W) == normalised


@pytest.mark.parametrize(
    ("rule", "params", "weight", "message"),
    [
        ("nonsense", {}, W, "未知评分规则「nonsense」"),
        ("compliance", [], W, "规则参数必须是键值对"),
        ("compliance", {"cap": 1}, W, "「符合/不符合」规则不需要参数，却给了：cap。"),
        ("compliance", {}, Decimal("0"), "分值必须大于 0。"),
        ("compliance", {}, "abc", "分值必须是数字"),
        ("abc", {"thresholds": [1, 2, 3]}, W, "第一档必须从 0 处问题开始"),
        ("abc", {"thresholds": [0, 2, 2, 3]}, W, "必须严格递增"),
        ("abc", {"thresholds": [0, 1, 2]}, W, "分档数不是 4 档时必须给出 rates"),
        ("abc", {"rates": [1, 0.66, 0.33]}, W, "rates（各档得分率）的个数必须与 thresholds 相同"),
        ("abc", {"rates": [1, 0.66, 0.8, 0]}, W, "必须随问题数增加而不增"),
        ("abc", {"rates": [1.2, 0.66, 0.33, 0]}, W, "得分率必须在 0 到 1 之间"),
        ("abc", {"thresholds": [0, 1.5, 2, 3]}, W, "必须是整数"),
        ("abc", {"thresholds": [0]}, W, "必须是 2–6 个整数的列表"),
        ("abc", {"letters": ["A", "A", "B", "C"]}, W, "letters（档次名称）不能重复"),
        ("abc", {"grades": {}}, W, "未知参数：grades"),
        ("deduction", {}, W, "必须给出 per_problem"),
        ("deduction", {"per_problem": 0}, W, "per_problem（每处问题扣分）必须大于 0"),
        ("deduction", {"per_problem": -1}, W, "必须大于 0"),
        ("deduction", {"per_problem": "x"}, W, "必须是数字，却是「x」"),
        ("deduction", {"per_problem": True}, W, "必须是数字"),
        ("deduction", {"per_problem": 0.5, "cap": 3}, W, "cap（扣分上限）3 不能大于本条分值 2"),
        ("deduction", {"per_problem": 1.5, "cap": 1}, W, "不能大于扣分上限 1"),
        ("deduction", {"per_problem": "NaN"}, W, "必须是有限的数字"),
        ("quota", {"required": 2}, W, "必须给出 required（应有数量）和 per_missing"),
        ("quota", {"required": 0, "per_missing": 0.5}, W, "required（应有数量）不能小于 1"),
        ("quota", {"required": 2.5, "per_missing": 0.5}, W, "required（应有数量）必须是整数"),
        ("quota", {"required": 2, "per_missing": 3}, W, "不能大于扣分上限 2"),
        ("quota", {"required": 2, "per_missing": 0.5, "unit": ""}, W, "unit（计数单位）必须是 1–10 个字符"),
        ("quota", {"required": 20000, "per_missing": 0.5}, W, "不能大于 10000"),
        ("sampled", {"sample_size": 5, "grades": {"A": 5}}, W, "必须给出 sample_size"),
        (
            "sampled",
            {"sample_size": 0, "grades": {"A": 1}, "rates": {"A": 1, "C": 0}},
            W,
            "sample_size（抽查数量）不能小于 1",
        ),
        (
            "sampled",
            {"sample_size": 5, "grades": {"A": 6}, "rates": {"A": 1, "C": 0}},
            W,
            "合格数 6 不能大于抽查数量 5",
        ),
        (
            "sampled",
            {"sample_size": 5, "grades": {"A": 4, "B": 4}, "rates": {"A": 1, "B": 1, "C": 0}},
            W,
            "合格数不能相同",
        ),
        ("sampled", {"sample_size": 5, "grades": {"A": 5}, "rates": {"A": 1}}, W, "恰好给出这些档次：A、C"),
        (
            "sampled",
            {"sample_size": 5, "grades": {"A": 5, "B": 4}, "rates": {"A": 0.5, "B": 1, "C": 0}},
            W,
            "从高档到低档不增",
        ),
        (
            "sampled",
            {"sample_size": 5, "grades": {"A": 5}, "fallback": "A", "rates": {"A": 1}},
            W,
            "不能与 grades 中的档次重名",
        ),
        ("sampled", {"sample_size": 5, "grades": [5, 4], "rates": {}}, W, "grades（各档最少合格数）必须是"),
    ],
)
def test_invalid_params_raise_a_chinese_message(rule, params, weight, message):
    with pytest.raises(RuleError) as info:
        validate_rule(rule, params, weight)
    assert message in str(info.value)


@given(
    per=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5"), places=2),
    weight=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50"), places=2),
)
def test_deduction_accepts_exactly_per_problem_up_to_the_weight(per, weight):
    # given a per-problem deduction and no cap: the cap defaults to the weight
    if per <= weight:
        normalised = validate_rule("deduction", {"per_problem": per}, weight)
        assert Decimal(str(normalised["cap"])) == weight
        assert validate_rule("deduction", normalised, weight) == normalised
    else:
        with pytest.raises(RuleError):
            validate_rule("deduction", {"per_problem": per}, weight)


@pytest.mark.parametrize(
    ("rule", "params", "text"),
    [
        ("compliance", {}, "逐项判定符合/不符合，按符合率计分（满分 2 分）。"),
        (
            "abc",
            {},
            "0 处问题为 A 档（100%）；1 处问题为 B 档（66%）；2 处问题为 C 档（33%）；≥3 处问题为 C# 档（0%）；满分 2 分。",
        ),
        ("deduction", {"per_problem": 0.5}, "每发现 1 处问题扣 0.5 分，最多扣 2 分（满分 2 分）。"),
        (
            "quota",
            {"required": 2, "per_missing": 0.5, "unit": "块"},
            "应不少于 2 块，每缺 1 块扣 0.5 分，最多扣 2 分（满分 2 分）。",
        ),
        (
            "sampled",
            {
                "sample_size": 5,
                "grades": {"A": 5, "B": 4},
                "rates": {"A": 1, "B": 0.66, "C": 0},
                "unit": "条道路",
            },
            "抽查 5 条道路：5 条道路及以上合格为 A 档（100%）；4 条道路及以上合格为 B 档（66%）；其余为 C 档（0%）；满分 2 分。",
        ),
    ],
)
def test_describe_rule_tells_the_inspector_how_to_grade(rule, params, text):
    assert describe_rule(rule, validate_rule(rule, params, W), W) == text


def test_describe_abc_with_wide_bands():
    params = validate_rule("abc", {"thresholds": [0, 2, 5], "rates": [1, 0.5, 0]}, W)
    assert (
        describe_rule("abc", params, W)
        == "0–1 处问题为 A 档（100%）；2–4 处问题为 B 档（50%）；≥5 处问题为 C 档（0%）；满分 2 分。"
    )


@pytest.mark.django_db
def test_criterion_clean_validates_and_normalises_params():
    # given a criterion with a cap above its weight
    standard_set = StandardSet.objects.create(code="S", name="体系", version="1", scope="district")
    item = Indicator.objects.create(standard_set=standard_set, level=1, code="A", name="项目")
    ind = Indicator.objects.create(standard_set=standard_set, level=2, code="A1", name="指标", parent=item)
    content = Indicator.objects.create(
        standard_set=standard_set, level=3, code="A1-1", name="内容", parent=ind
    )
    criterion = Criterion(
        standard_set=standard_set,
        indicator=content,
        code="C1",
        text="标准",
        weight=Decimal("1"),
        rule="deduction",
        rule_params={"per_problem": 0.5, "cap": 2},
    )
    # when / then: clean refuses it with the rule's message on rule_params
    with pytest.raises(ValidationError) as info:
        criterion.full_clean()
    assert info.value.message_dict["rule_params"] == ["cap（扣分上限）2 不能大于本条分值 1。"]
    # and a valid one is normalised in place
    criterion.rule_params = {"per_problem": 0.5}
    criterion.full_clean()
    assert criterion.rule_params == {"per_problem": 0.5, "cap": 1}


@pytest.mark.django_db
def test_criterion_clean_refuses_a_non_content_indicator():
    standard_set = StandardSet.objects.create(code="S", name="体系", version="1", scope="district")
    item = Indicator.objects.create(standard_set=standard_set, level=1, code="A", name="项目")
    criterion = Criterion(
        standard_set=standard_set, indicator=item, code="C1", text="标准", rule="compliance"
    )
    with pytest.raises(ValidationError) as info:
        criterion.full_clean()
    assert info.value.message_dict["indicator"] == ["测评标准只能挂在测评内容（三级指标）下。"]
