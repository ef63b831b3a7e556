from django import template

register = template.Library()


@register.filter
def fnum(value, digits: int = 1):
    """A score with `digits` decimals, "—" when unknown."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def fpct(value, digits: int = 1):
    """A share 0..1 as a percentage, "—" when unknown."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"
