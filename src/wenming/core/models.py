"""Base model mixins shared by every app, and the working-day calendar, attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Created/updated timestamps (UTC) for any domain object."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuthoredModel(TimeStampedModel):
    """A domain object whose creator is recorded (money and blame are at stake)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


def new_public_id() -> str:
    """An unguessable identifier for anything a citizen may see."""
    return uuid.uuid4().hex


class PublicIdModel(models.Model):
    """Adds an unguessable public id beside the internal integer key."""

    public_id = models.CharField(_("公开编号"), max_length=32, unique=True, default=new_public_id, editable=False)

    class Meta:
        abstract = True
