"""Formatting of survey estimates: shares as percentages, scores, intervals."""

from django import template

register = template.Library()


def _number(value, digits, *, scale: int = 1, sign: str = "", suffix: str = "") -> str:
    """`value` × `scale` with `digits` decimals (and "+" for a positive change when `sign` is "+"); "—" when
    there is no value."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * scale:{sign}.{int(digits)}f}{suffix}"


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.8734 → "87.3%"; None → "—"."""
    return _number(value, digits, scale=100, suffix="%")


@register.filter
def num(value, digits: int = 1) -> str:
    return _number(value, digits)


@register.simple_tag
def interval(item, kind: str = "rate") -> str:
    """ "[85.1%, 89.6%]" for a rate, "[82.0, 86.4]" for a score, from a dict with ci_low / ci_high."""
    if not item or item.get("ci_low") is None:
        return "—"
    if kind == "score":
        return f"[{item['ci_low']:.1f}, {item['ci_high']:.1f}]"
    return f"[{item['ci_low'] * 100:.1f}%, {item['ci_high'] * 100:.1f}%]"


@register.simple_tag
def value_of(item, kind: str = "rate") -> str:
    if not item or item.get("estimate") is None:
        return "—"
    return num(item["estimate"]) if kind == "score" else pct(item["estimate"])


@register.filter
def get(mapping, key):
    """dict lookup by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def pp(value, digits: int = 1) -> str:
    """A change of a share in percentage points with its sign: 0.032 → "+3.2"."""
    return _number(value, digits, scale=100, sign="+")


@register.filter
def signed(value, digits: int = 1) -> str:
    return _number(value, digits, sign="+")


@register.filter
def answer_for(values, question) -> str:
    """The answer a re-rendered form had for a question (`values["answers"]` keyed by question id)."""
    answers = (values or {}).get("answers") or {}
    given = answers.get(str(question.pk), answers.get(question.pk, ""))
    return "" if given is None else str(given)


@register.filter
def as_str(value) -> str:
    return "" if value is None else str(value)
