"""Inspections: rounds (轮次) of sampled points, inspectors' tasks, inspections and their observations."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import AuthoredModel, PhotoBase, TimeStampedModel
from wenming.inspections.choices import (
    RECHECK_STATE_BADGE,
    RESULT_BADGE,
    ROUND_KIND_BADGE,
    ROUND_STATE_BADGE,
    TASK_STATE_BADGE,
    CampaignKind,
    ObservationResult,
    PhotoStage,
    RecheckPriority,
    RecheckState,
    RoundKind,
    RoundState,
    SamplingMode,
    TaskState,
)
from wenming.inspections.querysets import (
    InspectionQuerySet,
    ObservationQuerySet,
    RoundQuerySet,
    TaskQuerySet,
)


class Round(AuthoredModel):
    """An inspection round (测评/督查轮次): a period, a standard, a sample of points, inspectors in teams."""

    kind = models.CharField(_("轮次类型"), max_length=20, choices=RoundKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    test_date = models.DateField(
        _("测评日期"), null=True, blank=True, help_text=_("正式测评的实际日期（事后录入）")
    )
    standard_set = models.ForeignKey(
        "standards.StandardSet", verbose_name=_("测评体系"), on_delete=models.PROTECT, related_name="rounds"
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("测评范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_rounds",
        help_text=_("留空为全区"),
    )
    state = models.CharField(_("状态"), max_length=12, choices=RoundState.choices, default=RoundState.DRAFT)
    seed = models.PositiveBigIntegerField(_("随机种子"), help_text=_("相同种子与抽样方案得到相同的点位"))
    sampling_plan = models.JSONField(_("抽样方案"), default=dict, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评轮次")
        verbose_name_plural = _("测评轮次")
        ordering = ["-period_start", "-pk"]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:round_detail", args=[self.pk])

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("结束日期不能早于开始日期。")})

    @property
    def kind_badge(self) -> str:
        return ROUND_KIND_BADGE.get(self.kind, "grey")

    @property
    def state_badge(self) -> str:
        return ROUND_STATE_BADGE.get(self.state, "grey")

    @property
    def sampling_mode_label(self) -> str:
        mode = (self.sampling_plan or {}).get("mode", SamplingMode.RANDOM)
        return str(dict(SamplingMode.choices).get(mode, mode))

    @property
    def is_draft(self) -> bool:
        return self.state == RoundState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.PUBLISHED

    @property
    def is_closed(self) -> bool:
        return self.state == RoundState.CLOSED


class RoundInspector(models.Model):
    """An inspector of a round (测评员/督查员); inspectors usually work in pairs, the `team` number."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="inspectors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("测评员"),
        on_delete=models.PROTECT,
        related_name="round_roles",
    )
    team = models.PositiveSmallIntegerField(_("小组"), default=1)

    class Meta:
        verbose_name = _("轮次测评员")
        verbose_name_plural = _("轮次测评员")
        ordering = ["round_id", "team", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="round_inspector_unique")]

    def __str__(self) -> str:
        return f"{self.round} · {self.team} · {self.user}"


