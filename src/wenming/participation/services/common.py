"""Shared by the participation services: settings, the timeline constructor, the office check and the system
actor that carries citizens' own actions into the cases workflow."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.participation.choices import (
    PointsReason,
)
from wenming.participation.models import (
    ReportEvent,
)
from wenming.participation.querysets import can_triage

PORTAL_USERNAME = "wenming-public"
MAX_DESCRIPTION = 2000
POINTS = {PointsReason.ACCEPTED: 10, PointsReason.MERGED: 5}


def _now(at):
    return at or timezone.now()


def max_photos() -> int:
    return int(getattr(settings, "PARTICIPATION_MAX_PHOTOS", 6))


def dispute_days() -> int:
    return int(getattr(settings, "PARTICIPATION_DISPUTE_DAYS", 30))


def max_disputes() -> int:
    return int(getattr(settings, "PARTICIPATION_MAX_DISPUTES", 3))


def _event(report, kind, *, at, actor=None, note="", data=None) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, kind=kind, at=at, actor=actor, note=note, data=data or {}
    )


def _ensure_triager(actor) -> None:
    if not can_triage(actor):
        raise PermissionDenied(_("只有文明办可以审核群众上报。"))


# --- the system actor for the citizen's own actions ---------------------------------------------------------


def portal_actor():
    """The system account "公众参与平台" that carries citizens' actions into the cases workflow."""
    from wenming.accounts import services as accounts
    from wenming.accounts.choices import Role
    from wenming.accounts.models import User

    user = User.objects.filter(username=PORTAL_USERNAME).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = accounts.create_user(
                actor=None, username=PORTAL_USERNAME, password=secrets.token_urlsafe(32),
                display_name=_("公众参与平台（系统）"),
            )  # fmt: skip
            user.set_unusable_password()
            user.save(update_fields=["password"])
            accounts.grant_membership(actor=None, user=user, role=Role.PORTAL)
    except (IntegrityError, ValidationError):  # created meanwhile by another request
        user = User.objects.get(username=PORTAL_USERNAME)
    return user
