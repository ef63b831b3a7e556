"""Workbench widgets of bulletins, appraisal and the leadership view, registered into the workbench registry
(`wenming.core.widgets`) by `DashboardConfig.ready()`. Each is (user) → dict | None (None hides it)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from wenming.bulletins.models import Appeal, AppraisalResult, Bulletin
from wenming.bulletins.querysets import can_sign, my_unit_ids
from wenming.core.roles import is_office, is_reader
from wenming.core.widgets import register
from wenming.dashboard import leader

RECENT_DAYS = 60
LIMIT = 5


@register(5)
def test_countdown(user) -> dict | None:
    """Leaders, office, auditors, group leads: days to the next test, and the way to the leadership view."""
    if not leader.may_view(user):
        return None
    return {"template": "dashboard/widgets/countdown.html", "countdown": leader.countdown(),
            "leader_url": reverse("dashboard:leader")}  # fmt: skip


@register(12)
def bulletins_to_handle(user) -> dict | None:
    """Leaders: bulletins waiting for their signature; office: signed ones to publish and appeals to answer."""
    office = is_office(user)
    if not (office or can_sign(user)):
        return None
    qs = Bulletin.objects.restrict(user, "view")
    to_sign = list(qs.awaiting_signature().order_by("submitted_at")[:LIMIT]) if can_sign(user) else []
    to_publish = list(qs.filter(state="signed").order_by("signed_at")[:LIMIT]) if office else []
    appeals = Appeal.objects.restrict(user, "view").pending().count() if office else 0
    if not (to_sign or to_publish or appeals):
        return None
    return {"template": "dashboard/widgets/bulletins_todo.html", "to_sign": to_sign, "to_publish": to_publish,
            "appeals": appeals, "appraisal_url": reverse("bulletins:appraisal_list")}  # fmt: skip


@register(30)
def bulletins_for_my_units(user) -> dict | None:
    """Units, streets, group leads: recent bulletins addressed to them and their published appraisal results."""
    if is_reader(user) or not my_unit_ids(user):
        return None
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    bulletins = list(
        Bulletin.objects.restrict(user, "view")
        .filter(published_at__gte=since)
        .order_by("-published_at")[:LIMIT]
    )
    results = list(
        AppraisalResult.objects.restrict(user, "view")
        .select_related("run", "run__scheme")
        .order_by("-run__computed_at")[:3]
    )
    if not (bulletins or results):
        return None
    return {"template": "dashboard/widgets/my_bulletins.html", "bulletins": bulletins, "results": results,
            "list_url": reverse("bulletins:bulletin_list")}  # fmt: skip
