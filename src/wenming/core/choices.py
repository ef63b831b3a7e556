"""Enumerations shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoordSystem(models.TextChoices):
    """The coordinate system a position arrived in; we always store WGS-84."""

    WGS84 = "WGS84", _("WGS-84（GPS/天地图）")
    GCJ02 = "GCJ02", _("GCJ-02（高德/腾讯/微信）")
    BD09 = "BD09", _("BD-09（百度）")
    CGCS2000 = "CGCS2000", _("CGCS2000（国家大地坐标系）")


class DayKind(models.TextChoices):
    """What a calendar date is for deadlines (工作日历). Badge colour beside each value."""

    WORKDAY = "workday", _("工作日")  # ordinary Monday–Friday; grey
    HOLIDAY = "holiday", _("法定节假日")  # statutory holiday, including the weekends inside it; red
    MAKEUP = "makeup", _("调休上班")  # a weekend day worked in exchange for a holiday; orange
    WEEKEND = "weekend", _("周末")  # ordinary Saturday/Sunday; grey

    @classmethod
    def working(cls) -> frozenset[str]:
        return frozenset({cls.WORKDAY.value, cls.MAKEUP.value})


DAY_KIND_BADGE = {
    DayKind.WORKDAY: "grey",
    DayKind.HOLIDAY: "red",
    DayKind.MAKEUP: "orange",
    DayKind.WEEKEND: "grey",
}


class DayOrigin(models.TextChoices):
    """Where a calendar row came from; seeding never overwrites an office override."""

    PACKAGE = "package", _("国务院安排")  # seeded by `wenming seed_calendar`
    OVERRIDE = "override", _("文明办调整")  # set by the office on /calendar/ or in the admin
    RULES = "rules", _("按法定假日推算（暂定）")  # a year not yet published: statutory days only, provisional
    NOTICE = (
        "notice",
        _("国务院通知导入"),
    )  # pasted notice or XLSX, previewed and applied on /calendar/import/


class DeliveryChannel(models.TextChoices):
    """An outbound channel for a notification (消息推送渠道)."""

    EMAIL = "email", _("电子邮件")  # Django mail (MAILERS)
    SMS = "sms", _("短信")  # settings.SMS_BACKEND


class DeliveryStatus(models.TextChoices):
    """Where an outbound delivery stands. Badge colour beside each value."""

    PENDING = "pending", _("待发送")  # not sent yet, or failed and waiting for its next attempt; orange
    SENT = "sent", _("已发送")  # the channel accepted it; green
    FAILED = "failed", _("发送失败")  # gave up: attempts exhausted or no address; red


DELIVERY_STATUS_BADGE = {
    DeliveryStatus.PENDING: "orange",
    DeliveryStatus.SENT: "green",
    DeliveryStatus.FAILED: "red",
}
