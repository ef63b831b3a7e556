"""The audit log (审计日志): one function every app calls, one line per call site.

    from wenming.accounts import audit
    audit.record(request.user, audit.EXPORT, "cases.Case", {"rows": n, "query": q}, request=request)

Rows are append-only (`AuditEvent`, `core.appendonly`); auditors and administrators search them at
/accounts/audit/. What is recorded (docs/security.md § Accounts and audit):

- exports of data: the views starting exports of personal data call `record` with the filter and row
  count (cases, reports, users, the audit log itself); any other download (a response with
  `Content-Disposition: attachment`) by a signed-in user is recorded by `AuditMiddleware`;
- views of personal data (a reporter's contact in triage, a user's account page);
- permission denials (every 403, and every 404 of a resolved URL for a signed-in user: out of scope);
- configuration changes (every historical record of a configuration model, via simple_history);
- API tokens issued and revoked.

`record` never raises into the caller's request: an audit failure is logged, the request goes on.
"""

import logging

from django.db import transaction

from wenming.accounts.choices import AuditAction

logger = logging.getLogger(__name__)

EXPORT = AuditAction.EXPORT
PERSONAL_VIEW = AuditAction.PERSONAL_VIEW
DENIED = AuditAction.DENIED
CONFIG_CHANGE = AuditAction.CONFIG_CHANGE
TOKEN_ISSUED = AuditAction.TOKEN_ISSUED
TOKEN_REVOKED = AuditAction.TOKEN_REVOKED


def _target_label(target) -> str:
    if target is None:
        return ""
    if isinstance(target, str):
        return target[:200]
    meta = getattr(target, "_meta", None)
    if meta is not None:
        return f"{meta.label}:{getattr(target, 'pk', '')}"[:200]
    return str(target)[:200]


def _client_ip(request) -> str:
    if request is None:
        return ""
    from wenming.accounts.lockout import client_ip

    return (client_ip(request) or "")[:45]


def record(actor, action: str, target=None, detail: dict | None = None, *, request=None):
    """Append one audit row. `target`: a model instance, a model label or free text; `detail`: JSON-able."""
    from wenming.accounts.models import AuditEvent

    user = actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    if request is not None and action == EXPORT:
        request._audit_export_recorded = True  # the middleware then does not add a generic row
    try:
        # A savepoint: a failure here must not break the caller's transaction.
        with transaction.atomic():
            return AuditEvent.objects.create(
                actor=user,
                actor_name=(user.get_username() if user else "")[:150],
                action=action,
                target=_target_label(target),
                detail=detail or {},
                ip_address=_client_ip(request),
                path=(request.get_full_path() if request is not None else "")[:300],
            )
    except Exception:  # noqa: BLE001 — auditing must never turn a request into a server error
        logger.exception("audit record failed: %s %s", action, _target_label(target))
        return None
