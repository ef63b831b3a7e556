"""Enumerations of the cases app (问题案件). Badge colours beside each value (see wenming.css `.badge-*`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSource(models.TextChoices):
    """Where a problem was found (问题来源)."""

    INSPECTION = "inspection", _("督查测评")  # badge: blue — an inspector's observation
    CITIZEN = "citizen", _("群众上报")  # badge: green — 文明随手拍 / Open311
    HOTLINE = "hotline", _("12345热线")  # badge: green
    LEADERSHIP = "leadership", _("领导交办")  # badge: purple
    BULLETIN = "bulletin", _("通报反馈")  # badge: red — a city/district bulletin named it
    MANUAL = "manual", _("手工录入")  # badge: grey


class CaseState(models.TextChoices):
    """The case lifecycle (see cases/workflow.py for who may move a case between states)."""

    REPORTED = "reported", _("已上报")  # badge: grey — found, waiting for the office
    REGISTERED = "registered", _("已立案")  # badge: blue — accepted, waiting for dispatch
    REJECTED = "rejected", _("不予立案")  # badge: grey — final
    MERGED = "merged", _("已合并")  # badge: grey — final, duplicate of `merged_into`
    DISPATCHED = "dispatched", _("已派遣")  # badge: orange — the unit's clock runs
    COORDINATING = "coordinating", _("协调中")  # badge: purple — unit above district, the office coordinates
    ACKNOWLEDGED = "acknowledged", _("已签收")  # badge: orange
    FIXING = "fixing", _("整改中")  # badge: orange
    RETURNED = "returned", _("退回待审")  # badge: purple — the unit says "not ours", the office decides
    FIX_REPORTED = "fix_reported", _("已反馈")  # badge: blue — after-photos in, waiting for verification
    PARKED = "parked", _("挂账")  # badge: grey — needs engineering/budget; plan + target date
    CLOSED = "closed", _("已结案")  # badge: green — final unless reopened


FINAL_STATES = frozenset({CaseState.REJECTED, CaseState.MERGED, CaseState.CLOSED})
OPEN_STATES = frozenset(set(CaseState.values) - FINAL_STATES)
# States in which the responsible unit's fix clock runs (reminders, escalation, overdue).
UNIT_CLOCK_STATES = frozenset({CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.FIXING})
# States before dispatch: the office's dispatch clock runs.
INTAKE_STATES = frozenset({CaseState.REPORTED, CaseState.REGISTERED})

STATE_BADGE = {
    CaseState.REPORTED: "grey",
    CaseState.REGISTERED: "blue",
    CaseState.REJECTED: "grey",
    CaseState.MERGED: "grey",
    CaseState.DISPATCHED: "orange",
    CaseState.COORDINATING: "purple",
    CaseState.ACKNOWLEDGED: "orange",
    CaseState.FIXING: "orange",
    CaseState.RETURNED: "purple",
    CaseState.FIX_REPORTED: "blue",
    CaseState.PARKED: "grey",
    CaseState.CLOSED: "green",
}


class Severity(models.TextChoices):
    """How serious a problem is (严重程度)."""

    NORMAL = "normal", _("一般")  # badge: grey
    SERIOUS = "serious", _("较重")  # badge: orange
    URGENT = "urgent", _("紧急")  # badge: red


class PhotoStage(models.TextChoices):
    """Which evidence a photo is (照片阶段)."""

    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")
    VERIFICATION = "verification", _("核查")


class EventKind(models.TextChoices):
    """Kinds of rows in a case's append-only timeline (CaseEvent)."""

    CREATED = "created", _("上报")
    REGISTERED = "registered", _("立案")
    REJECTED = "rejected", _("不予立案")
    MERGED = "merged", _("合并")
    MERGED_FROM = "merged_from", _("合并重复案件")
    DISPATCHED = "dispatched", _("派遣")
    COORDINATION = "coordination", _("转协调")
    ACKNOWLEDGED = "acknowledged", _("签收")
    FIX_STARTED = "fix_started", _("开始整改")
    FIX_REPORTED = "fix_reported", _("整改反馈")
    COORDINATED = "coordinated", _("协调完成")
    VERIFIED = "verified", _("核查通过")
    REWORK = "rework", _("核查不通过（返工）")
    CLOSED_ON_SPOT = "closed_on_spot", _("当场整改")
    TRANSFER_REQUESTED = "transfer_requested", _("申请退回")
    TRANSFER_REJECTED = "transfer_rejected", _("驳回退回")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REFUSED = "extension_refused", _("不予延期")
    PARKED = "parked", _("挂账")
    UNPARKED = "unparked", _("解除挂账")
    REOPENED = "reopened", _("重新打开（反弹）")
    PERSON_ASSIGNED = "person_assigned", _("指定责任人")
    SATISFACTION = "satisfaction", _("回访评价")
    COMMENT = "comment", _("备注")
    REMINDED = "reminded", _("催办提醒")
    ESCALATED = "escalated", _("督办升级")
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("时限按正式放假安排重算")


class VerifyResult(models.TextChoices):
    """Outcome of re-inspecting a reported fix (核查结果)."""

    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")


class ReopenReason(models.TextChoices):
    """Why a closed case reappears."""

    RECHECK = "recheck", _("回头看复查发现反弹")
    DISPUTE = "dispute", _("群众异议")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    """The reporter's judgement at the follow-up call (回访满意度)."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


SATISFIED_VALUES = frozenset({Satisfaction.SATISFIED, Satisfaction.BASIC})


class RoutingStep(models.TextChoices):
    """Which routing step decided a case's unit (the "why this unit" of a dispatch)."""

    MANUAL = "manual", _("人工指定")
    RULE = "rule", _("派遣规则")
    CATEGORY = "category", _("问题类别责任人")
    POINT = "point", _("点位责任单位")
    GRID = "grid", _("网格责任人")
    GROUP = "group", _("专项组牵头单位")
    TERRITORY = "territory", _("属地兜底")
    NONE = "none", _("无法确定")


class ExportStatus(models.TextChoices):
    """Progress of a background XLSX export of the case list (导出任务)."""

    PENDING = "pending", _("排队中")  # badge: grey
    RUNNING = "running", _("导出中")  # badge: blue
    DONE = "done", _("已完成")  # badge: green
    FAILED = "failed", _("失败")  # badge: red
