from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def num(value) -> str:
    """A weight without trailing zeros: 0.250 → 0.25, 20.000 → 20."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "" if value is None else str(value)
    return format(number.normalize(), "f") if number.is_finite() else str(value)
