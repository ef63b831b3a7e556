"""What the surveys pages share: access mixins, pagination, htmx partials, service error mapping."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from wenming.core.roles import is_office, is_reader
from wenming.surveys.querysets import may_use_surveys
from wenming.surveys.services import SurveyError

PAGE_SIZE = 25


def page_of(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def list_template(request, name: str) -> str:
    """The whole page, or only its table partial for an htmx request (filters, pagination)."""
    return f"{name}#table" if request.htmx and not request.htmx.boosted else name


def require_office(user) -> None:
    if not is_office(user):
        raise PermissionDenied(_("只有文明办可以进行此操作。"))


def require_reader(user) -> None:
    if not is_reader(user):
        raise PermissionDenied(_("只有文明办、领导和审计人员可以查看。"))


def error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


class SurveyAccessMixin(LoginRequiredMixin):
    """Survey pages: readers, the office, inspectors and named interviewers; others 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_use_surveys(request.user):
            raise PermissionDenied(_("您没有问卷调查的权限。"))
        return super().dispatch(request, *args, **kwargs)


class ReaderMixin(LoginRequiredMixin):
    """Office, leader, auditor (and admin)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_reader(request.user)
        return super().dispatch(request, *args, **kwargs)


class OfficeMixin(LoginRequiredMixin):
    """Admin and office only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_office(request.user)
        return super().dispatch(request, *args, **kwargs)


class _ServiceFormPage(View):
    """A create or edit page over a plain form: GET shows the form, POST validates it and calls `save`; a
    SurveyError lands on the form (400), success shows `success_message` and redirects to the saved object."""

    template = ""
    form_class = None
    success_message = ""

    def get_object(self, request, pk):
        return None

    def initial(self, obj) -> dict:
        return {}

    def bound_form(self, request):
        return self.form_class(request.POST)

    def save(self, request, form, obj):  # pragma: no cover - overridden
        raise NotImplementedError

    def render_form(self, request, form, obj, status: int = 200):
        return render(request, self.template, {"form": form}, status=status)

    def get(self, request, pk=None):
        obj = self.get_object(request, pk)
        return self.render_form(request, self.form_class(initial=self.initial(obj)), obj)

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.bound_form(request)
        if form.is_valid():
            try:
                saved = self.save(request, form, obj)
            except SurveyError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(saved.get_absolute_url())
        return self.render_form(request, form, obj, status=400)


class ServiceCreatePage(OfficeMixin, _ServiceFormPage):
    """Admin and office create an object: `save(request, form, None)` returns it."""


class OfficeObjectMixin(LoginRequiredMixin):
    """The object is looked up among the visible ones (`lookup(request, pk)`, else 404), then only admin and
    office may go on (403)."""

    lookup = None

    def get_object(self, request, pk):
        obj = self.lookup(request, pk)
        require_office(request.user)
        return obj


class ServiceUpdatePage(OfficeObjectMixin, _ServiceFormPage):
    """Edit an object (see OfficeObjectMixin): the form starts from `form_class.initial_for(obj)` and the
    template gets the object as `object_name`; `save(request, form, obj)` returns the saved object."""

    object_name = ""

    def initial(self, obj) -> dict:
        return self.form_class.initial_for(obj)

    def render_form(self, request, form, obj, status: int = 200):
        return render(request, self.template, {"form": form, self.object_name: obj}, status=status)


class ServiceDeletePage(OfficeObjectMixin, View):
    """Delete an object (see OfficeObjectMixin): GET asks to confirm, POST calls `delete_object(request, obj)`,
    shows `success_message` and goes to the URL named `success_url`."""

    success_message = ""
    success_url = ""

    def delete_object(self, request, obj) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self, request, pk):
        obj = self.get_object(request, pk)
        return render(
            request, "core/confirm_delete.html", {"object": obj, "cancel_url": obj.get_absolute_url()}
        )

    def post(self, request, pk):
        obj = self.get_object(request, pk)
        self.delete_object(request, obj)
        messages.success(request, self.success_message)
        return redirect(self.success_url)