class Task(TimeStampedModel):
    """One point to inspect in a round, handed to a team of inspectors (测评任务)."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="tasks")
    point = models.ForeignKey(
        "geo.Point", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="tasks"
    )
    team = models.PositiveSmallIntegerField(_("小组"), null=True, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("测评员"), blank=True, related_name="inspection_tasks"
    )
    state = models.CharField(_("状态"), max_length=12, choices=TaskState.choices, default=TaskState.PENDING)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评任务")
        verbose_name_plural = _("测评任务")
        ordering = ["round_id", "team", "point__code"]
        constraints = [models.UniqueConstraint(fields=["round", "point"], name="task_point_once_per_round")]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.point}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:task_inspect", args=[self.pk])

    @property
    def state_badge(self) -> str:
        return TASK_STATE_BADGE.get(self.state, "grey")


class Inspection(TimeStampedModel):
    """One inspection of a point (实地测评记录): who, when, where (GPS), and the observations made."""

    # Generated by the phone before the first attempt; a resubmission returns the first inspection.
    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="inspections"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    point = models.ForeignKey(
        "geo.Point", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("测评员"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    co_inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("同组测评员"), blank=True, related_name="co_inspections"
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lon = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    distance_m = models.FloatField(_("距点位（米）"), null=True, blank=True)
    far_away = models.BooleanField(_("距离过远"), default=False, db_index=True)
    location_note = models.CharField(
        _("位置说明"), max_length=300, blank=True, help_text=_("距离过远或未能定位时，测评员确认的原因")
    )
    note = models.TextField(_("备注"), blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评记录")
        verbose_name_plural = _("测评记录")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["round", "point"])]

    def __str__(self) -> str:
        return f"{self.point} · {self.submitted_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])


class Observation(models.Model):
    """An observation (测评结果) of one checklist item at a point: result, counts, note, photos."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("测评记录"), on_delete=models.CASCADE, related_name="observations"
    )
    criterion = models.ForeignKey(
        "standards.Criterion",
        verbose_name=_("测评标准"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    result = models.CharField(_("结果"), max_length=14, choices=ObservationResult.choices)
    problems = models.PositiveIntegerField(
        _("问题数"), default=0, help_text=_("按次扣分/分档规则：发现的问题数")
    )
    count = models.PositiveIntegerField(
        _("实有数量"), null=True, blank=True, help_text=_("数量达标规则：实际数量")
    )
    sub_results = models.JSONField(
        _("抽样子单元结果"),
        null=True,
        blank=True,
        help_text=_("抽样规则：每个子单元是否符合（true/false 列表）"),
    )
    note = models.TextField(_("说明"), blank=True)
    fixed_on_spot = models.BooleanField(_("当场整改"), default=False)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("问题案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
        help_text=_("不符合项生成的问题案件"),
    )

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评结果")
        verbose_name_plural = _("测评结果")
        ordering = ["inspection_id", "pk"]
        indexes = [models.Index(fields=["criterion", "result"])]

    def __str__(self) -> str:
        return f"{self.criterion.code} · {self.get_result_display()}"

    @property
    def result_badge(self) -> str:
        return RESULT_BADGE.get(self.result, "grey")

    @property
    def is_noncompliant(self) -> bool:
        return self.result == ObservationResult.NONCOMPLIANT


class ObservationPhoto(PhotoBase):
    """A photo taken by the inspector for one observation (测评照片); a failure's photos become the case's
    before-photos."""

    observation = models.ForeignKey(
        Observation, verbose_name=_("测评结果"), on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField(
        _("照片类型"), max_length=10, choices=PhotoStage.choices, default=PhotoStage.BEFORE
    )

    class Meta:
        verbose_name = _("测评照片")
        verbose_name_plural = _("测评照片")
        ordering = ["observation_id", "pk"]


class RecheckPolicy(models.Model):
    """How 回头看 samples closed cases (one row, edited by the office in the admin; seeded by the demo)."""

    enabled = models.BooleanField(_("启用"), default=True)
    share_percent = models.DecimalField(
        _("抽取比例（%）"), max_digits=5, decimal_places=2, default=20,
        help_text=_("每批新满复查间隔的已结案案件中抽取的比例，向上取整"),
    )  # fmt: skip
    delay_days = models.PositiveIntegerField(_("结案后间隔（天）"), default=14)
    due_days = models.PositiveIntegerField(_("复查期限（工作日）"), default=3)
    priority = models.CharField(
        _("抽取优先"), max_length=10, choices=RecheckPriority.choices, default=RecheckPriority.RISK
    )
    max_per_run = models.PositiveIntegerField(_("每次最多抽取"), default=50)
    seed = models.PositiveBigIntegerField(_("随机种子"), default=20250701)
    first_lookback_days = models.PositiveIntegerField(
        _("首次回溯（天）"), default=30, help_text=_("第一次运行时，考虑结案于间隔之前这么多天内的案件")
    )
    considered_until = models.DateTimeField(
        _("已考虑至"), null=True, blank=True, help_text=_("结案时间不晚于此的案件已参加过抽取")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回头看规则")
        verbose_name_plural = _("回头看规则")

    def __str__(self) -> str:
        return str(_("回头看：结案 %(d)s 天后抽取 %(p)s%%") % {"d": self.delay_days, "p": self.share_percent})


class Recheck(TimeStampedModel):
    """One closed case drawn for a 回头看 re-inspection (回头看复查任务)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="rechecks"
    )
    case_closed_at = models.DateTimeField(_("结案时间"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    due_at = models.DateTimeField(_("复查期限"))
    rank = models.PositiveIntegerField(_("抽取顺序"), default=0)
    reason = models.CharField(_("抽取依据"), max_length=60, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=RecheckState.choices, default=RecheckState.PENDING
    )
    checked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    note = models.TextField(_("复查说明"), blank=True)

    class Meta:
        verbose_name = _("回头看复查")
        verbose_name_plural = _("回头看复查")
        ordering = ["state", "due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "case_closed_at"], name="recheck_once_per_closure")
        ]

    def __str__(self) -> str:
        return f"{_('回头看')} {self.case.code}"

    @property
    def state_badge(self) -> str:
        return RECHECK_STATE_BADGE.get(self.state, "grey")


class Campaign(AuthoredModel):
    """A time-boxed campaign (专项整治行动 / 迎检冲刺): a period, target categories and points, goals; its daily
    progress is computed from cases and observations (inspections/campaigns.py)."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(
        _("类型"), max_length=16, choices=CampaignKind.choices, default=CampaignKind.RECTIFICATION
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    categories = models.ManyToManyField(
        "standards.ProblemCategory", verbose_name=_("目标问题类别"), blank=True, related_name="campaigns",
        help_text=_("选一级类别即包含其下全部二级类别；不选表示全部类别"),
    )  # fmt: skip
    points = models.ManyToManyField(
        "geo.Point", verbose_name=_("目标点位"), blank=True, related_name="campaigns",
        help_text=_("不选表示全区所有点位和位置"),
    )  # fmt: skip
    goal_close_rate = models.DecimalField(
        _("目标办结率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    goal_compliance_rate = models.DecimalField(
        _("目标点位符合率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords(m2m_fields=[categories, points])

    class Meta:
        verbose_name = _("限时行动")
        verbose_name_plural = _("限时行动")
        ordering = ["-start_date", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})

    def get_absolute_url(self) -> str:
        return reverse("inspections:campaign_detail", args=[self.pk])
