"""Formatting for bulletin and appraisal pages: rates as percentages, scores with two decimals."""

from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def num(value, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    from wenming.scoring.bases import printed

    value = printed(float(value), int(digits))  # half up, as rankings compare it (scoring/bases.py)
    if value.is_integer():
        return str(int(value))
    return f"{value:.{int(digits)}f}"


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)
