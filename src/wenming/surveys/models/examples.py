"""The example library (典型示例库): right and wrong practice per point type, linked to criteria, with photos."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import AuthoredModel, PhotoBase
from wenming.surveys.choices import EXAMPLE_KIND_BADGE, ExampleKind
from wenming.surveys.querysets import ExampleQuerySet


class Example(AuthoredModel):
    """A typical example (正反典型) of right or wrong practice at a point type, for 实地考察分类观摩 and the
    checklist: what compliance with a criterion looks like, and what a failure looks like."""

    point_type = models.ForeignKey(
        "standards.PointType", verbose_name=_("点位类型"), on_delete=models.PROTECT, related_name="examples"
    )
    criterion = models.ForeignKey(
        "standards.Criterion", verbose_name=_("测评标准"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="examples",
    )  # fmt: skip
    kind = models.CharField(_("类型"), max_length=10, choices=ExampleKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    point = models.ForeignKey(
        "geo.Point", verbose_name=_("示范/问题点位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="examples",
    )  # fmt: skip
    is_published = models.BooleanField(_("已发布"), default=True, help_text=_("未发布的示例只有文明办可见"))
    history = HistoricalRecords()

    objects = ExampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("典型示例")
        verbose_name_plural = _("典型示例")
        ordering = ["point_type__order", "point_type_id", "kind", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:example_detail", args=[self.pk])

    @property
    def kind_badge(self) -> str:
        return EXAMPLE_KIND_BADGE.get(self.kind, "grey")


class ExamplePhoto(PhotoBase):
    """A photo of an example (示例照片), cleaned by `wenming.core.photos`."""

    example = models.ForeignKey(
        Example, verbose_name=_("典型示例"), on_delete=models.CASCADE, related_name="photos"
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("示例照片")
        verbose_name_plural = _("示例照片")
        ordering = ["example_id", "pk"]
