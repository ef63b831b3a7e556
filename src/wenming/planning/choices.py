"""Enumerations of the planning app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TravelMode(models.TextChoices):
    """How the teams move between points (speed and detour factor per mode are settings)."""

    WALK = "walk", _("步行")
    EBIKE = "ebike", _("电动自行车")
    CAR = "car", _("汽车")


class PlanState(models.TextChoices):
    """A day plan is computed (draft), then published: its stops become the tasks of an inspection round."""

    DRAFT = "draft", _("草稿")  # badge: grey
    PUBLISHED = "published", _("已发布")  # badge: blue


PLAN_STATE_BADGE = {PlanState.DRAFT: "grey", PlanState.PUBLISHED: "blue"}


class StopState(models.TextChoices):
    """A stop of a route: planned, skipped by the inspector, or dropped when the rest was re-planned."""

    PLANNED = "planned", _("待前往")  # badge: orange
    SKIPPED = "skipped", _("已跳过")  # badge: grey
    DROPPED = "dropped", _("重排后取消")  # badge: grey


STOP_STATE_BADGE = {StopState.PLANNED: "orange", StopState.SKIPPED: "grey", StopState.DROPPED: "grey"}
