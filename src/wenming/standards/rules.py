"""Grading rules (评分规则) of a criterion: parameter validation and plain-language descriptions. Pure Python.

`validate_rule(rule, params, weight)` checks the parameters of one criterion against its weight (分值) and
returns them **normalised**: defaults filled in, numbers as JSON numbers (an integral value is an `int`,
anything else a `float` rounded to 4 places), keys in a fixed order. Normalising twice changes nothing, so
the stored `Criterion.rule_params` is always the normalised form and the scoring engine can rely on every
key below being present. Convert numbers with `Decimal(str(x))` before doing arithmetic with weights.

The five rules (domain.md §2) and their parameters:

``compliance`` — 符合/不符合. Params: none (`{}`). Each observation is compliant or not; the item's score rate
    is the compliance rate (符合率): score = weight × compliant / observed.

``abc`` — A/B/C/C# by the number of problems found at the point.
    ``{"thresholds": [0, 1, 2, 3], "rates": [1, 0.66, 0.33, 0], "letters": ["A", "B", "C", "C#"]}``
    ``thresholds[i]`` is the smallest problem count that earns grade i: integers, the first 0, strictly
    increasing, 2–6 of them. ``rates[i]`` is the share of the weight that grade earns: in [0, 1],
    non-increasing. ``letters`` (optional) names the grades; default A, B, C, C#, D, E (as many as needed).
    Grade = the last i with thresholds[i] ≤ problems; score = weight × rates[i].
    Defaults: everything above, so ``{}`` means the national 0/1/2/≥3 → 100 %/66 %/33 %/0 % scheme.

``deduction`` — per-occurrence deduction with a cap (按次扣分，封顶).
    ``{"per_problem": 0.5, "cap": <weight>}``. ``per_problem`` > 0 and ≤ cap; ``cap`` > 0 and ≤ weight
    (default: the weight). Score = weight − min(cap, per_problem × problems), never below zero.

``quota`` — a required count with a deduction per missing one (数量达标).
    ``{"required": 2, "per_missing": 0.5, "cap": <weight>, "unit": "块"}``. ``required`` an integer ≥ 1;
    ``per_missing`` > 0 and ≤ cap; ``cap`` > 0 and ≤ weight (default: the weight); ``unit`` (optional, ≤ 10
    characters, default "处") is what is counted, for display. Score = weight − min(cap, per_missing ×
    max(0, required − found)).

``sampled`` — sampled sub-units inside the point (抽样子单元), e.g. check 5 roads of a compound.
    ``{"sample_size": 5, "grades": {"A": 5, "B": 4}, "fallback": "C", "rates": {"A": 1, "B": 0.66, "C": 0},
    "unit": "条道路"}``. ``sample_size`` an integer ≥ 1; ``grades`` maps a grade label to the minimum number of
    compliant sub-units (integers 1…sample_size, distinct); normalised in descending order of that minimum.
    A sample below every minimum gets ``fallback`` (default "C", not one of the grades). ``rates`` gives
    the share of the weight for every grade and for the fallback: in [0, 1], non-increasing from the highest
    grade to the fallback. ``unit`` (optional, ≤ 10 characters, default "个") names the sub-unit for display.
    Grade = the first (highest) grade whose minimum ≤ compliant sub-units, else the fallback;
    score = weight × rates[grade].

Unknown rules, unknown keys, wrong types and out-of-range values raise `RuleError` (a `ValueError`) with a
Chinese message that names the offending parameter.
"""

from decimal import Decimal, InvalidOperation

COMPLIANCE = "compliance"
ABC = "abc"
DEDUCTION = "deduction"
QUOTA = "quota"
SAMPLED = "sampled"
RULES = (COMPLIANCE, ABC, DEDUCTION, QUOTA, SAMPLED)

DEFAULT_ABC_THRESHOLDS = (0, 1, 2, 3)
DEFAULT_ABC_RATES = (1, 0.66, 0.33, 0)
GRADE_LABELS = ("A", "B", "C", "C#", "D", "E")
MAX_GRADES = 6
MAX_COUNT = 10_000  # no real checklist counts more problems, ads or sub-units than this at one point
MAX_UNIT_LENGTH = 10


class RuleError(ValueError):
    """Invalid grading-rule parameters; the message is Chinese and names the parameter."""


def validate_rule(rule: str, params: dict | None, weight: Decimal) -> dict:
    """Check `params` for `rule` against the criterion's `weight`; return the normalised params."""
    if rule not in RULES:
        raise RuleError(f"未知评分规则「{rule}」，应为：{'、'.join(RULES)}。")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise RuleError("规则参数必须是键值对（JSON 对象）。")
    weight = _decimal(weight, "分值")
    if weight <= 0:
        raise RuleError("分值必须大于 0。")
    return _VALIDATORS[rule](params, weight)


