"""API building blocks for scoped viewsets (used by org and geo; candidates for core.api).

* reads start from `Model.objects.restrict(request.user, "view")` — other rows are 404;
* writes need `scope.sees_all("change")` (admin, office): others get 403 before any lookup, so a 403
  never reveals whether an object exists;
* a service's `ValidationError` becomes a 400 with the same Chinese messages.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions

from wenming.core.roles import is_office


class OfficeWritesPermission(permissions.BasePermission):
    """Anyone signed in may read (scoped); only district-wide writers (admin, office) may write."""

    message = "您没有修改此类数据的权限。"

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_office(request.user)


def api_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if key == "__all__" else key): messages
            for key, messages in exc.message_dict.items()
        }
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class ScopedViewSetMixin:
    """`queryset_for(user)` hook + restrict + service error translation."""

    permission_classes = [OfficeWritesPermission]
    model = None

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, just the model
            return self.base_queryset().none()
        action = "view" if self.request.method in permissions.SAFE_METHODS else "change"
        return self.base_queryset().restrict(self.request.user, action)

    def call_service(self, func, **kwargs):
        try:
            return func(actor=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise api_validation_error(exc)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc))
