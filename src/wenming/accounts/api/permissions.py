"""DRF permissions by role, for any app's API (`permission_classes = [HasRole.of(Role.OFFICE, …)]`)."""

from rest_framework.permissions import BasePermission

from wenming.accounts.choices import Role
from wenming.core.roles import has_role


class HasRole(BasePermission):
    """Signed in and holding one of `roles` (a superuser counts as admin)."""

    roles: frozenset[str] = frozenset()

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return has_role(user, *self.roles)

    @classmethod
    def of(cls, *roles: str) -> type["HasRole"]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": frozenset(roles)})


class IsAdminRole(HasRole):
    """System administrators only (Role.ADMIN or superuser)."""

    roles = frozenset({Role.ADMIN})
