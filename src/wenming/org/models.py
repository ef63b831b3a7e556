"""Organisation: responsible units (责任单位), special groups (专项整治协调组) and people."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import TimeStampedModel
from wenming.org.choices import UnitLevel
from wenming.org.querysets import PersonQuerySet, SpecialGroupQuerySet, UnitQuerySet


class Unit(TimeStampedModel):
    """A responsible unit (责任单位): bureau, street office, community, company or property manager."""

    code = models.CharField(_("单位编码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    level = models.CharField(_("层级"), max_length=20, choices=UnitLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unit_detail", args=[self.pk])

    @property
    def is_above_district(self) -> bool:
        """央属/省属/市属: the district coordinates, it cannot order a fix."""
        return self.level in UnitLevel.above_district()


class SpecialGroup(TimeStampedModel):
    """A special rectification coordination group (专项整治协调组), e.g. traffic order."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    theme = models.TextField(_("整治主题"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_groups"
    )
    member_units = models.ManyToManyField(
        Unit, verbose_name=_("成员单位"), blank=True, related_name="member_of_groups"
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords(m2m_fields=[member_units])

    objects = SpecialGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项整治协调组")
        verbose_name_plural = _("专项整治协调组")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:group_detail", args=[self.pk])


class Person(TimeStampedModel):
    """A named person who can be answerable for a place or a duty (责任人, 网格员 …)."""

    name = models.CharField(_("姓名"), max_length=60)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit_id", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:person_detail", args=[self.pk])
