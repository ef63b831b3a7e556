"""Configurable scoring formulas, evaluated safely with simpleeval (never `eval`) (考核公式).

    evaluate("处置率*30 + 按期处置率*20 + (1-返工率)*20", {"处置率": 0.9, "按期处置率": 0.8, "返工率": 0.1})

A formula is one arithmetic expression over named numbers: `+ - * /`, `**` (exponent at most ±100),
comparisons (`< <= > >= == !=`, true = 1), `and`/`or`/`not`, conditional expressions
(`a if 条件 else b`) and the functions `min`, `max`, `abs`, `round`. Names may be Chinese.
As typed in documents, `×` `÷` `−` full-width brackets and commas are accepted, and a percentage written
after a number (`80 %`) means /100 (there is no modulo operator).
Everything else is refused before evaluation with a Chinese `FormulaError`: attribute access, subscripts,
strings, lambdas, comprehensions, calls to anything but the four functions, keyword arguments, unknown
names, formulas longer than 500 characters or with more than 300 syntax nodes. Every value is a float;
a result that is not a finite number (division by zero, overflow) is an error too.
"""

import ast
import functools
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simpleeval import SimpleEval

MAX_LENGTH = 500
MAX_NODES = 300
MAX_EXPONENT = 100
MAX_ROUND_DIGITS = 10

_TRANSLATE = str.maketrans(
    {"×": "*", "÷": "/", "−": "-", "（": "(", "）": ")", "，": ",", "＋": "+", "－": "-"}
)
_PERCENT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*[%％]")

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARYOPS = (ast.UAdd, ast.USub, ast.Not)
_COMPARES = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_REFUSED = {
    ast.Attribute: gettext_lazy("不允许访问属性（.）"),
    ast.Subscript: gettext_lazy("不允许下标访问（[ ]）"),
    ast.Lambda: gettext_lazy("不允许 lambda 函数"),
    ast.ListComp: gettext_lazy("不允许推导式"),
    ast.SetComp: gettext_lazy("不允许推导式"),
    ast.DictComp: gettext_lazy("不允许推导式"),
    ast.GeneratorExp: gettext_lazy("不允许推导式"),
    ast.NamedExpr: gettext_lazy("不允许赋值"),
    ast.JoinedStr: gettext_lazy("不允许字符串"),
    ast.List: gettext_lazy("不允许列表"),
    ast.Tuple: gettext_lazy("不允许元组"),
    ast.Dict: gettext_lazy("不允许字典"),
    ast.Set: gettext_lazy("不允许集合"),
    ast.Starred: gettext_lazy("不允许 * 展开"),
}


class FormulaError(ValidationError):
    """A formula that is refused or cannot be evaluated; the message says why, in Chinese."""


def _fail(reason) -> FormulaError:
    return FormulaError(_("公式错误：%(reason)s") % {"reason": reason})


def _bounded_power(base: float, exponent: float) -> float:
    if abs(exponent) > MAX_EXPONENT:
        raise _fail(_("指数不能超过 %(n)s") % {"n": MAX_EXPONENT})
    return float(base) ** float(exponent)


def _bounded_round(value: float, digits: float = 0) -> float:
    if digits != int(digits) or not 0 <= digits <= MAX_ROUND_DIGITS:
        raise _fail(_("round 的小数位数应为 0–%(n)s 的整数") % {"n": MAX_ROUND_DIGITS})
    return float(round(value, int(digits)))


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise _fail(_("除数为零"))
    return a / b


FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": _bounded_round}
OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _divide,
    ast.Pow: _bounded_power,
    ast.USub: lambda a: -a,
    ast.UAdd: lambda a: +a,
    ast.Not: lambda a: float(not a),
    ast.Eq: lambda a, b: float(a == b),
    ast.NotEq: lambda a, b: float(a != b),
    ast.Lt: lambda a, b: float(a < b),
    ast.LtE: lambda a, b: float(a <= b),
    ast.Gt: lambda a, b: float(a > b),
    ast.GtE: lambda a, b: float(a >= b),
}


def normalise(formula: str) -> str:
    """Document spellings to Python operators: × ÷ − （）， and "80 %" → (80/100)."""
    text = (formula or "").translate(_TRANSLATE)
    return _PERCENT.sub(r"(\1/100)", text)


