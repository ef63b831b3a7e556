"""Scoring: frozen evaluation snapshots (测评成绩快照) and the frequent-deduction themes (易扣分点主题).

Live scores are not stored: they are computed from observations by `wenming.scoring.engine` on demand. A
snapshot freezes a closed round — per point, per criterion lost, and roll-ups by dimension — together with
the exact observation ids it used and a hash of their content, so a published ranking never moves and any
later edit of the records behind it can be detected.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import TimeStampedModel
from wenming.scoring.choices import Dimension
from wenming.scoring.querysets import DeductionThemeQuerySet, ScoreSnapshotQuerySet, SnapshotPointQuerySet


class ScoreSnapshot(models.Model):
    """A frozen evaluation result of a closed round (测评成绩快照): what was published, and from what."""

    round = models.ForeignKey(
        "inspections.Round", verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="score_snapshots"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("冻结时间"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("冻结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspection_ids = models.JSONField(_("采用的测评记录"), default=list)
    observation_ids = models.JSONField(_("采用的测评结果"), default=list)
    data_hash = models.CharField(_("数据指纹（SHA-256）"), max_length=64)
    points = models.PositiveIntegerField(_("参评点位数"), default=0)
    passed = models.PositiveIntegerField(_("过关点位数"), default=0)
    unassessed = models.PositiveIntegerField(_("无适用项点位数"), default=0)
    mean_score = models.FloatField(_("平均得分"), null=True, blank=True)
    pass_rate = models.FloatField(_("过关率"), null=True, blank=True)
    earned = models.FloatField(_("实得分合计"), default=0)
    possible = models.FloatField(_("应得分合计"), default=0)

    objects = ScoreSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评成绩快照")
        verbose_name_plural = _("测评成绩快照")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="snapshot_version_unique")]

    def __str__(self) -> str:
        return f"{self.round} · v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("scoring:snapshot_detail", args=[self.pk])


class SnapshotPoint(models.Model):
    """One point's frozen score in a snapshot (快照点位成绩), with the inspection it came from."""

    snapshot = models.ForeignKey(ScoreSnapshot, on_delete=models.CASCADE, related_name="point_scores")
    point = models.ForeignKey("geo.Point", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("测评记录"), on_delete=models.PROTECT, related_name="+"
    )
    point_type = models.ForeignKey(
        "standards.PointType",
        verbose_name=_("点位类型"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street = models.ForeignKey(
        "geo.Area", verbose_name=_("街道"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.ForeignKey(
        "geo.Area", verbose_name=_("社区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    earned = models.FloatField(_("实得分"))
    possible = models.FloatField(_("应得分"))
    score = models.FloatField(_("得分（百分制）"), null=True, blank=True)
    passed = models.BooleanField(_("过关"))
    failing_criteria = models.JSONField(_("未过关测评标准"), default=list)
    # The part of the score each special group owns: {"<group id>": [earned, possible, score, passed, failing]}.
    group_scores = models.JSONField(_("各专项组得分"), default=dict, blank=True)

    objects = SnapshotPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("快照点位成绩")
        verbose_name_plural = _("快照点位成绩")
        ordering = ["snapshot_id", "score", "pk"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "point"], name="snapshot_point_once")]

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.point_id}"


class SnapshotLoss(models.Model):
    """A criterion that lost points or was not compliant at one point of a snapshot (快照失分项)."""

    snapshot = models.ForeignKey(ScoreSnapshot, on_delete=models.CASCADE, related_name="losses")
    snapshot_point = models.ForeignKey(SnapshotPoint, on_delete=models.CASCADE, related_name="losses")
    criterion = models.ForeignKey(
        "standards.Criterion", verbose_name=_("测评标准"), on_delete=models.PROTECT, related_name="+"
    )
    category_code = models.CharField(_("问题分类编码"), max_length=40, blank=True)
    lost = models.FloatField(_("失分"))
    problems = models.PositiveIntegerField(_("问题数"), default=0)
    grade_letter = models.CharField(_("档次"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("快照失分项")
        verbose_name_plural = _("快照失分项")
        ordering = ["snapshot_id", "-lost", "pk"]

    def __str__(self) -> str:
        return f"{self.snapshot_point} · {self.criterion_id} −{self.lost:g}"


class SnapshotRollup(models.Model):
    """A frozen figure of one street/community/unit/group/type in a snapshot, with its rank (快照汇总排名)."""

    snapshot = models.ForeignKey(ScoreSnapshot, on_delete=models.CASCADE, related_name="rollups")
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    key_id = models.PositiveBigIntegerField(_("对象编号"))
    label = models.CharField(_("名称"), max_length=160)
    points = models.PositiveIntegerField(_("参评点位数"))
    passed = models.PositiveIntegerField(_("过关点位数"))
    unassessed = models.PositiveIntegerField(_("无适用项点位数"), default=0)
    mean_score = models.FloatField(_("平均得分"), null=True, blank=True)
    pass_rate = models.FloatField(_("过关率"), null=True, blank=True)
    earned = models.FloatField(_("实得分合计"))
    possible = models.FloatField(_("应得分合计"))
    observations = models.PositiveIntegerField(_("适用测评结果数"), default=0)
    compliant_observations = models.PositiveIntegerField(_("符合的测评结果数"), default=0)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    tied = models.BooleanField(_("并列"), default=False)

    class Meta:
        verbose_name = _("快照汇总排名")
        verbose_name_plural = _("快照汇总排名")
        ordering = ["snapshot_id", "dimension", models.F("rank").asc(nulls_last=True), "label"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "dimension", "key_id"], name="snapshot_rollup_once")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.get_dimension_display()} · {self.label}"


class DeductionTheme(TimeStampedModel):
    """A frequent-deduction theme (易扣分点主题), e.g. 保洁, mapped to problem category codes; tracked to zero."""

    name = models.CharField(_("主题"), max_length=60, unique=True)
    category_codes = models.JSONField(
        _("问题分类编码"), default=list, help_text=_("一级或二级问题分类编码；一级编码包含其下全部二级分类")
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    objects = DeductionThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("易扣分点主题")
        verbose_name_plural = _("易扣分点主题")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scoring:theme_edit", args=[self.pk])

    def clean(self) -> None:
        codes = self.category_codes
        if (
            not isinstance(codes, list)
            or not codes
            or not all(isinstance(c, str) and c.strip() for c in codes)
        ):
            raise ValidationError({"category_codes": _("请至少填写一个问题分类编码。")})

    def matches(self, category_code: str | None, parent_code: str | None = None) -> bool:
        """True when a criterion's category (or its top-level parent) belongs to this theme."""
        codes = set(self.category_codes or [])
        return bool(category_code and category_code in codes) or bool(parent_code and parent_code in codes)
