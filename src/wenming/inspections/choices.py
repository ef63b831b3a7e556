"""Enumerations of the inspections app (badge colours beside each)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    """What kind of inspection round (轮次) this is; the official ones are recorded afterwards."""

    DAILY = "daily", _("常态巡查")  # badge: grey — the district's standing patrols
    SUPERVISION = "supervision", _("督查")  # badge: orange — supervision checks
    MOCK = "mock", _("模拟测评")  # badge: blue — imitates the national evaluators
    THIRD_PARTY = "third_party", _("第三方测评")  # badge: purple — hired evaluation agency
    OFFICIAL = "official", _("国家/省/市测评")  # badge: red — the real test, recorded afterwards
    CITY_QUARTERLY = "city_quarterly", _("市季度测评")  # badge: red — the city's quarterly test of districts


ROUND_KIND_BADGE = {
    RoundKind.DAILY: "grey",
    RoundKind.SUPERVISION: "orange",
    RoundKind.MOCK: "blue",
    RoundKind.THIRD_PARTY: "purple",
    RoundKind.OFFICIAL: "red",
    RoundKind.CITY_QUARTERLY: "red",
}


class RoundState(models.TextChoices):
    """A round is planned (draft), handed to inspectors (published), then closed and frozen."""

    DRAFT = "draft", _("草稿")  # badge: grey
    PUBLISHED = "published", _("进行中")  # badge: blue
    CLOSED = "closed", _("已结束")  # badge: green


ROUND_STATE_BADGE = {RoundState.DRAFT: "grey", RoundState.PUBLISHED: "blue", RoundState.CLOSED: "green"}


class TaskState(models.TextChoices):
    """An inspector's task at one point of a round."""

    PENDING = "pending", _("待测评")  # badge: orange
    DONE = "done", _("已完成")  # badge: green
    CANCELLED = "cancelled", _("已取消")  # badge: grey


TASK_STATE_BADGE = {TaskState.PENDING: "orange", TaskState.DONE: "green", TaskState.CANCELLED: "grey"}


class ObservationResult(models.TextChoices):
    """The inspector's verdict on one checklist item (符合 / 不符合 / 不适用)."""

    COMPLIANT = "compliant", _("符合")  # badge: green
    NONCOMPLIANT = "noncompliant", _("不符合")  # badge: red
    NA = "na", _("不适用")  # badge: grey


RESULT_BADGE = {
    ObservationResult.COMPLIANT: "green",
    ObservationResult.NONCOMPLIANT: "red",
    ObservationResult.NA: "grey",
}


class SamplingMode(models.TextChoices):
    """How a round's points are chosen (the evaluators draw per point type at random)."""

    RANDOM = "random", _("按类型随机抽取")
    STRATIFIED = "stratified", _("按街道分层随机抽取")
    EXPLICIT = "explicit", _("指定点位清单")


class PhotoStage(models.TextChoices):
    """What an observation photo shows: the problem as found, or the fix made on the spot (当场整改)."""

    BEFORE = "before", _("问题照片")
    AFTER = "after", _("当场整改后")


class RecheckPriority(models.TextChoices):
    """Which closed cases a 回头看 draw takes first when it cannot take them all."""

    RISK = "risk", _("风险优先（严重问题、曾反弹、重复发生）")
    OLDEST = "oldest", _("结案早者优先")
    RANDOM = "random", _("随机")


class RecheckState(models.TextChoices):
    """A 回头看 re-check task. Badge colour beside each value."""

    PENDING = "pending", _("待复查")  # orange
    PASSED = "passed", _("复查通过")  # green
    FAILED = "failed", _("复查反弹")  # red — the case was reopened as a rebound
    CANCELLED = "cancelled", _("已取消")  # grey — the case was reopened another way before the re-check


RECHECK_STATE_BADGE = {
    RecheckState.PENDING: "orange",
    RecheckState.PASSED: "green",
    RecheckState.FAILED: "red",
    RecheckState.CANCELLED: "grey",
}


class CampaignKind(models.TextChoices):
    """A time-boxed campaign (限时行动)."""

    RECTIFICATION = "rectification", _("专项整治行动")
    SPRINT = "sprint", _("迎检冲刺")