def _vet(node: ast.AST, names: list[str]) -> None:
    """Refuse everything outside the formula vocabulary, top-down; collect the variable names."""
    if type(node) in _REFUSED:
        raise _fail(_REFUSED[type(node)])
    if isinstance(node, ast.Expression):
        _vet(node.body, names)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _fail(_("只允许数字常量，不允许字符串等其他常量"))
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise _fail(_("函数 %(name)s 必须带括号调用") % {"name": node.id})
        if node.id.startswith("_"):
            raise _fail(_("名称不能以下划线开头：%(name)s") % {"name": node.id})
        if node.id not in names:
            names.append(node.id)
    elif isinstance(node, ast.Call):
        _vet_call(node, names)
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            raise _fail(_("不允许的运算符（只允许 + - * / **）"))
        _vet(node.left, names)
        _vet(node.right, names)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARYOPS):
            raise _fail(_("不允许的运算符（只允许 + - * / **）"))
        _vet(node.operand, names)
    elif isinstance(node, ast.Compare):
        if not all(isinstance(op, _COMPARES) for op in node.ops):
            raise _fail(_("不允许的比较（只允许 < <= > >= == !=）"))
        for child in (node.left, *node.comparators):
            _vet(child, names)
    elif isinstance(node, ast.BoolOp):
        for child in node.values:
            _vet(child, names)
    elif isinstance(node, ast.IfExp):
        for child in (node.body, node.test, node.orelse):
            _vet(child, names)
    else:
        raise _fail(_("不允许的语法：%(kind)s") % {"kind": type(node).__name__})


def _vet_call(node: ast.Call, names: list[str]) -> None:
    if not isinstance(node.func, ast.Name):
        raise _fail(_REFUSED.get(type(node.func)) or _("只允许调用 min、max、abs、round"))
    if node.func.id not in FUNCTIONS:
        raise _fail(_("只允许调用 min、max、abs、round"))
    if node.keywords:
        raise _fail(_("函数不接受关键字参数"))
    if not node.args:
        raise _fail(_("函数 %(name)s 缺少参数") % {"name": node.func.id})
    for arg in node.args:
        _vet(arg, names)


def parse(formula: str) -> tuple[ast.Expression, list[str]]:
    """Parse and vet a formula; returns the tree and the variable names it uses (first use first)."""
    if not isinstance(formula, str) or not formula.strip():
        raise _fail(_("公式为空"))
    if len(formula) > MAX_LENGTH:
        raise _fail(_("公式过长（最多 %(n)s 个字符）") % {"n": MAX_LENGTH})
    try:
        tree = ast.parse(normalise(formula).strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _fail(_("无法解析，请检查括号和运算符"))
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise _fail(_("公式过于复杂（最多 %(n)s 个语法单元）") % {"n": MAX_NODES})
    names: list[str] = []
    _vet(tree, names)
    # Conditional expressions are vetted body-first; report names in reading order.
    positions: dict[str, tuple[int, int]] = {}
    for n in nodes:
        if isinstance(n, ast.Name):
            positions[n.id] = min(positions.get(n.id, (n.lineno, n.col_offset)), (n.lineno, n.col_offset))
    names.sort(key=lambda name: positions[name])
    return tree, names


def validate_formula(formula: str, allowed_names: Iterable[str]) -> list[str]:
    """The variable names the formula uses; FormulaError if it is refused or uses a name not allowed."""
    _tree, names = parse(formula)
    allowed = set(allowed_names)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise _fail(_("未知的变量：%(names)s") % {"names": "、".join(unknown)})
    return names


@functools.lru_cache(maxsize=256)
def _prepared(formula: str) -> tuple[ast.Expression, list[str]]:
    """`parse` once per formula text, with its constants already floats: a KPI table or an appraisal
    evaluates the same formula for every row (the tree is only read afterwards)."""
    tree, names = parse(formula)
    try:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant):
                node.value = float(node.value)
    except OverflowError:
        raise _fail(_("数字过大"))
    return tree, names


def evaluate(formula: str, variables: Mapping[str, float | int | Decimal]) -> float:
    """The formula's value for these variables, as a float."""
    tree, names = _prepared(formula) if isinstance(formula, str) else parse(formula)
    missing = [n for n in names if n not in variables]
    if missing:
        raise _fail(_("缺少变量的值：%(names)s") % {"names": "、".join(missing)})
    values: dict[str, float] = {}
    for name in names:
        value = variables[name]
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise _fail(_("变量 %(name)s 不是数字") % {"name": name})
        values[name] = float(value)
        if not math.isfinite(values[name]):
            raise _fail(_("变量 %(name)s 不是有限的数字") % {"name": name})
    evaluator = SimpleEval(operators=OPERATORS, functions=FUNCTIONS, names=values)
    try:
        result = evaluator.eval(formula, previously_parsed=tree.body)
    except FormulaError:
        raise
    except OverflowError:
        raise _fail(_("计算结果超出范围"))
    except ZeroDivisionError:
        raise _fail(_("除数为零"))
    except Exception as exc:  # noqa: BLE001 - simpleeval's own refusals and type errors
        raise _fail(_("无法计算（%(error)s）") % {"error": exc.__class__.__name__})
    if isinstance(result, bool):
        result = float(result)
    if not isinstance(result, int | float) or not math.isfinite(result):
        raise _fail(_("计算结果不是有限的数字"))
    return float(result)
