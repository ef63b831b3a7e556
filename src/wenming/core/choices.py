"""Enumerations shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoordSystem(models.TextChoices):
    """The coordinate system a position arrived in; we always store WGS-84."""

    WGS84 = "WGS84", _("WGS-84（GPS/天地图）")
    GCJ02 = "GCJ02", _("GCJ-02（高德/腾讯/微信）")
    BD09 = "BD09", _("BD-09（百度）")
    CGCS2000 = "CGCS2000", _("CGCS2000（国家大地坐标系）")
