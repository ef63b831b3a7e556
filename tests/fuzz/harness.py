"""Shared machinery of the API fuzzers: the committed OpenAPI schema loaded by schemathesis, the real Django WSGI
application called in-process (same thread, same test transaction), and the checks every response must pass:

* no 5xx (and no exception reached Django's handler);
* the response conforms to the schema (body and content type of documented responses);
* nothing outside the caller's scope: a 2xx on `/…/{id}/…` names an object of
  `Model.objects.restrict(user, "view")`, and every row of a 2xx list is in that queryset.

Failures are collected, one per distinct signature (operation, status, exception, check), instead of stopping at
the first one, so a run reports every distinct defect it met. `STATS` counts requests and failures for the
summary printed at the end of the session (see conftest.py)."""

import os
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import Resolver404, resolve

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"

# In-suite size: examples per role (11 roles). `make fuzz` raises it through WENMING_FUZZ_EXAMPLES.
EXAMPLES = int(os.environ.get("WENMING_FUZZ_EXAMPLES", "150"))


@dataclass
class Stats:
    requests: Counter = field(default_factory=Counter)  # suite part → requests sent
    server_errors: Counter = field(default_factory=Counter)
    schema_failures: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        lines = [f"fuzz: {sum(self.requests.values())} requests, {sum(self.server_errors.values())} 5xx, "
                 f"{sum(self.schema_failures.values())} schema deviations"]  # fmt: skip
        for part, count in sorted(self.requests.items()):
            lines.append(
                f"  {part}: {count} requests, {self.server_errors[part]} 5xx, "
                f"{self.schema_failures[part]} schema deviations"
            )
        return "\n".join(lines)


STATS = Stats()

_schema = None


def schema():
    """The committed schema of /api/v1 (docs/openapi.yaml), loaded once."""
    global _schema
    if _schema is None:
        import schemathesis

        _schema = schemathesis.openapi.from_path(SCHEMA_PATH)
    return _schema


def api_strategy():
    """Every operation of the schema, with valid (positive) and invalid (negative) data."""
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    s = schema()
    return st.one_of(
        s.as_strategy(generation_mode=GenerationMode.POSITIVE),
        s.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


class InProcessApp:
    """Django's real WSGI application, called in this thread on the test's database connection.

    Like Django's test client, it keeps the per-request `close_old_connections` from closing the connection
    that holds the test transaction, and records any exception that reached Django's 500 handler."""

    def __init__(self):
        self.app = get_wsgi_application()
        self.exceptions: list[str] = []

    def _record(self, sender, request=None, **kwargs):
        self.exceptions.append(traceback.format_exc(limit=-6))

    def __enter__(self):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        signals.got_request_exception.connect(self._record)
        return self

    def __exit__(self, *exc):
        signals.got_request_exception.disconnect(self._record)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def scoped_model(path: str, user=None):
    """The model behind an /api/v1 URL (its viewset's `model`, `queryset` or `get_queryset()` model), or None."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    cls = getattr(match.func, "cls", None)
    if path.startswith("/api/v1/scoring/points/"):  # a point's score history: the point is the object
        from wenming.geo.models import Point

        return Point, match
    model = getattr(cls, "model", None) or getattr(getattr(cls, "queryset", None), "model", None)
    if model is None and cls is not None and hasattr(cls, "get_queryset"):
        view = cls()
        view.action = (getattr(match.func, "actions", None) or {}).get("get", "list")
        view.kwargs = match.kwargs
        view.request = SimpleNamespace(user=user or AnonymousUser(), method="GET", query_params={}, GET={})
        view.format_kwarg = None
        try:
            model = view.get_queryset().model
        except Exception:  # noqa: BLE001 - a view that needs more of a request: no model-level check for it
            model = None
    return model, match


def visible_ids(model, user) -> set | None:
    """Primary keys `user` may see of `model`, or None when the model has no `restrict` (registries)."""
    from django.contrib.auth.models import AnonymousUser

    manager = model._default_manager
    if not hasattr(manager.get_queryset(), "restrict"):
        return None
    return set(manager.get_queryset().restrict(user or AnonymousUser(), "view").values_list("pk", flat=True))


def scope_violations(method: str, path: str, status: int, body, user) -> list[str]:
    """Rows of a 2xx answer outside the caller's `restrict(user, "view")`."""
    if not 200 <= status < 300:
        return []
    model, match = scoped_model(path, user)
    if model is None:
        return []
    allowed = visible_ids(model, user)
    if allowed is None:
        return []
    problems = []
    pk = match.kwargs.get("pk") or match.kwargs.get("id")
    if pk is not None and str(pk).isdigit() and int(pk) not in allowed and method in ("GET", "HEAD"):
        problems.append(f"{method} {path} answered {status} for {model.__name__} #{pk} outside the scope")
    rows = body.get("results") if isinstance(body, dict) else None
    if pk is None and method == "GET" and isinstance(rows, list):
        leaked = sorted(
            {r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), int)} - allowed
        )
        if leaked:
            problems.append(f"GET {path} listed {model.__name__} {leaked[:10]} outside the scope")
    return problems


def run_case(part: str, app: InProcessApp, case, role: str, world, failures: dict) -> None:
    """Send one generated case as `role`, run the checks, and record distinct failures in `failures`."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    app.exceptions.clear()
    world.restore_token(role)  # a generated DELETE /tokens/{id}/ may have revoked the caller's own token
    response = case.call(app=app, headers=world.headers(role))
    STATS.requests[part] += 1
    label = f"{role} {case.method} {case.path}"
    if response.status_code >= 500 or app.exceptions:
        STATS.server_errors[part] += 1
        exc = app.exceptions[-1] if app.exceptions else response.text[:500]
        last = exc.strip().splitlines()[-1] if exc.strip() else ""
        failures.setdefault(f"{label} 5xx {last}", f"{label}: {response.status_code}\n{_repro(case)}\n{exc}")
        return
    try:
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )
    except FailureGroup as group:  # one exception per failed check
        for exc in group.exceptions:
            key = failure_key(case, exc)
            STATS.schema_failures[part] += 1
            detail = (getattr(exc, "message", "") or str(exc))[:1200]
            failures.setdefault(key, f"{role} {key}\n{detail}\n{_repro(case)}")
    body = None
    if (response.headers.get("content-type") or [""])[0].startswith("application/json"):
        try:
            body = response.json()
        except ValueError:
            body = None
    path = case.formatted_path
    for problem in scope_violations(case.method.upper(), path, response.status_code, body, world.users[role]):
        failures.setdefault(f"{label} scope", f"{problem}\n{_repro(case)}")


def failure_key(case, exc) -> str:
    """A stable name for a schema-check failure: operation, check title and, for a body that violates the
    schema, where in the body (list indexes as `*`) and which keyword failed."""
    where = ""
    if hasattr(exc, "instance_path"):
        where = "/".join("*" if isinstance(p, int) else str(p) for p in exc.instance_path)
        where = f" at /{where} ({exc.schema_path[-1] if exc.schema_path else ''})"
    return f"{case.method.upper()} {case.path} {getattr(exc, 'title', type(exc).__name__)}{where}"


def _repro(case) -> str:
    return (
        f"  {case.method} {case.formatted_path} query={case.query!r} body={getattr(case, 'body', None)!r}"
    )[:600]
