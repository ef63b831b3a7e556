"""Enumerations of citizen participation (群众参与 / 文明随手拍). Badge colour beside each value."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    """Where a citizen report stands in the office's triage (群众上报审核)."""

    PENDING = "pending", _("待审核")  # badge: orange — in the triage queue
    ACCEPTED = "accepted", _("已受理")  # badge: green — became a new case (`Report.case`)
    MERGED = "merged", _("已合并")  # badge: blue — joined an existing case (`Report.case`)
    REJECTED = "rejected", _("不予受理")  # badge: grey — the citizen sees the reason
    SPAM = "spam", _("无效信息")  # badge: red — never public, no points


REPORT_STATE_BADGE = {
    ReportState.PENDING: "orange",
    ReportState.ACCEPTED: "green",
    ReportState.MERGED: "blue",
    ReportState.REJECTED: "grey",
    ReportState.SPAM: "red",
}
# Reports that reached a case: their status follows the case.
LINKED_STATES = frozenset({ReportState.ACCEPTED, ReportState.MERGED})


class Channel(models.TextChoices):
    """How a report arrived (上报渠道)."""

    WEB = "web", _("随手拍网页")  # badge: green — the public site on a phone
    OPEN311 = "open311", _("Open311 接口")  # badge: blue — an app or script with an API key
    DEMO = "demo", _("演示数据")  # badge: grey


class PositionSource(models.TextChoices):
    """Where a report's position came from (位置来源)."""

    DEVICE = "device", _("手机定位")  # the browser's geolocation (WGS-84)
    MAP = "map", _("地图选点")  # a tap on the map, converted from the map's system
    PHOTO = "photo", _("照片位置信息")  # EXIF GPS of a photo (read as a hint, then stripped)
    CLIENT = "client", _("接口提交坐标")  # Open311 lat/long
    ADDRESS = "address", _("仅地址")  # no coordinates, only a written address
    NONE = "none", _("未提供")


class PublicStatus(models.TextChoices):
    """A report's status in plain words for the public pages and Open311 status notes (进度)."""

    RECEIVED = "received", _("已收到，等待审核")  # badge: orange
    NOT_ACCEPTED = "not_accepted", _("未受理")  # badge: grey
    ACCEPTED = "accepted", _("已受理，正在安排处理")  # badge: blue
    IN_PROGRESS = "in_progress", _("责任单位正在处理")  # badge: orange
    FIX_REPORTED = "fix_reported", _("已整改，等待核查")  # badge: blue
    PLANNED = "planned", _("已列入整改计划")  # badge: purple — parked (挂账) with a target date
    FIXED = "fixed", _("已解决")  # badge: green


PUBLIC_STATUS_BADGE = {
    PublicStatus.RECEIVED: "orange",
    PublicStatus.NOT_ACCEPTED: "grey",
    PublicStatus.ACCEPTED: "blue",
    PublicStatus.IN_PROGRESS: "orange",
    PublicStatus.FIX_REPORTED: "blue",
    PublicStatus.PLANNED: "purple",
    PublicStatus.FIXED: "green",
}
# Open311's two-valued status.
OPEN311_CLOSED = frozenset({PublicStatus.NOT_ACCEPTED, PublicStatus.FIXED})


class ReportEventKind(models.TextChoices):
    """Rows of a report's own append-only timeline; `PUBLIC_REPORT_EVENTS` are shown on the tracking page."""

    SUBMITTED = "submitted", _("提交上报")
    ACCEPTED = "accepted", _("受理立案")
    MERGED = "merged", _("与已有问题合并处理")
    REJECTED = "rejected", _("不予受理")
    SPAM = "spam", _("判定为无效信息")
    MODERATED = "moderated", _("内容审核")
    PHOTO_REDACTED = "photo_redacted", _("照片遮挡处理")
    SUPPORTED = "supported", _("有市民表示“我也遇到”")
    CONFIRMED = "confirmed", _("上报人确认已解决")
    DISPUTED = "disputed", _("上报人提出异议，问题重新打开")
    RATED = "rated", _("上报人满意度评价")
    POINTS = "points", _("获得积分")


PUBLIC_REPORT_EVENTS = frozenset(
    {
        ReportEventKind.SUBMITTED,
        ReportEventKind.ACCEPTED,
        ReportEventKind.MERGED,
        ReportEventKind.REJECTED,
        ReportEventKind.SPAM,
        ReportEventKind.CONFIRMED,
        ReportEventKind.DISPUTED,
        ReportEventKind.RATED,
    }
)


class PointsReason(models.TextChoices):
    """Why participation points (积分) were given; one entry per report and reason."""

    ACCEPTED = "accepted", _("上报被受理")  # a new problem became a case
    MERGED = "merged", _("上报与已有问题合并")  # a real problem somebody had already reported


class Attribute(models.TextChoices):
    """Open311 service attributes (every service has the same two; answers kept on the report)."""

    LOCATION_DETAIL = "location_detail", _("具体位置说明")
    HAZARD = "hazard", _("是否影响通行或安全")
