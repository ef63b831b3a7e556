"""What the surveys pages share: access mixins, pagination, htmx partials, service error mapping."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from wenming.surveys.querysets import may_use_surveys

PAGE_SIZE = 25


def page_of(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def list_template(request, name: str) -> str:
    """The whole page, or only its table partial for an htmx request (filters, pagination)."""
    return f"{name}#table" if request.htmx and not request.htmx.boosted else name


def is_office(user) -> bool:
    return user.is_authenticated and user.scope().sees_all("change")


def is_reader(user) -> bool:
    return user.is_authenticated and user.scope().sees_all("view")


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
