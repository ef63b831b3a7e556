"""The forecast's parameters (one row the office edits) and its cached runs (预估测评得分)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import TimeStampedModel


class ForecastParameters(TimeStampedModel):
    """The model's parameters: one row (the first); every run keeps a copy of what it used."""

    half_life_days = models.FloatField(
        _("近期权重半衰期（天）"), default=28.0, help_text=_("多少天前的记录只算一半分量")
    )
    prior_strength = models.FloatField(
        _("同类点位先验强度"),
        null=True,
        blank=True,
        help_text=_("相当于多少次同类记录；留空则由数据估计（经验贝叶斯）"),
    )
    open_case_odds = models.FloatField(_("在办问题风险倍数"), default=3.0)
    recurrence_odds = models.FloatField(_("每次重复发生/反弹风险倍数"), default=1.5)
    closure_odds = models.FloatField(_("核查结案后风险倍数"), default=0.5)
    simulations = models.PositiveIntegerField(_("模拟测评次数"), default=10_000)
    target_score = models.FloatField(_("目标得分"), default=90.0)
    default_per_type = models.PositiveIntegerField(
        _("每类点位默认抽取数"), default=3, help_text=_("没有测评类轮次的抽样方案时使用")
    )
    sampling_plan = models.JSONField(
        _("抽样方案"),
        default=dict,
        blank=True,
        help_text=_('{"per_type": {类型编码: 数量}}；留空则沿用最近一次模拟/正式测评的方案'),
    )
    seed = models.PositiveBigIntegerField(_("随机种子"), default=20261207)
    fix_first_threshold = models.FloatField(
        _("风险点位阈值"), default=0.2, help_text=_("失分概率不低于此值的点位×标准列入整改清单")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("预估模型参数")
        verbose_name_plural = _("预估模型参数")

    def __str__(self) -> str:
        return str(_("预估模型参数"))


class ForecastRunQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-computed_at", "-pk")

    def current(self):
        """Runs made from today's data (not backtests)."""
        return self.filter(backtest_round__isnull=True)


class ForecastRun(models.Model):
    """One computed forecast, kept so pages read it instead of recomputing (and to trace every number)."""

    computed_at = models.DateTimeField(_("计算时间"), db_index=True)
    as_of = models.DateTimeField(_("数据截止时间"))
    signature = models.CharField(_("数据指纹"), max_length=64, db_index=True)
    stale = models.BooleanField(_("已过时"), default=False, help_text=_("计算后有新的测评记录或案件变化"))
    parameters = models.JSONField(_("所用参数"), default=dict)
    result = models.JSONField(_("结果"), default=dict)
    risks = models.JSONField(_("点位风险"), default=dict, help_text=_("点位 → [失分概率, 预期失分, 应得分]"))
    seconds = models.FloatField(_("计算耗时（秒）"), default=0.0)
    backtest_round = models.ForeignKey(
        "inspections.Round",
        verbose_name=_("回测轮次"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forecast_backtests",
    )

    objects = ForecastRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("预估测评结果")
        verbose_name_plural = _("预估测评结果")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.computed_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("forecast:forecast")
