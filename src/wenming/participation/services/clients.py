"""Open311 clients (API keys issued, revoked, checked) and the classifier's retraining job."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.participation.models import (
    Open311Client,
)
from wenming.participation.services.common import (
    _ensure_triager,
    _now,
)

# --- Open311 clients -----------------------------------------------------------------------------------------

KEY_PREFIX = "wm311_"


def hash_key(key: str) -> str:
    return hashlib.sha256((key or "").strip().encode()).hexdigest()


def issue_client(
    *, actor, name: str, contact: str = "", hourly_limit: int = 600
) -> tuple[Open311Client, str]:
    """A new client and its API key (returned once; only its hash is stored)."""
    if actor is not None:
        _ensure_triager(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写客户端名称。")})
    if len(name) > 80:
        raise ValidationError({"name": _("名称最多 80 字。")})
    if Open311Client.objects.filter(name=name).exists():
        raise ValidationError({"name": _("客户端“%(name)s”已存在。") % {"name": name}})
    if not 1 <= int(hourly_limit) <= 100_000:
        raise ValidationError({"hourly_limit": _("每小时上限应在 1 到 100000 之间。")})
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        client = Open311Client(
            name=name, contact=(contact or "").strip()[:200], key_prefix=key[len(KEY_PREFIX):][:8],
            key_hash=hash_key(key), hourly_limit=int(hourly_limit), created_by=actor,
        )  # fmt: skip
        if actor is not None:
            client._history_user = actor
        client.save()
    return client, key


def revoke_client(client: Open311Client, *, actor, at=None) -> Open311Client:
    if actor is not None:
        _ensure_triager(actor)
    with transaction.atomic():
        client = Open311Client.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at:
            raise ValidationError(_("该客户端的密钥已吊销。"))
        client.is_active, client.revoked_at, client.revoked_by = False, _now(at), actor
        if actor is not None:
            client._history_user = actor
        client.save(update_fields=["is_active", "revoked_at", "revoked_by", "updated_at"])
    return client


def authenticate_client(key: str) -> Open311Client | None:
    """The active client owning this API key, or None (its last use is recorded)."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    client = Open311Client.objects.active().filter(key_hash=hash_key(key)).first()
    if client is not None:
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > datetime.timedelta(minutes=1):
            Open311Client.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


# --- classifier ---------------------------------------------------------------------------------------------


def retrain_classifier(*, actor) -> None:
    """Queue the retraining job (it stores a new `ClassifierModel` with its held-out metrics)."""
    from wenming.participation.tasks import retrain_classifier as job

    _ensure_triager(actor)
    transaction.on_commit(partial(job.enqueue, actor_id=actor.pk))


@transaction.atomic
def save_lexicon(*, actor, text: str):
    """Store the office's edited slang/synonym lexicon (used from the next training on). Malformed YAML or
    unknown category codes → ValidationError in Chinese, nothing stored."""
    from wenming.participation.classifier import parse_lexicon
    from wenming.participation.models import ClassifierLexicon
    from wenming.standards.models import ProblemCategory

    _ensure_triager(actor)
    try:
        terms = parse_lexicon(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    known = set(ProblemCategory.objects.leaves().values_list("code", flat=True))
    unknown = sorted(set(terms) - known)
    if unknown:
        raise ValidationError(
            _("分类词表中有不存在的末级类别编码：%(codes)s") % {"codes": "、".join(unknown)}
        )
    return ClassifierLexicon.objects.create(edited_by=actor, text=text)
