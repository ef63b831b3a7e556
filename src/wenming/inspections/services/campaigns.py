"""Writes for time-boxed campaigns (限时行动): the office creates and edits them, in one transaction."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.roles import is_office
from wenming.inspections.models import Campaign


def _check(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以设置限时行动。"))


def save_campaign(*, actor, campaign: Campaign | None = None, categories=(), points=(), **fields) -> Campaign:
    """Create (campaign=None) or update a campaign; goals are percentages from 0 to 100."""
    _check(actor)
    for goal in ("goal_close_rate", "goal_compliance_rate"):
        value = fields.get(goal)
        if value is not None and not Decimal(0) <= Decimal(value) <= Decimal(100):
            raise ValidationError({goal: _("目标必须在 0 到 100 之间。")})
    with transaction.atomic():
        campaign = campaign or Campaign(created_by=actor)
        for name, value in fields.items():
            setattr(campaign, name, value)
        campaign.full_clean(exclude=["created_by"])
        campaign._history_user = actor
        campaign.save()
        campaign.categories.set(categories)
        campaign.points.set(points)
    return campaign
