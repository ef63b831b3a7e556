"""Audit from the response: downloads (exports) by signed-in users, and permission denials.

A denial is a 403 (a role refused an action), or a 404 a signed-in user got for an object that exists:
out-of-scope objects answer 404 (their existence is not revealed), so the middleware looks the URL's object
up — the view's model (`model`, `queryset`) and the id in the URL (`pk`, `id`, or a numeric `key`) — and records the 404 only when
that row exists. A 404 of a URL that matched no view, of an id that names nothing, or of an anonymous caller
is an ordinary miss and is not recorded. When the view's model cannot be told (a function view, no id in the
URL) the 404 is recorded, as it may be a denial. The row is written after the view has answered, outside its
transaction.
"""

import re

from django.apps import apps
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework.exceptions import APIException

from wenming.accounts import audit


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if (
            status == 200
            and response.get("Content-Disposition", "").startswith("attachment")
            and getattr(getattr(request, "user", None), "is_authenticated", False)
            and not getattr(request, "_audit_export_recorded", False)
        ):
            match = request.resolver_match
            audit.record(request.user, audit.EXPORT, match.view_name if match else request.path[:200], {"query": request.GET.urlencode()}, request=request)  # fmt: skip
        if status in (403, 404):
            user = getattr(request, "user", None)
            signed_in = bool(getattr(user, "is_authenticated", False))
            match = getattr(request, "resolver_match", None)
            if status == 403 or (
                signed_in
                and match is not None
                and object_exists(match, _model_of(request, response)) is not False
            ):
                audit.record(user, audit.DENIED, request.path[:200], {"status": status, "method": request.method, "view": match.view_name if match else ""}, request=request)  # fmt: skip
        return response

    def process_exception(self, request, exception):
        # `get_object_or_404` names the model it looked in ("No Case matches the given query."): kept for the
        # 404 the exception becomes, so a web view without a `model` attribute is still told apart.
        if isinstance(exception, Http404) and exception.args:
            found = NOT_FOUND.fullmatch(str(exception.args[0]))
            if found:
                request._audit_404_model = found.group(1)
        return None


NOT_FOUND = re.compile(r"No (\w+) matches the given query\.")


def _model_of(request, response):
    """The model a 404 looked in: the view's `model`/`queryset`, DRF's view's `get_queryset()`, or the model
    `get_object_or_404` named."""
    match = request.resolver_match
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    model = getattr(view_class, "model", None) or getattr(
        getattr(view_class, "queryset", None), "model", None
    )
    if model is not None:
        return model
    view = (getattr(response, "renderer_context", None) or {}).get("view")  # a DRF view that answered
    if view is not None and hasattr(view, "get_queryset"):
        try:
            return view.get_queryset().model
        except (DjangoPermissionDenied, APIException):  # the view refuses this caller its list
            return None
    name = getattr(request, "_audit_404_model", None)
    if name:
        models = [m for m in apps.get_models() if m._meta.object_name == name]
        return models[0] if len(models) == 1 else None
    return None


def object_exists(match, model) -> bool | None:
    """Whether the object a resolved URL names exists: True/False, or None when it cannot be told."""
    pk = next((match.kwargs[k] for k in ("pk", "id", "key") if k in match.kwargs), None)
    if model is None or pk is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):  # a `key` may be a code instead of an id: cannot be told here
        return None if "key" in match.kwargs else False
    if not 0 < pk < 2**63:
        return False
    return model._base_manager.filter(pk=pk).exists()
