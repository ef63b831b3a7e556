"""View building blocks for scoped pages, shared by every app above core.

* `ScopedQuerysetMixin`: login required; the queryset is `Model.objects.restrict(user, "view")`, so an
  object outside the user's scope is a 404;
* `OfficeRequiredMixin`: pages that change the registries (admin, office) — others get 403;
* `FilteredListView`: FilterSet + pagination + the `#table` partial for htmx requests;
* `apply_service_errors`: a service's ValidationError shown on the form;
* `ServiceCreateView` / `ServiceUpdateView`: office-only create and edit pages over a ModelForm whose
  cleaned data go to a service (`create_x(*, actor, **data)` / `update_x(*, actor, x=obj, **data)`); the
  edited object is looked up in the user's change scope (else 404), a service's ValidationError lands on the
  form, success shows `success_message` and redirects to the object.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import CreateView, ListView, UpdateView

from wenming.core.roles import is_office


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
        context["can_change"] = is_office(self.request.user)
        return context


class OfficeRequiredMixin(LoginRequiredMixin):
    """Only district-wide writers (admin, office); objects are looked up in their change scope."""

    restrict_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office(request.user):
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


class ServiceFormMixin:
    """Create/edit pages: the form validates, the service writes; service errors land on the form."""

    success_message = ""  # "%(name)s" is the saved object

    def call_service(self, form):  # pragma: no cover - overridden
        raise NotImplementedError

    def after_service(self, obj) -> None:
        """A further write once the service succeeded (its errors are not shown on the form)."""

    def form_valid(self, form):
        try:
            self.object = self.call_service(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        self.after_service(self.object)
        messages.success(self.request, self.success_message % {"name": self.object})
        return HttpResponseRedirect(self.get_success_url())


class ServiceCreateView(OfficeRequiredMixin, ServiceFormMixin, CreateView):
    """`service` (a staticmethod) is called as `service(actor=user, **form.cleaned_data)`."""

    service = None

    def call_service(self, form):
        return self.service(actor=self.request.user, **form.cleaned_data)


class ServiceUpdateView(OfficeRequiredMixin, ServiceFormMixin, UpdateView):
    """`service` (a staticmethod) is called as `service(actor=user, <object_kwarg>=obj, **form.cleaned_data)`."""

    service = None
    object_kwarg = ""

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.restrict_action)

    def call_service(self, form):
        return self.service(actor=self.request.user, **{self.object_kwarg: self.object}, **form.cleaned_data)
