"""What every survey service shares: its refusals and the office check."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from wenming.core.roles import is_office_or_system


class SurveyError(ValidationError):
    """A refused write with a Chinese message; `code` tells a phone or an API client what happened
    ("invalid", "ineligible", "duplicate", "closed", "locked" …). Nothing was written."""


class NotFound(ObjectDoesNotExist):
    """The object is outside the actor's scope: the web layer answers 404 so its existence is not revealed."""


def require_office(actor, message: str | None = None) -> None:
    """The system (`actor=None`, the demo and commands) and admin/office users may go on."""
    if not is_office_or_system(actor):
        raise PermissionDenied(message or _("只有文明办可以进行此操作。"))


def visible(model, actor, obj, action: str = "view"):
    """Refuse an object outside the actor's scope (NotFound) — the system sees everything."""
    if actor is None:
        return obj
    if not model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise NotFound(_("对象不存在。"))
    return obj
