from decimal import Decimal

import pytest

from wenming.core.formulas import FormulaError, evaluate, validate_formula

# domain.md §4, as written there (× − % and all).
DISPOSAL = "处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10"
CLOSURE = "(按期结案率 + 0.4×超期结案率)×80 % + (1−延期率)×10 % + (1−返工率)×10 %"


def test_the_disposal_score_formula_of_the_domain():
    values = {"处置率": 0.95, "按期处置率": 0.9, "返工率": 0.05, "超期待处置率": 0.1, "延期率": 0.2}
    # 28.5 + 18 + 19 + 18 + 8
    assert evaluate(DISPOSAL, values) == pytest.approx(91.5, abs=1e-9)
    assert validate_formula(DISPOSAL, values) == ["处置率", "按期处置率", "返工率", "超期待处置率", "延期率"]


def test_the_closure_score_formula_of_the_domain():
    values = {"按期结案率": Decimal("0.7"), "超期结案率": Decimal("0.2"), "延期率": 0.2, "返工率": 0.05}
    # (0.7 + 0.08) × 0.8 + 0.8 × 0.1 + 0.95 × 0.1 = 0.624 + 0.08 + 0.095
    assert evaluate(CLOSURE, values) == pytest.approx(0.799, abs=1e-12)


def test_perfect_rates_score_full_marks():
    assert (
        evaluate(DISPOSAL, {"处置率": 1, "按期处置率": 1, "返工率": 0, "超期待处置率": 0, "延期率": 0})
        == 100.0
    )


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("min(a, b) + max(a, b)", 5.0),
        ("abs(a - b)", 1.0),
        ("round(a / b, 2)", 0.67),
        ("a ** 2", 4.0),
        ("10 if a > 1 else 20", 10.0),
        ("(a < b) + (a >= b)", 1.0),
        ("a < b < 4", 1.0),
        ("a > 1 and b > 1", 1.0),
        ("not a", 0.0),
        ("-a + +b", 1.0),
        ("50 %", 0.5),
    ],
)
def test_the_allowed_vocabulary(formula, expected):
    assert evaluate(formula, {"a": 2, "b": 3}) == expected


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("__import__('os')", "只允许调用"),
        ("__import__('os').system('true')", "属性"),
        ("a.real", "属性"),
        ("(lambda: 1)()", "lambda"),
        ("[x for x in (1, 2)]", "推导式"),
        ("sum(x for x in (1, 2))", "只允许调用"),
        ("max(x for x in (1, 2))", "推导式"),
        ("'a' * 3", "字符串"),
        ("f'{a}'", "字符串"),
        ("a[0]", "下标"),
        ("open('/etc/passwd')", "只允许调用"),
        ("max(a, key=abs)", "关键字"),
        ("(x := 3)", "赋值"),
        ("a % 2", "运算符"),
        ("a // 2", "运算符"),
        ("a << 2", "运算符"),
        ("2 ** 1000", "指数"),
        ("9 ** 9 ** 9", "指数"),
        ("a + ", "无法解析"),
        ("", "为空"),
        ("a is b", "比较"),
        ("min", "括号"),
        ("_secret + 1", "下划线"),
        ("1 / (a - 2)", "除数为零"),
        ("10.0 ** 100 * 10.0 ** 100 * 10.0 ** 100 * 10.0 ** 100", "有限"),
    ],
)
def test_code_and_abuse_are_refused_with_a_chinese_reason(formula, reason):
    with pytest.raises(FormulaError) as error:
        evaluate(formula, {"a": 2, "b": 3})
    assert error.value.messages[0].startswith("公式错误：")
    assert reason in error.value.messages[0]


def test_long_and_deep_formulas_are_refused():
    with pytest.raises(FormulaError, match="过长"):
        evaluate("+".join(["1"] * 300), {})
    with pytest.raises(FormulaError, match="复杂"):
        evaluate("-" * 400 + "1", {})


def test_names_must_be_allowed_and_provided():
    with pytest.raises(FormulaError, match="未知的变量：结案率"):
        validate_formula("处置率 + 结案率", ["处置率"])
    with pytest.raises(FormulaError, match="缺少变量的值：b"):
        evaluate("a + b", {"a": 1})
    with pytest.raises(FormulaError, match="不是数字"):
        evaluate("a + 1", {"a": "1"})
    with pytest.raises(FormulaError, match="有限"):
        evaluate("a + 1", {"a": float("inf")})


def test_validate_lists_names_in_reading_order_once():
    assert validate_formula("b * (a + b) + max(c, a)", {"a", "b", "c", "d"}) == ["b", "a", "c"]


def test_the_evaluator_never_sees_python_builtins():
    with pytest.raises(FormulaError):
        evaluate("print(1)", {})
    with pytest.raises(FormulaError):
        evaluate("True + 1", {})  # True is a name here, and no such variable is provided
