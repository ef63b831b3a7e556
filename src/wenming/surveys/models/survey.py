"""Questionnaires, waves with their sample design (strata), responses and answers (问卷调查)."""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.choices import CoordSystem
from wenming.core.models import AuthoredModel
from wenming.surveys.choices import (
    AGE_BAND_RANGE,
    CHANNEL_BADGE,
    QUESTION_KIND_BADGE,
    RESIDENCE_MIN_MONTHS,
    WAVE_STATE_BADGE,
    AgeBand,
    Channel,
    DesignMode,
    Occupation,
    QuestionKind,
    Residence,
    Scale,
    StratumLevel,
    WaveState,
)
from wenming.surveys.querysets import QuestionnaireQuerySet, ResponseQuerySet, StratumQuerySet, WaveQuerySet


class Questionnaire(AuthoredModel):
    """A questionnaire (调查问卷) built by the office: questions plus the respondent block and eligibility."""

    title = models.CharField(_("问卷名称"), max_length=200)
    intro = models.TextField(_("卷首语"), blank=True, help_text=_("向受访者说明调查目的，显示在问卷开头"))
    min_age = models.PositiveSmallIntegerField(_("最小年龄"), default=18)
    max_age = models.PositiveSmallIntegerField(_("最大年龄"), default=65)
    min_residence_months = models.PositiveSmallIntegerField(
        _("最短居住时间（月）"), default=6,
        choices=[(m, m) for m in sorted(set(RESIDENCE_MIN_MONTHS.values()))],
    )  # fmt: skip
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    history = HistoricalRecords()

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查问卷")
        verbose_name_plural = _("调查问卷")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire_detail", args=[self.pk])

    @property
    def eligibility_text(self) -> str:
        return _("%(a)d–%(b)d 岁、在本地居住满 %(m)d 个月的居民") % {
            "a": self.min_age, "b": self.max_age, "m": self.min_residence_months,
        }  # fmt: skip

    def age_band_eligible(self, band: str) -> bool:
        """A band is eligible when every age in it is."""
        low, high = AGE_BAND_RANGE[band]
        return low >= self.min_age and high is not None and high <= self.max_age

    def residence_eligible(self, residence: str) -> bool:
        return RESIDENCE_MIN_MONTHS[residence] >= self.min_residence_months

    def eligible_residences(self) -> list[str]:
        return [r for r in Residence.values if self.residence_eligible(r)]


