"""Problem cases (问题案件): the case, its append-only timeline, its photos, routing rules and KPI formulas."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.cases.choices import (
    STATE_BADGE,
    CaseSource,
    CaseState,
    EventKind,
    PhotoStage,
    RoutingStep,
    Satisfaction,
    Severity,
)
from wenming.cases.querysets import CaseEventQuerySet, CaseQuerySet, KpiFormulaQuerySet, RoutingRuleQuerySet
from wenming.core.appendonly import AppendOnlyError, AppendOnlyModel
from wenming.core.choices import CoordSystem
from wenming.core.models import AuthoredModel, PhotoBase, PublicIdModel, TimeStampedModel


class CaseSequence(models.Model):
    """The last case number issued in a year (案件编号序列); locked row, one per year."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案件编号序列")
        verbose_name_plural = _("案件编号序列")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(PublicIdModel, AuthoredModel):
    """A problem case (问题案件): found somewhere, owned by a unit and a named person, fixed and verified."""

    code = models.CharField(_("案件编号"), max_length=32, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    source = models.CharField(_("来源"), max_length=20, choices=CaseSource.choices, db_index=True)
    source_ref = models.CharField(
        _("来源记录"),
        max_length=80,
        blank=True,
        db_index=True,
        help_text=_("来源系统中的记录标识，如 observation:123、report:ab12"),
    )
    category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("问题类别"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    top_category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("问题大类"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    criterion = models.ForeignKey(
        "standards.Criterion",
        verbose_name=_("测评标准"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # place
    point = models.ForeignKey(
        "geo.Point",
        verbose_name=_("测评点位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    street = models.ForeignKey(
        "geo.Area",
        verbose_name=_("所在街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lon = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    coord_system = models.CharField(
        _("原始坐标系"), max_length=10, choices=CoordSystem.choices, default=CoordSystem.WGS84
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # what
    description = models.TextField(_("问题描述"))
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    fixed_on_spot = models.BooleanField(_("当场整改"), default=False)
    # who is answerable
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    special_group = models.ForeignKey(
        "org.SpecialGroup",
        verbose_name=_("专项组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    routing_step = models.CharField(_("派遣依据"), max_length=12, choices=RoutingStep.choices, blank=True)
    routing_reason = models.CharField(_("派遣说明"), max_length=300, blank=True)
    # reporter (private: only roles that need it may read these two)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("上报人姓名"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("上报人电话"), max_length=20, blank=True)
    # workflow
    state = models.CharField(_("状态"), max_length=16, choices=CaseState.choices, default=CaseState.REPORTED)
    parked_from = models.CharField(_("挂账前状态"), max_length=16, choices=CaseState.choices, blank=True)
    returned_from = models.CharField(_("退回前状态"), max_length=16, choices=CaseState.choices, blank=True)
    dispatch_deadline = models.DateTimeField(_("派遣时限"), null=True, blank=True)
    fix_deadline = models.DateTimeField(_("处置时限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(
        _("时限暂定"),
        default=False,
        help_text=_("处置时限跨越尚未公布放假安排的年份（按法定假日推算），公布后自动重算"),
    )
    transfer_deadline = models.DateTimeField(_("退回审核时限"), null=True, blank=True)
    coordination_deadline = models.DateTimeField(
        _("协调时限"), null=True, blank=True, help_text=_("央属/省属/市属单位问题转入协调后的办结时限")
    )
    clock_started_at = models.DateTimeField(_("计时起点"), null=True, blank=True)
    clock_cycle = models.PositiveIntegerField(_("计时轮次"), default=0)
    cycle_started_at = models.DateTimeField(_("本轮计时起点"), null=True, blank=True)
    next_alert_at = models.DateTimeField(_("下次提醒时间"), null=True, blank=True)
    # milestones
    reported_at = models.DateTimeField(_("上报时间"))
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    fix_started_at = models.DateTimeField(_("开始整改时间"), null=True, blank=True)
    fix_reported_at = models.DateTimeField(_("整改反馈时间"), null=True, blank=True)
    fix_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改反馈人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("不予立案时间"), null=True, blank=True)
    parked_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("重新打开时间"), null=True, blank=True)
    handling_seconds = models.PositiveIntegerField(
        _("处置用时（工作秒）"), null=True, blank=True, help_text=_("从计时起点到整改反馈的工作时间")
    )
    # side paths
    park_plan = models.TextField(_("挂账整改计划"), blank=True)
    park_until = models.DateField(_("挂账计划完成日期"), null=True, blank=True)
    extension_requested_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    # counters (F() updates)
    reworks = models.PositiveIntegerField(_("返工次数"), default=0)
    extensions = models.PositiveIntegerField(_("延期次数"), default=0)
    transfers = models.PositiveIntegerField(_("退回次数"), default=0)
    transfers_rejected = models.PositiveIntegerField(_("被驳回退回次数"), default=0)
    reminders = models.PositiveIntegerField(_("催办次数"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    rebounds = models.PositiveIntegerField(_("反弹次数"), default=0)
    # flags
    is_recurrence = models.BooleanField(_("重复发生"), default=False)
    recurrence_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recurrences",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    # follow-up (回访)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices, blank=True)
    satisfaction_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["next_alert_at", "updated_at"])

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题案件")
        verbose_name_plural = _("问题案件")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "fix_deadline"], name="case_state_deadline"),
            models.Index(fields=["unit", "state"], name="case_unit_state"),
            models.Index(fields=["street", "state"], name="case_street_state"),
            models.Index(fields=["special_group", "state"], name="case_group_state"),
            models.Index(fields=["fix_deadline"], name="case_fix_deadline"),
            models.Index(fields=["reported_at"], name="case_reported_at"),
            models.Index(fields=["next_alert_at"], name="case_next_alert"),
            models.Index(fields=["category", "closed_at"], name="case_category_closed"),
            models.Index(fields=["lat", "lon"], name="case_lat_lon"),
            # a state's list newest first (e.g. ?state=closed) without sorting the whole state
            models.Index(fields=["state", "reported_at"], name="case_state_reported"),
            # duplicate candidates on the detail page: the open cases of one top category
            models.Index(fields=["top_category", "state"], name="case_topcat_state"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.category.name if self.category_id else ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def state_badge(self) -> str:
        return STATE_BADGE.get(self.state, "grey")

    def clean(self) -> None:
        if self.category_id and self.category.parent_id is None:
            raise ValidationError({"category": _("请选择二级问题类别。")})
        if (self.lat is None) != (self.lon is None):
            raise ValidationError(_("经纬度必须同时填写。"))
        if self.state == CaseState.MERGED and not self.merged_into_id:
            raise ValidationError(_("已合并的案件必须指向保留案件。"))

    def is_overdue(self, now) -> bool:
        from wenming.cases.choices import UNIT_CLOCK_STATES

        return self.state in UNIT_CLOCK_STATES and self.fix_deadline is not None and self.fix_deadline < now

    def place_label(self) -> str:
        parts = [str(self.point) if self.point_id else "", self.address]
        return " · ".join(p for p in parts if p) or (str(self.area) if self.area_id else "")


AppendOnly = AppendOnlyError  # the name older callers catch


class CaseEvent(AppendOnlyModel):
    """One row of a case's append-only timeline (案件流转记录): who did what, when, from which state to which."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=24, choices=EventKind.choices)
    action = models.CharField(_("操作"), max_length=32, blank=True)
    from_state = models.CharField(_("原状态"), max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=CaseState.choices, blank=True)
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
    data = models.JSONField(_("数据"), default=dict, blank=True)
    # Reminders/escalations: one per case + kind + level + clock cycle, even if the job runs twice.
    dedupe_key = models.CharField(max_length=80, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件流转记录")
        verbose_name_plural = _("案件流转记录")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "dedupe_key"], condition=~Q(dedupe_key=""), name="case_event_dedupe_unique"
            )
        ]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CasePhoto(PhotoBase):
    """A photo of a case (案件照片): before, after or verification, and the timeline event it came with."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=16, choices=PhotoStage.choices)
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("所属流转"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )

    class Meta:
        verbose_name = _("案件照片")
        verbose_name_plural = _("案件照片")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["case", "stage"], name="case_photo_stage")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_stage_display()} #{self.pk}"


class RoutingRule(TimeStampedModel):
    """A dispatch rule the office edits (派遣规则): match category/type/area/group → unit and/or person."""

    name = models.CharField(_("规则名称"), max_length=120)
    priority = models.PositiveIntegerField(_("优先级"), default=100, help_text=_("数字越小越先匹配"))
    is_active = models.BooleanField(_("启用"), default=True)
    category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("问题类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    top_category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("问题大类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    point_type = models.ForeignKey(
        "standards.PointType",
        verbose_name=_("点位类型"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("区域（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    special_group = models.ForeignKey(
        "org.SpecialGroup",
        verbose_name=_("专项组"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("派往单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("派遣规则")
        verbose_name_plural = _("派遣规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.unit_id or self.person_id):
            raise ValidationError(_("派遣规则必须指定派往单位或责任人。"))
        if self.person_id and self.unit_id and self.person.unit_id != self.unit_id:
            raise ValidationError({"person": _("责任人必须属于派往单位。")})
        if self.category_id and self.category.parent_id is None:
            raise ValidationError({"category": _("问题类别应为二级分类；一级分类请填在“问题大类”。")})
        if self.top_category_id and self.top_category.parent_id is not None:
            raise ValidationError({"top_category": _("问题大类应为一级分类。")})


class KpiFormula(TimeStampedModel):
    """A composite unit score the office configures (综合考核公式), evaluated over the case KPIs."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    expression = models.CharField(_("公式"), max_length=500)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = KpiFormulaQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核公式")
        verbose_name_plural = _("考核公式")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from wenming.cases.kpis import validate_kpi_formula

        validate_kpi_formula(self.expression)


# The screens' own models (saved filters, export jobs) — kept apart from the workflow models.
from wenming.cases.models_web import ExportJob, SavedFilter  # noqa: E402, F401
