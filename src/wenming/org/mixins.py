"""View building blocks shared by the org and geo pages (geo may import org, not the reverse).

* `ScopedQuerysetMixin`: login required; the queryset is `Model.objects.restrict(user, "view")`, so an
  object outside the user's scope is a 404;
* `OfficeRequiredMixin`: pages that change the registries (admin, office) — others get 403;
* `FilteredListView`: FilterSet + pagination + the `#table` partial for htmx requests;
* `apply_service_errors`: a service's ValidationError shown on the form.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.views.generic import ListView


def can_change(user) -> bool:
    return bool(user and user.is_authenticated and user.scope().sees_all("change"))


def apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ScopedQuerysetMixin(LoginRequiredMixin):
    model = None
    restrict_action = "view"

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, self.restrict_action)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = can_change(self.request.user)
        return context


class OfficeRequiredMixin(LoginRequiredMixin):
    """Only district-wide writers (admin, office); objects are looked up in their change scope."""

    restrict_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_change(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FilteredListView(ScopedQuerysetMixin, ListView):
    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET or None, queryset=super().get_queryset(),
                                              request=self.request)  # fmt: skip
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_template_names(self):
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{names[0]}#table"]
        return names

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["query"] = self.request.GET.urlencode()
        return context
