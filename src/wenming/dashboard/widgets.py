"""Workbench widgets per role. Each widget is a function (user) -> dict | None; None hides it.

Higher apps (cases, inspections …) register their widgets here by name through `register`; the
dashboard is the top app, so it may import them, but registration keeps this module small.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

Widget = Callable[[object], dict | None]
_REGISTRY: list[tuple[int, Widget]] = []


def register(order: int):
    def decorator(func: Widget) -> Widget:
        _REGISTRY.append((order, func))
        _REGISTRY.sort(key=lambda item: item[0])
        return func

    return decorator


def for_user(user) -> list[dict]:
    out = []
    for _order, widget in _REGISTRY:
        data = widget(user)
        if data:
            out.append(data)
    return out


def scope_summary(user) -> dict:
    """Who the user is here: roles and the units, areas and groups they answer for."""
    from wenming.accounts.choices import Role

    memberships = user.memberships.active().select_related("unit", "area", "special_group")
    rows = []
    for m in memberships:
        target = m.unit or m.area or m.special_group
        rows.append({"role": Role(m.role).label, "target": str(target) if target else _("全区")})
    if user.is_superuser and not rows:
        rows.append({"role": Role.ADMIN.label, "target": _("全区")})
    return {"memberships": rows, "person": user.person}
