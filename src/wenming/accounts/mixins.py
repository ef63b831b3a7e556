"""View mixins by role, for any app's pages: `class X(RoleRequiredMixin, View): roles = {Role.OFFICE}`."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from wenming.accounts.choices import Role
from wenming.core.roles import has_role


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous → the login page; signed in without one of `roles` → 403 (a superuser counts as admin)."""

    roles: frozenset[str] | set[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdminRequiredMixin(RoleRequiredMixin):
    roles = frozenset({Role.ADMIN})
