"""Places: the area tree (district → street → community → grid), inspection points and duties."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.choices import CoordSystem
from wenming.core.models import TimeStampedModel
from wenming.geo.choices import AREA_CODE_LENGTH, AreaLevel, PointStatus, Post
from wenming.geo.querysets import AreaQuerySet, DutyQuerySet, PointQuerySet


class Area(TimeStampedModel):
    """An area of the district's tree (区/街道/社区/网格) with code, population and boundary."""

    code = models.CharField(_("区划/网格编码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    level = models.CharField(_("层级"), max_length=12, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys ("/1/7/42/"): subtree = path__startswith.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    boundary_is_synthetic = models.BooleanField(_("边界为示意"), default=False)
    description = models.TextField(_("说明"), blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    centroid_lon = models.FloatField(_("中心经度"), null=True, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("属地单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
        help_text=_("属地兜底：无明确责任单位时由此单位负责"),
    )
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:area_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Invariant: path = parent's path + own key. Re-pathing descendants on a move is the service's job.
        expected = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if self.path != expected:
            self.path = expected
            Area.objects.filter(pk=self.pk).update(path=expected)
            from wenming.core.versions import changed

            changed(
                "routing", "area_index"
            )  # the path is written after post_save: in-memory area trees must reload

    def ancestors(self) -> list["Area"]:
        ids = [int(x) for x in self.path.strip("/").split("/") if x and int(x) != self.pk]
        by_id = Area.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def clean(self) -> None:
        if self.parent_id and self.pk and f"/{self.pk}/" in (self.parent.path or ""):
            raise ValidationError({"parent": _("上级区域不能是本区域或其下级（循环引用）。")})
        expected = AREA_CODE_LENGTH.get(self.level)
        if expected and (len(self.code or "") != expected or not (self.code or "").isdigit()):
            raise ValidationError(
                {
                    "code": _("%(level)s编码应为 %(n)d 位数字。")
                    % {"level": self.get_level_display(), "n": expected}
                }
            )


class Point(TimeStampedModel):
    """An inspection point (测评点位) in the declared inventory, with its named responsible person."""

    code = models.CharField(_("点位编码"), max_length=40, unique=True)
    name = models.CharField(_("点位名称"), max_length=120)
    point_type = models.ForeignKey(
        "standards.PointType", verbose_name=_("点位类型"), on_delete=models.PROTECT, related_name="points"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（WGS-84）"))
    lon = models.FloatField(_("经度（WGS-84）"))
    coord_system = models.CharField(
        _("原始坐标系"), max_length=10, choices=CoordSystem.choices, default=CoordSystem.WGS84
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
    )
    area_overridden = models.BooleanField(_("手工指定区域"), default=False)
    responsible_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
    )
    guarantor_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("包保单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guaranteed_points",
    )
    responsible_person = models.ForeignKey(
        "org.Person",
        verbose_name=_("点位责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="points",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=PointStatus.choices, default=PointStatus.ACTIVE
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    objects = PointQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评点位")
        verbose_name_plural = _("测评点位")
        ordering = ["code"]
        indexes = [models.Index(fields=["point_type", "area"]), models.Index(fields=["lat", "lon"])]

    def __str__(self) -> str:
        return f"{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("geo:point_detail", args=[self.pk])


class Duty(TimeStampedModel):
    """A duty in the fine grid (定人定岗定责): a person, a post, what they answer for, and dates."""

    person = models.ForeignKey(
        "org.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="duties"
    )
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("负责区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duties",
    )
    point = models.ForeignKey(
        Point,
        verbose_name=_("负责点位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duties",
    )
    category = models.ForeignKey(
        "standards.ProblemCategory",
        verbose_name=_("负责问题类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duties",
    )
    responsibilities = models.CharField(_("职责"), max_length=300, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(
        _("结束日期"), null=True, blank=True, help_text=_("自该日起不再负责；留空为长期")
    )
    history = HistoricalRecords()

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位职责")
        verbose_name_plural = _("岗位职责")
        ordering = ["post", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=False)
                | models.Q(point__isnull=False)
                | models.Q(category__isnull=False),
                name="duty_has_subject",
            )
        ]

    def __str__(self) -> str:
        subject = self.point or self.area or self.category
        return f"{self.person} · {self.get_post_display()} · {subject}"

    def clean(self) -> None:
        if not (self.area_id or self.point_id or self.category_id):
            raise ValidationError(_("岗位职责必须指定负责的区域、点位或问题类别。"))
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