def describe_rule(rule: str, params: dict, weight: Decimal) -> str:
    """One Chinese sentence telling an inspector how the item is graded (params must be normalised)."""
    w = _fmt(_decimal(weight, "分值"))
    if rule == COMPLIANCE:
        return f"逐项判定符合/不符合，按符合率计分（满分 {w} 分）。"
    if rule == ABC:
        parts = []
        thresholds, rates, letters = params["thresholds"], params["rates"], params["letters"]
        for i, (t, r, label) in enumerate(zip(thresholds, rates, letters, strict=True)):
            count = (
                f"≥{t}"
                if i == len(thresholds) - 1
                else (f"{t}" if thresholds[i + 1] == t + 1 else f"{t}–{thresholds[i + 1] - 1}")
            )
            parts.append(f"{count} 处问题为 {label} 档（{_pct(r)}）")
        return "；".join(parts) + f"；满分 {w} 分。"
    if rule == DEDUCTION:
        return f"每发现 1 处问题扣 {_fmt(params['per_problem'])} 分，最多扣 {_fmt(params['cap'])} 分（满分 {w} 分）。"
    if rule == QUOTA:
        unit = params["unit"]
        return (
            f"应不少于 {params['required']} {unit}，每缺 1 {unit}扣 {_fmt(params['per_missing'])} 分，"
            f"最多扣 {_fmt(params['cap'])} 分（满分 {w} 分）。"
        )
    if rule == SAMPLED:
        unit = params["unit"]
        parts = [
            f"{n} {unit}及以上合格为 {label} 档（{_pct(params['rates'][label])}）"
            for label, n in params["grades"].items()
        ]
        fallback = params["fallback"]
        parts.append(f"其余为 {fallback} 档（{_pct(params['rates'][fallback])}）")
        return f"抽查 {params['sample_size']} {unit}：" + "；".join(parts) + f"；满分 {w} 分。"
    raise RuleError(f"未知评分规则「{rule}」。")


# --- the five validators ---------------------------------------------------------------------------


def _compliance(params: dict, weight: Decimal) -> dict:
    if params:
        raise RuleError(f"「符合/不符合」规则不需要参数，却给了：{'、'.join(map(str, params))}。")
    return {}


def _abc(params: dict, weight: Decimal) -> dict:
    _only(params, {"thresholds", "rates", "letters"})
    thresholds = params.get("thresholds", list(DEFAULT_ABC_THRESHOLDS))
    if not isinstance(thresholds, list) or not 2 <= len(thresholds) <= MAX_GRADES:
        raise RuleError(f"thresholds（问题数分档）必须是 2–{MAX_GRADES} 个整数的列表。")
    thresholds = [_int(t, "thresholds", minimum=0) for t in thresholds]
    if thresholds[0] != 0:
        raise RuleError("thresholds（问题数分档）的第一档必须从 0 处问题开始。")
    if any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)):
        raise RuleError("thresholds（问题数分档）必须严格递增。")
    default_rates = list(DEFAULT_ABC_RATES) if len(thresholds) == len(DEFAULT_ABC_THRESHOLDS) else None
    rates = params.get("rates", default_rates)
    if rates is None:
        raise RuleError("分档数不是 4 档时必须给出 rates（各档得分率）。")
    if not isinstance(rates, list) or len(rates) != len(thresholds):
        raise RuleError("rates（各档得分率）的个数必须与 thresholds 相同。")
    rates = [_rate(r, "rates") for r in rates]
    if any(b > a for a, b in zip(rates, rates[1:], strict=False)):
        raise RuleError("rates（各档得分率）必须随问题数增加而不增。")
    labels = params.get("letters", list(GRADE_LABELS[: len(thresholds)]))
    if not isinstance(labels, list) or len(labels) != len(thresholds):
        raise RuleError("letters（档次名称）的个数必须与 thresholds 相同。")
    labels = [_label(x, "letters") for x in labels]
    if len(set(labels)) != len(labels):
        raise RuleError("letters（档次名称）不能重复。")
    return {"thresholds": thresholds, "rates": [_num(r) for r in rates], "letters": labels}


def _deduction(params: dict, weight: Decimal) -> dict:
    _only(params, {"per_problem", "cap"})
    if "per_problem" not in params:
        raise RuleError("「按次扣分」规则必须给出 per_problem（每处问题扣分）。")
    per_problem = _positive(params["per_problem"], "per_problem（每处问题扣分）")
    cap = _cap(params, weight)
    if per_problem > cap:
        raise RuleError(f"per_problem（每处问题扣分）{_fmt(per_problem)} 不能大于扣分上限 {_fmt(cap)}。")
    return {"per_problem": _num(per_problem), "cap": _num(cap)}


def _quota(params: dict, weight: Decimal) -> dict:
    _only(params, {"required", "per_missing", "cap", "unit"})
    if "required" not in params or "per_missing" not in params:
        raise RuleError("「数量达标」规则必须给出 required（应有数量）和 per_missing（每缺 1 个扣分）。")
    required = _int(params["required"], "required（应有数量）", minimum=1)
    per_missing = _positive(params["per_missing"], "per_missing（每缺 1 个扣分）")
    cap = _cap(params, weight)
    if per_missing > cap:
        raise RuleError(f"per_missing（每缺 1 个扣分）{_fmt(per_missing)} 不能大于扣分上限 {_fmt(cap)}。")
    unit = _unit(params.get("unit", "处"))
    return {"required": required, "per_missing": _num(per_missing), "cap": _num(cap), "unit": unit}


