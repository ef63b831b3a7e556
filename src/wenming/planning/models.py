"""Planning: visit rules per point type (windows, service time, coverage), day plans, routes and stops."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import AuthoredModel, TimeStampedModel
from wenming.planning.choices import PLAN_STATE_BADGE, STOP_STATE_BADGE, PlanState, StopState, TravelMode
from wenming.planning.querysets import DayPlanQuerySet, RouteQuerySet, VisitRuleQuerySet


class VisitRule(TimeStampedModel):
    """How a point type is visited (巡查规则): service minutes, time windows, coverage interval (days).

    `windows` is a list of ["HH:MM", "HH:MM"] pairs; the arrival must fall in one of them; empty = any time.
    """

    point_type = models.OneToOneField(
        "standards.PointType", verbose_name=_("点位类型"), on_delete=models.CASCADE, related_name="visit_rule"
    )
    service_minutes = models.PositiveSmallIntegerField(_("每点耗时（分钟）"), default=10)
    windows = models.JSONField(
        _("巡查时段"), default=list, blank=True, help_text=_('如 [["07:00", "09:00"]]')
    )
    coverage_days = models.PositiveSmallIntegerField(
        _("覆盖周期（天）"), null=True, blank=True, help_text=_("每个点位至少每 N 天巡查一次；留空为不要求")
    )
    history = HistoricalRecords()

    objects = VisitRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查规则")
        verbose_name_plural = _("巡查规则")
        ordering = ["point_type__order", "point_type__code"]

    def __str__(self) -> str:
        return str(self.point_type)

    def clean(self) -> None:
        from wenming.planning.rules import WindowError, parse_windows

        try:
            parse_windows(self.windows)
        except WindowError as exc:
            raise ValidationError({"windows": str(exc)})


class DayPlan(AuthoredModel):
    """One day's plan (巡查排程): the teams' routes through the points with the most expected marks at risk."""

    date = models.DateField(_("日期"), db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    standard_set = models.ForeignKey(
        "standards.StandardSet",
        verbose_name=_("测评体系"),
        on_delete=models.PROTECT,
        related_name="day_plans",
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="day_plans",
        help_text=_("留空为全区"),
    )
    travel_mode = models.CharField(
        _("出行方式"), max_length=10, choices=TravelMode.choices, default=TravelMode.WALK
    )
    speed_kmh = models.FloatField(_("速度（公里/小时）"))
    detour_factor = models.FloatField(_("绕行系数"), help_text=_("实际路程 ≈ 直线距离 × 绕行系数"))
    state = models.CharField(_("状态"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT)
    round = models.OneToOneField(
        "inspections.Round",
        verbose_name=_("测评轮次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="day_plan",
    )
    expected_marks = models.FloatField(_("预计发现风险分值"), default=0)
    total_km = models.FloatField(_("总路程（公里）"), default=0)
    candidates = models.PositiveIntegerField(_("候选点位数"), default=0)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DayPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查排程")
        verbose_name_plural = _("巡查排程")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.pk])

    @property
    def state_badge(self) -> str:
        return PLAN_STATE_BADGE.get(self.state, "grey")

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT


class Route(models.Model):
    """One team's route of the day: members, start and end place, working hours, ordered stops."""

    plan = models.ForeignKey(
        DayPlan, verbose_name=_("巡查排程"), on_delete=models.CASCADE, related_name="routes"
    )
    team = models.PositiveSmallIntegerField(_("小组"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("测评员"), related_name="routes"
    )
    start_lat = models.FloatField(_("出发点纬度"))
    start_lon = models.FloatField(_("出发点经度"))
    end_lat = models.FloatField(_("结束点纬度"))
    end_lon = models.FloatField(_("结束点经度"))
    shift_start = models.TimeField(_("上班时间"))
    shift_end = models.TimeField(_("下班时间"))
    km = models.FloatField(_("路程（公里）"), default=0)
    replanned_at = models.DateTimeField(_("重排时间"), null=True, blank=True)

    objects = RouteQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查路线")
        verbose_name_plural = _("巡查路线")
        ordering = ["plan_id", "team"]
        constraints = [models.UniqueConstraint(fields=["plan", "team"], name="route_team_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.team}"

    def get_absolute_url(self) -> str:
        return reverse("planning:route_detail", args=[self.pk])


class Stop(models.Model):
    """A stop of a route, in order, with its planned arrival, the risk that chose it and its task."""

    route = models.ForeignKey(
        Route, verbose_name=_("巡查路线"), on_delete=models.CASCADE, related_name="stops"
    )
    seq = models.PositiveSmallIntegerField(_("顺序"))
    point = models.ForeignKey(
        "geo.Point", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="stops"
    )
    arrive = models.TimeField(_("预计到达"))
    depart = models.TimeField(_("预计离开"))
    expected_marks = models.FloatField(_("预计风险分值"), default=0)
    p_fail = models.FloatField(_("不过关概率"), default=0)
    due = models.BooleanField(_("覆盖到期"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=StopState.choices, default=StopState.PLANNED)
    task = models.OneToOneField(
        "inspections.Task",
        verbose_name=_("测评任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stop",
    )

    class Meta:
        verbose_name = _("路线站点")
        verbose_name_plural = _("路线站点")
        ordering = ["route_id", "seq"]

    def __str__(self) -> str:
        return f"{self.route} · {self.seq} · {self.point}"

    @property
    def state_badge(self) -> str:
        return STOP_STATE_BADGE.get(self.state, "grey")
