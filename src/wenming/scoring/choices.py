"""Enumerations of the scoring app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What a ranking or roll-up groups the point scores by (排名维度)."""

    STREET = "street", _("街道")  # the street the point lies in (area tree)
    COMMUNITY = "community", _("社区")  # the community the point lies in
    UNIT = "unit", _("责任单位")  # the point's responsible unit
    GROUP = "group", _("专项整治组")  # criteria owned by the group (through their problem category)
    TYPE = "type", _("点位类型")  # the point's type


class ChangeStatus(models.TextChoices):
    """How a figure moved between two rounds (engine.compare statuses)."""

    IMPROVED = "improved", _("进步")  # badge: green
    WORSE = "worse", _("退步")  # badge: red
    UNCHANGED = "unchanged", _("持平")  # badge: grey
    NEW = "new", _("新增")  # badge: blue
    DROPPED = "dropped", _("未参评")  # badge: grey


CHANGE_BADGE = {
    ChangeStatus.IMPROVED: "green",
    ChangeStatus.WORSE: "red",
    ChangeStatus.UNCHANGED: "grey",
    ChangeStatus.NEW: "blue",
    ChangeStatus.DROPPED: "grey",
}