def _sampled(params: dict, weight: Decimal) -> dict:
    _only(params, {"sample_size", "grades", "fallback", "rates", "unit"})
    if "sample_size" not in params or "grades" not in params or "rates" not in params:
        raise RuleError(
            "「抽样子单元」规则必须给出 sample_size（抽查数量）、grades（各档最少合格数）和 rates（各档得分率）。"
        )
    size = _int(params["sample_size"], "sample_size（抽查数量）", minimum=1)
    grades = params["grades"]
    if not isinstance(grades, dict) or not grades or len(grades) >= MAX_GRADES:
        raise RuleError(f"grades（各档最少合格数）必须是 1–{MAX_GRADES - 1} 个「档次: 合格数」。")
    minimums = {}
    for label, n in grades.items():
        label = _label(label, "grades")
        value = _int(n, f"grades 中 {label} 档的合格数", minimum=1)
        if value > size:
            raise RuleError(f"grades 中 {label} 档的合格数 {value} 不能大于抽查数量 {size}。")
        minimums[label] = value
    if len(set(minimums.values())) != len(minimums):
        raise RuleError("grades 中各档的合格数不能相同。")
    ordered = dict(sorted(minimums.items(), key=lambda kv: -kv[1]))
    fallback = _label(params.get("fallback", "C"), "fallback")
    if fallback in ordered:
        raise RuleError(f"fallback（其余档次）「{fallback}」不能与 grades 中的档次重名。")
    rates = params["rates"]
    if not isinstance(rates, dict):
        raise RuleError("rates（各档得分率）必须是「档次: 得分率」。")
    expected = [*ordered, fallback]
    unknown = [str(k) for k in rates if k not in expected]
    missing = [k for k in expected if k not in rates]
    if unknown or missing:
        raise RuleError(f"rates（各档得分率）必须恰好给出这些档次：{'、'.join(expected)}。")
    values = [_rate(rates[k], f"rates 中 {k} 档") for k in expected]
    if any(b > a for a, b in zip(values, values[1:], strict=False)):
        raise RuleError("rates（各档得分率）必须从高档到低档不增。")
    return {
        "sample_size": size,
        "grades": ordered,
        "fallback": fallback,
        "rates": {k: _num(v) for k, v in zip(expected, values, strict=True)},
        "unit": _unit(params.get("unit", "个")),
    }


_VALIDATORS = {COMPLIANCE: _compliance, ABC: _abc, DEDUCTION: _deduction, QUOTA: _quota, SAMPLED: _sampled}


# --- helpers -----------------------------------------------------------------------------------------


def _only(params: dict, allowed: set[str]) -> None:
    unknown = sorted(str(k) for k in params if k not in allowed)
    if unknown:
        raise RuleError(f"未知参数：{'、'.join(unknown)}（可用：{'、'.join(sorted(allowed))}）。")


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, bool):
        raise RuleError(f"{name}必须是数字。")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise RuleError(f"{name}必须是数字，却是「{value}」。")
    else:
        raise RuleError(f"{name}必须是数字。")
    if not result.is_finite():
        raise RuleError(f"{name}必须是有限的数字。")
    return result


def _int(value, name: str, *, minimum: int) -> int:
    number = _decimal(value, name)
    if number != number.to_integral_value():
        raise RuleError(f"{name}必须是整数，却是 {value}。")
    number = int(number)
    if number < minimum:
        raise RuleError(f"{name}不能小于 {minimum}。")
    if number > MAX_COUNT:
        raise RuleError(f"{name}不能大于 {MAX_COUNT}。")
    return number


def _positive(value, name: str) -> Decimal:
    number = _decimal(value, name)
    if number <= 0:
        raise RuleError(f"{name}必须大于 0。")
    return number


def _rate(value, name: str) -> Decimal:
    number = _decimal(value, name)
    if not 0 <= number <= 1:
        raise RuleError(f"{name}的得分率必须在 0 到 1 之间，却是 {value}。")
    return number


def _cap(params: dict, weight: Decimal) -> Decimal:
    if "cap" not in params:
        return weight
    cap = _positive(params["cap"], "cap（扣分上限）")
    if cap > weight:
        raise RuleError(f"cap（扣分上限）{_fmt(cap)} 不能大于本条分值 {_fmt(weight)}。")
    return cap


def _label(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 4:
        raise RuleError(f"{name}中的档次名称必须是 1–4 个字符的文字。")
    return value.strip()


def _unit(value) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_UNIT_LENGTH:
        raise RuleError(f"unit（计数单位）必须是 1–{MAX_UNIT_LENGTH} 个字符的文字。")
    return value.strip()


def _num(value: Decimal) -> int | float:
    """A JSON number: int when integral, else a float rounded to 4 places."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 4))


def _fmt(value) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _pct(rate) -> str:
    return f"{_fmt(Decimal(str(rate)) * 100)}%"
