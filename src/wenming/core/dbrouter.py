"""A read replica for the read-heavy dashboards (optional: `WENMING_DATABASE_REPLICA_URL`, docs/deploy.md §10).

Only the reads of the views that opt in (`ReplicaReadsMixin`: the workbench home, the leadership view and
its data, the big screen, the rankings) go to the `replica` alias, and only:

- for GET and HEAD requests (a form post never reads from the replica);
- after the user, their scope and the session were read from the primary (a revoked role is never seen late);
- until the first write inside the request: from then on every read goes to the primary (`db_for_write`
  switches the request back);
- when the user did not write anything in the last `REPLICA_PIN_SECONDS` (default 10): a request that wrote
  sets a short cookie (`ReplicaPinMiddleware`), and while it lives every read is the primary's, so what one
  just changed is what the dashboard shows, whatever the replica's lag.

Every other read, every write and every migration is the primary's (`default`). Without the variable there is
no `replica` alias, the router is not installed and nothing changes.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
PIN_COOKIE = "wenming_primary"

_reads_on_replica: ContextVar[bool] = ContextVar("wenming_reads_on_replica", default=False)
_wrote: ContextVar[bool] = ContextVar("wenming_wrote", default=False)

# Writes that do not pin the user to the primary: the session row is saved on every request.
UNPINNED_APPS = {"sessions"}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 10))


@contextlib.contextmanager
def replica_reads(request=None):
    """Reads inside go to the replica (when there is one and the request may use it)."""
    use = replica_configured() and (request is None or may_use_replica(request))
    token = _reads_on_replica.set(use)
    try:
        yield use
    finally:
        _reads_on_replica.reset(token)


def may_use_replica(request) -> bool:
    return request.method in ("GET", "HEAD") and PIN_COOKIE not in request.COOKIES


class ReplicaRouter:
    """`replica` for the reads inside `replica_reads()`, `default` for everything else."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reads_on_replica.get() else "default"

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in UNPINNED_APPS:
            _reads_on_replica.set(False)  # read your writes: the rest of this request reads the primary
            _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {"default", REPLICA, None} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaPinMiddleware:
    """After a request that wrote, the user's reads stay on the primary for `REPLICA_PIN_SECONDS`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and pin_seconds() > 0:
                response.set_cookie(PIN_COOKIE, "1", max_age=pin_seconds(), httponly=True, samesite="Lax",
                                    secure=request.is_secure())  # fmt: skip
            return response
        finally:
            _wrote.reset(token)


class ReplicaReadsMixin:
    """For read-heavy dashboard views: the view's reads, and its template's, on the replica (see above)."""

    def dispatch(self, request, *args, **kwargs):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and hasattr(user, "scope"):
            user.scope()  # the user, their roles and scope from the primary, before switching
        with replica_reads(request):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse's lazy queries run here, still on the replica
        return response
