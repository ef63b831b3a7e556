"""Who the user is on the workbench: roles and the units, areas and groups they answer for."""

from django.utils.translation import gettext as _

from wenming.accounts.choices import Role


def scope_summary(user) -> dict:
    """Who the user is here: roles and the units, areas and groups they answer for."""
    memberships = user.memberships.active().select_related("unit", "area", "special_group")
    rows = []
    for m in memberships:
        target = m.unit or m.area or m.special_group
        rows.append({"role": Role(m.role).label, "target": str(target) if target else _("全区")})
    if user.is_superuser and not rows:
        rows.append({"role": Role.ADMIN.label, "target": _("全区")})
    return {"memberships": rows, "person": user.person}
