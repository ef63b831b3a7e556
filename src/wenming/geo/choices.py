from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    """Levels of the area tree; codes: district 6 digits, street/community 12 (statistical), grid 15."""

    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


AREA_CODE_LENGTH = {AreaLevel.DISTRICT: 6, AreaLevel.STREET: 12, AreaLevel.COMMUNITY: 12, AreaLevel.GRID: 15}
AREA_CHILD_LEVEL = {
    AreaLevel.DISTRICT: AreaLevel.STREET,
    AreaLevel.STREET: AreaLevel.COMMUNITY,
    AreaLevel.COMMUNITY: AreaLevel.GRID,
}


class Post(models.TextChoices):
    """Posts in the fine grid (定人定岗定责)."""

    GRID_LEAD = "grid_lead", _("网格长")
    GRID_WORKER = "grid_worker", _("网格员")
    POINT_OWNER = "point_owner", _("点位责任人")
    ROAD_CHIEF = "road_chief", _("路长")
    COMMUNITY_LEAD = "community_lead", _("社区负责人")
    STREET_LEAD = "street_lead", _("街道负责人")
    CATEGORY_LEAD = "category_lead", _("专项负责人")
    GUARANTOR = "guarantor", _("包保责任人")


class PointStatus(models.TextChoices):
    ACTIVE = "active", _("在库")
    SUSPENDED = "suspended", _("暂停")
    RETIRED = "retired", _("撤销")
