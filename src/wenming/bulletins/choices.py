"""Enumerations of the bulletins app (通报与考核). Badge colours beside each value (see wenming.css `.badge-*`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulletinKind(models.TextChoices):
    """What a bulletin reports on (通报类型)."""

    INSPECTION = "inspection", _("实地测评督查通报")  # badge: blue — one inspection round
    WEEKLY = "weekly", _("周通报")  # badge: grey — an ISO week
    MONTHLY = "monthly", _("月通报")  # badge: grey — a calendar month
    QUARTERLY = "quarterly", _("季度通报")  # badge: grey — a quarter
    SPECIAL = "special", _("专项通报")  # badge: purple — one theme (易扣分点) or one unit over a period
    REDBLACK = "redblack", _("红黑榜")  # badge: red — best and worst streets and units of a period

    @classmethod
    def periodic(cls) -> frozenset[str]:
        return frozenset({cls.WEEKLY, cls.MONTHLY, cls.QUARTERLY})


KIND_BADGE = {
    BulletinKind.INSPECTION: "blue",
    BulletinKind.WEEKLY: "grey",
    BulletinKind.MONTHLY: "grey",
    BulletinKind.QUARTERLY: "grey",
    BulletinKind.SPECIAL: "purple",
    BulletinKind.REDBLACK: "red",
}


class BulletinState(models.TextChoices):
    """The bulletin workflow (see bulletins/workflow.py): generated and edited, reviewed, signed, published."""

    DRAFT = "draft", _("草稿")  # badge: grey — generated from the data, editable, regenerable
    REVIEW = "review", _("待审核")  # badge: orange — submitted to the leader; content locked
    SIGNED = "signed", _("已签发")  # badge: blue — signed off by the leader, waiting for publication
    PUBLISHED = "published", _("已印发")  # badge: green — numbered and frozen
    ARCHIVED = "archived", _("已归档")  # badge: grey — published and filed away; still frozen


STATE_BADGE = {
    BulletinState.DRAFT: "grey",
    BulletinState.REVIEW: "orange",
    BulletinState.SIGNED: "blue",
    BulletinState.PUBLISHED: "green",
    BulletinState.ARCHIVED: "grey",
}
FROZEN_STATES = frozenset({BulletinState.PUBLISHED, BulletinState.ARCHIVED})
EDITABLE_STATES = frozenset({BulletinState.DRAFT})


class BulletinEventKind(models.TextChoices):
    """Rows of a bulletin's append-only timeline."""

    CREATED = "created", _("创建")
    EDITED = "edited", _("修改")
    GENERATED = "generated", _("生成数据")
    SUBMITTED = "submitted", _("提交审核")
    RETURNED = "returned", _("退回修改")
    SIGNED = "signed", _("签发")
    PUBLISHED = "published", _("印发")
    ARCHIVED = "archived", _("归档")
    RENDERED = "rendered", _("生成文件")


class JobKind(models.TextChoices):
    """What a bulletin job does."""

    GENERATE = "generate", _("生成数据与 Word/Excel")  # collect the figures, then DOCX + XLSX
    PDF = "pdf", _("生成 PDF")  # WeasyPrint from the stored snapshot
    PUBLISH = "publish", _("印发定稿")  # DOCX + XLSX + PDF of the frozen snapshot, with the 文号


class JobState(models.TextChoices):
    """Progress of a background bulletin job."""

    PENDING = "pending", _("排队中")  # badge: grey
    RUNNING = "running", _("生成中")  # badge: blue
    DONE = "done", _("已完成")  # badge: green
    FAILED = "failed", _("失败")  # badge: red


JOB_BADGE = {
    JobState.PENDING: "grey",
    JobState.RUNNING: "blue",
    JobState.DONE: "green",
    JobState.FAILED: "red",
}


class Subject(models.TextChoices):
    """Who an appraisal scheme ranks (考核对象)."""

    UNIT = "unit", _("责任单位")
    STREET = "street", _("街道")


class MissingRate(models.TextChoices):
    """What a rate without a denominator (e.g. no case due in the period) counts as (无分母比率的处理)."""

    SKIP = "skip", _("不计分、不排名")  # the subject gets "—" with the reason
    BEST = (
        "best",
        _("按最优值计"),
    )  # 处置率 etc. = 100 %, 返工率 etc. = 0 %: nothing to handle, nothing failed
    WORST = "worst", _("按最差值计")  # the reverse


class RuleKind(models.TextChoices):
    """A bonus or a deduction rule of an appraisal scheme (加分/扣分规则)."""

    BONUS = "bonus", _("加分")  # badge: green
    DEDUCTION = "deduction", _("扣分")  # badge: red


class RunState(models.TextChoices):
    """An appraisal run is computed (visible to the office and leaders), then published to the units."""

    COMPUTED = "computed", _("已计算")  # badge: blue
    PUBLISHED = "published", _("已公布")  # badge: green — units see their own result and may appeal


RUN_BADGE = {RunState.COMPUTED: "blue", RunState.PUBLISHED: "green"}


class AppealState(models.TextChoices):
    """A unit's appeal against its appraisal result (考核申诉)."""

    PENDING = "pending", _("待答复")  # badge: orange
    UPHELD = "upheld", _("申诉成立")  # badge: green
    REJECTED = "rejected", _("申诉不成立")  # badge: grey


APPEAL_BADGE = {AppealState.PENDING: "orange", AppealState.UPHELD: "green", AppealState.REJECTED: "grey"}