class Question(models.Model):
    """A question of a questionnaire (题目); choice questions carry their options and score mapping."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("题号"), max_length=20)
    text = models.TextField(_("题目"))
    kind = models.CharField(_("题型"), max_length=20, choices=QuestionKind.choices)
    scale = models.CharField(_("量表"), max_length=10, choices=Scale.choices, default=Scale.THREE)
    options = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["questionnaire_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="survey_question_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def kind_badge(self) -> str:
        return QUESTION_KIND_BADGE.get(self.kind, "grey")

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT

    @property
    def has_scores(self) -> bool:
        return any(o.get("score") is not None for o in self.options if o.get("valid", True))

    def option_map(self) -> dict[str, dict]:
        return {o["value"]: o for o in self.options}


class Wave(AuthoredModel):
    """A survey wave (调查批次): a questionnaire fielded in a period over strata with a sample design."""

    name = models.CharField(_("名称"), max_length=120)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="waves"
    )
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    state = models.CharField(_("状态"), max_length=10, choices=WaveState.choices, default=WaveState.DRAFT)
    stratum_level = models.CharField(
        _("分层单位"), max_length=10, choices=StratumLevel.choices, default=StratumLevel.STREET
    )
    design = models.CharField(
        _("样本量设计"), max_length=20, choices=DesignMode.choices, default=DesignMode.PER_STRATUM
    )
    margin = models.DecimalField(_("允许误差"), max_digits=4, decimal_places=3, default=Decimal("0.050"))
    confidence = models.DecimalField(_("置信度"), max_digits=4, decimal_places=3, default=Decimal("0.950"))
    expected_p = models.DecimalField(
        _("预估比例"), max_digits=4, decimal_places=3, default=Decimal("0.500"),
        help_text=_("不确定时取 0.5（样本量最大、最保守）"),
    )  # fmt: skip
    quota = models.PositiveIntegerField(_("每区域配额"), null=True, blank=True)
    use_fpc = models.BooleanField(_("有限总体校正"), default=True)
    open_to_inspectors = models.BooleanField(
        _("督查员均可采集"), default=True, help_text=_("否则只有指定的调查员可以采集")
    )
    public_link = models.BooleanField(_("开放扫码自填"), default=True)
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("指定调查员"), blank=True, related_name="survey_waves"
    )
    estimates_snapshot = models.JSONField(_("结束时的估计结果"), null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(_("开始调查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(excluded_fields=["estimates_snapshot"])

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查批次")
        verbose_name_plural = _("调查批次")
        ordering = ["-period_start", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:wave_detail", args=[self.pk])

    @property
    def state_badge(self) -> str:
        return WAVE_STATE_BADGE.get(self.state, "grey")

    @property
    def is_draft(self) -> bool:
        return self.state == WaveState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == WaveState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == WaveState.CLOSED

    @property
    def margin_percent(self) -> float:
        return float(self.margin) * 100

    @property
    def confidence_percent(self) -> float:
        return float(self.confidence) * 100


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Stratum(models.Model):
    """A stratum of a wave (样本分层): an area, its population (the weight) and its target sample size."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="strata")
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="survey_strata"
    )
    population = models.PositiveIntegerField(_("人口"), default=0)
    target = models.PositiveIntegerField(_("目标样本量"), default=0)
    target_srs = models.PositiveIntegerField(
        _("未校正样本量"), default=0, help_text=_("不做有限总体校正时的样本量")
    )
    # The public self-completion link /surveys/s/<token>/ for this area.
    token = models.CharField(_("扫码链接令牌"), max_length=32, unique=True, default=new_token, editable=False)
    order = models.PositiveIntegerField(_("排序"), default=0)

    objects = StratumQuerySet.as_manager()

    class Meta:
        verbose_name = _("样本分层")
        verbose_name_plural = _("样本分层")
        ordering = ["wave_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["wave", "area"], name="survey_stratum_area_once")]

    def __str__(self) -> str:
        return f"{self.wave} · {self.area}"

    def public_path(self) -> str:
        return reverse("surveys:public_survey", args=[self.token])


class Response(models.Model):
    """One completed questionnaire (答卷): the respondent block, where and how it was collected, answers."""

    # Generated by the phone or the public page before the first attempt: resubmitting returns this response.
    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(
        Wave, verbose_name=_("调查批次"), on_delete=models.PROTECT, related_name="responses"
    )
    stratum = models.ForeignKey(
        Stratum, verbose_name=_("分层"), on_delete=models.PROTECT, related_name="responses"
    )
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("居住街道/社区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="survey_responses",
    )  # fmt: skip
    channel = models.CharField(_("采集方式"), max_length=10, choices=Channel.choices)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调查员"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="survey_responses",
    )  # fmt: skip
    age = models.PositiveSmallIntegerField(
        _("年龄"), null=True, blank=True, help_text=_("不导出，导出只含年龄段")
    )
    age_band = models.CharField(_("年龄段"), max_length=6, choices=AgeBand.choices)
    residence = models.CharField(_("居住时间"), max_length=6, choices=Residence.choices)
    occupation = models.CharField(_("职业"), max_length=12, choices=Occupation.choices)
    started_at = models.DateTimeField(_("开始作答"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, help_text=_("设备上完成的时间"))
    received_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    lat = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    lon = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    coord_system = models.CharField(
        _("原始坐标系"), max_length=10, choices=CoordSystem.choices, default=CoordSystem.WGS84
    )
    # Keyed hashes (never the raw value) for duplicate protection of the public link.
    device_hash = models.CharField(_("设备标识摘要"), max_length=64, blank=True, db_index=True)
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, blank=True, db_index=True)
    ip_hash = models.CharField(_("IP 摘要"), max_length=64, blank=True)
    external_id = models.CharField(_("外部答卷编号"), max_length=60, blank=True)
    import_batch = models.CharField(_("导入批次"), max_length=32, blank=True, db_index=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["wave", "stratum"]),
            models.Index(fields=["wave", "ip_hash", "received_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "external_id"],
                condition=~models.Q(external_id=""),
                name="survey_external_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave} · {self.pk}"

    @property
    def channel_badge(self) -> str:
        return CHANNEL_BADGE.get(self.channel, "grey")


class Answer(models.Model):
    """The answer to one question in a response (回答): an option code, or text for an open question."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("选项代码"), max_length=20, blank=True)
    text = models.TextField(_("文字回答"), blank=True)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        ordering = ["response_id", "question__order", "question_id"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value or self.text[:20]}"
