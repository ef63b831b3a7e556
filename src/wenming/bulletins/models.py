"""Bulletins (通报) and appraisal (考核): the documents the office issues and the scores units are judged by.

A bulletin is generated from the data into a JSON snapshot (`data`), edited, reviewed, signed and published
with a document number (文号); from publication on, the snapshot and its DOCX/XLSX/PDF files never change.
An appraisal run freezes, per unit or street, every figure of a scheme with the records behind it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.bulletins.choices import (
    APPEAL_BADGE,
    FROZEN_STATES,
    JOB_BADGE,
    KIND_BADGE,
    RUN_BADGE,
    STATE_BADGE,
    AppealState,
    BulletinEventKind,
    BulletinKind,
    BulletinState,
    JobKind,
    JobState,
    MissingRate,
    RuleKind,
    RunState,
    Subject,
)
from wenming.bulletins.querysets import (
    AppealQuerySet,
    AppraisalResultQuerySet,
    AppraisalRunQuerySet,
    AppraisalSchemeQuerySet,
    BulletinJobQuerySet,
    BulletinQuerySet,
)
from wenming.core import storage as core_storage
from wenming.core.appendonly import AppendOnlyModel
from wenming.core.models import AuthoredModel, TimeStampedModel
from wenming.scoring.bases import CHOICES as RANKING_BASES
from wenming.scoring.bases import DEFAULT as DEFAULT_BASIS


def generated_storage() -> Storage:
    """Generated documents live outside MEDIA_ROOT: they are served only through the scope-checked view."""
    return core_storage.generated_storage()


def bulletin_file_path(instance, filename: str) -> str:
    return f"bulletins/{instance.pk or 'new'}/{filename}"


class DocNumberSequence(models.Model):
    """The last document number issued in a year (发文序号): one locked row per year."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("发文序号")
        verbose_name_plural = _("发文序号")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Bulletin(AuthoredModel):
    """A bulletin (通报): generated from the data, edited, reviewed, signed, numbered and published."""

    kind = models.CharField(_("通报类型"), max_length=12, choices=BulletinKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    period_code = models.CharField(_("统计期间"), max_length=40, blank=True)
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    period_end = models.DateField(_("期间结束"), null=True, blank=True, help_text=_("含当日"))
    round = models.ForeignKey(
        "inspections.Round",
        verbose_name=_("测评轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins",
    )
    theme = models.ForeignKey(
        "scoring.DeductionTheme",
        verbose_name=_("专项主题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulletins",
    )
    subject_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("专项通报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="special_bulletins",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=BulletinState.choices, default=BulletinState.DRAFT, db_index=True
    )
    # the document's head (版头) and distribution
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    doc_year = models.PositiveIntegerField(_("发文年度"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=120)
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    recipients = models.ManyToManyField(
        "org.Unit", verbose_name=_("主送单位"), blank=True, related_name="received_bulletins"
    )
    cc = models.CharField(_("抄送"), max_length=300, blank=True)
    # the editable text around the generated tables
    summary = models.TextField(_("总体情况"), blank=True, help_text=_("由数据生成后可修改"))
    requirements = models.TextField(_("工作要求"), blank=True, help_text=_("每行一条，文中编号为 1. 2. 3."))
    remarks = models.TextField(_("备注"), blank=True)
    top_n = models.PositiveSmallIntegerField(_("红黑榜名额"), default=3)
    ranking_basis = models.CharField(
        _("排名依据"), max_length=20, choices=RANKING_BASES, default=DEFAULT_BASIS,
        help_text=_("符合率、得分率或平均得分；通报的每个排名都注明所用依据"),
    )  # fmt: skip
    # the snapshot: every figure and row the documents print; frozen once published
    data = models.JSONField(_("数据快照"), default=dict, blank=True)
    data_hash = models.CharField(_("数据指纹（SHA-256）"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("数据生成时间"), null=True, blank=True)
    # the documents
    docx = models.FileField(
        _("Word 文件"), storage=generated_storage, upload_to=bulletin_file_path, blank=True
    )
    xlsx = models.FileField(
        _("Excel 文件"), storage=generated_storage, upload_to=bulletin_file_path, blank=True
    )
    pdf = models.FileField(_("PDF 文件"), storage=generated_storage, upload_to=bulletin_file_path, blank=True)
    files_hash = models.JSONField(_("文件指纹"), default=dict, blank=True)
    # workflow milestones
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["data", "updated_at"])

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_year", "doc_seq"],
                condition=models.Q(doc_seq__isnull=False),
                name="bulletin_doc_number_unique",
            )
        ]
        indexes = [models.Index(fields=["state", "kind"], name="bulletin_state_kind")]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("bulletins:bulletin_detail", args=[self.pk])

    @property
    def kind_badge(self) -> str:
        return KIND_BADGE.get(self.kind, "grey")

    @property
    def state_badge(self) -> str:
        return STATE_BADGE.get(self.state, "grey")

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def is_editable(self) -> bool:
        return self.state == BulletinState.DRAFT

    @property
    def has_data(self) -> bool:
        return bool(self.data)

    def requirement_lines(self) -> list[str]:
        return [line.strip() for line in (self.requirements or "").splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind == BulletinKind.INSPECTION and not self.round_id:
            raise ValidationError({"round": _("实地测评督查通报须选择测评轮次。")})
        if self.kind != BulletinKind.INSPECTION and not (self.period_start and self.period_end):
            raise ValidationError({"period_code": _("请填写统计期间。")})
        if self.kind == BulletinKind.SPECIAL and not (self.theme_id or self.subject_unit_id):
            raise ValidationError(_("专项通报须选择专项主题或通报单位。"))


class BulletinEvent(AppendOnlyModel):
    """One row of a bulletin's append-only timeline (通报流转记录)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=12, choices=BulletinEventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=12, choices=BulletinState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=BulletinState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("通报流转记录")
        verbose_name_plural = _("通报流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.get_kind_display()}"


class BulletinJob(models.Model):
    """A background job of a bulletin (通报生成任务): collect and render, with progress for the page."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("任务"), max_length=10, choices=JobKind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=JobState.choices, default=JobState.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=120, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = BulletinJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报生成任务")
        verbose_name_plural = _("通报生成任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.get_kind_display()} {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def badge(self) -> str:
        return JOB_BADGE.get(self.state, "grey")


# --- appraisal (考核) ---------------------------------------------------------------------------------


class AppraisalScheme(TimeStampedModel):
    """An appraisal scheme (考核方案): variables, a formula, bonus and deduction rules and caps."""

    name = models.CharField(_("方案名称"), max_length=120, unique=True)
    subject = models.CharField(_("考核对象"), max_length=10, choices=Subject.choices)
    formula = models.CharField(
        _("基础公式"), max_length=500, help_text=_("如 100，或 处置率*30 + 按期处置率*20 + …；变量见下方列表")
    )
    description = models.TextField(_("说明"), blank=True)
    missing_rate = models.CharField(
        _("无分母比率的处理"),
        max_length=8,
        choices=MissingRate.choices,
        default=MissingRate.SKIP,
        help_text=_("某比率分母为零（如本期无应处置案件）时：不计分，或按最优值/最差值代入"),
    )
    max_bonus = models.FloatField(_("加分上限"), null=True, blank=True)
    max_deduction = models.FloatField(_("扣分上限"), null=True, blank=True)
    min_score = models.FloatField(_("最低分"), null=True, blank=True)
    max_score = models.FloatField(_("最高分"), null=True, blank=True)
    reward_bands = models.JSONField(
        _("奖惩档次"), default=list, blank=True,
        help_text=_("按名次或得分对应奖惩金额（元，负数为扣罚）；自上而下第一个符合的档次生效"),
    )  # fmt: skip
    is_active = models.BooleanField(_("启用"), default=True)
    template_key = models.CharField(_("模板"), max_length=40, blank=True, editable=False)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = AppraisalSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bulletins:scheme_detail", args=[self.pk])


class AppraisalRule(models.Model):
    """A bonus or deduction rule of a scheme (加扣分规则): points × a variable, optionally capped."""

    scheme = models.ForeignKey(AppraisalScheme, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("类型"), max_length=10, choices=RuleKind.choices)
    variable = models.CharField(_("计分变量"), max_length=40)
    points = models.FloatField(_("每项分值"), help_text=_("正数；加分规则加、扣分规则减"))
    cap = models.FloatField(_("本项上限"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("加扣分规则")
        verbose_name_plural = _("加扣分规则")
        ordering = ["scheme_id", "order", "id"]

    def __str__(self) -> str:
        sign = "+" if self.kind == RuleKind.BONUS else "−"
        return f"{sign}{self.points:g} × {self.variable}"


class AppraisalRun(models.Model):
    """One computation of a scheme for a period (考核结果批次): the scheme as it was, frozen results."""

    scheme = models.ForeignKey(
        AppraisalScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="runs"
    )
    period_code = models.CharField(_("考核期间"), max_length=40)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"), help_text=_("含当日"))
    state = models.CharField(_("状态"), max_length=10, choices=RunState.choices, default=RunState.COMPUTED)
    scheme_snapshot = models.JSONField(_("方案快照"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = AppraisalRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果批次")
        verbose_name_plural = _("考核结果批次")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.period_code}"

    def get_absolute_url(self) -> str:
        return reverse("bulletins:appraisal_detail", args=[self.pk])

    @property
    def state_badge(self) -> str:
        return RUN_BADGE.get(self.state, "grey")

    @property
    def is_published(self) -> bool:
        return self.state == RunState.PUBLISHED


class AppraisalResult(models.Model):
    """One unit's or street's result in a run (考核结果): figures with their records, score and rank."""

    run = models.ForeignKey(AppraisalRun, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("名称"), max_length=160)
    # {"<variable code>": {"value": float|None, "refs": {...}}} — see bulletins/variables.py
    figures = models.JSONField(_("计分数据"), default=dict)
    base = models.FloatField(_("基础分"), null=True, blank=True)
    bonus = models.FloatField(_("加分"), default=0)
    deduction = models.FloatField(_("扣分"), default=0)
    # [{"rule": index, "label", "variable", "value", "points", "amount"}]
    contributions = models.JSONField(_("加扣分明细"), default=list)
    score = models.FloatField(_("得分"), null=True, blank=True)
    adjustment = models.FloatField(_("申诉调整"), default=0)
    final_score = models.FloatField(_("最终得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    tied = models.BooleanField(_("并列"), default=False)
    amount = models.FloatField(
        _("奖惩金额（元）"), null=True, blank=True, help_text=_("正数为奖励，负数为扣罚")
    )
    amount_basis = models.CharField(_("奖惩依据"), max_length=300, blank=True)
    error = models.CharField(_("计算说明"), max_length=300, blank=True)

    objects = AppraisalResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["run_id", models.F("rank").asc(nulls_last=True), "label"]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], condition=models.Q(unit__isnull=False), name="result_unit_once"),
            models.UniqueConstraint(fields=["run", "area"], condition=models.Q(area__isnull=False), name="result_area_once"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.run} · {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("bulletins:result_detail", args=[self.pk])

    def value(self, code: str):
        return (self.figures.get(code) or {}).get("value")


class Appeal(models.Model):
    """A unit's appeal against its appraisal result (考核申诉) and the office's answer."""

    result = models.ForeignKey(AppraisalResult, on_delete=models.CASCADE, related_name="appeals")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申诉人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("申诉时间"))
    reason = models.TextField(_("申诉理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING
    )
    answer = models.TextField(_("答复"), blank=True)
    adjustment = models.FloatField(_("调整分值"), default=0)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核申诉")
        verbose_name_plural = _("考核申诉")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"], condition=models.Q(state="pending"), name="appeal_one_pending_per_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.result} · {self.get_state_display()}"

    @property
    def badge(self) -> str:
        return APPEAL_BADGE.get(self.state, "grey")
