"""Number formats of the score pages: scores with two decimals, rates as percentages."""

from django import template

register = template.Library()


def _number(value) -> float | None:
    """Numbers only; a missing value (None, or "" from an unresolved variable) is None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def score(value) -> str:
    """85.333 → "85.33" (half up, as rankings compare it: scoring/bases.py); no score → "—"."""
    from wenming.scoring.bases import printed

    value = _number(value)
    return "—" if value is None else f"{printed(value):.2f}"


@register.filter
def pct(value) -> str:
    """A 0–1 rate as a percentage with one decimal: 0.857 → "85.7%"; none → "—"."""
    value = _number(value)
    return "—" if value is None else f"{value * 100:.1f}%"


share = register.filter("share", pct)


@register.filter
def signed(value) -> str:
    """+2.50 / −1.00 for a score change."""
    value = _number(value)
    if value is None:
        return "—"
    return f"+{value:.2f}" if value > 0 else f"−{abs(value):.2f}" if value < 0 else "0.00"


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
