"""Filters shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wenming.org.choices import UnitLevel
from wenming.org.models import Person, SpecialGroup, Unit

ALL = _("全部")


@extend_schema_field(OpenApiTypes.STR)
class SearchFilter(django_filters.CharFilter):
    """Free-text search through the queryset's `search(text)` method."""

    def filter(self, qs, value):
        return qs.search(value) if value else qs


def _units(request):
    user = getattr(request, "user", None)
    return Unit.objects.restrict(user, "view") if user is not None else Unit.objects.all()


class UnitFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("搜索（名称/简称/编码）"))
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices, empty_label=ALL, label=_("层级"))
    parent = django_filters.ModelChoiceFilter(queryset=_units, empty_label=ALL, label=_("上级单位"))
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Unit
        fields = ["q", "level", "parent", "is_active"]


class SpecialGroupFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("搜索（名称）"))
    unit = django_filters.ModelChoiceFilter(
        queryset=_units, method="filter_unit", empty_label=ALL, label=_("涉及单位")
    )

    class Meta:
        model = SpecialGroup
        fields = ["q", "unit"]

    def filter_unit(self, queryset, name, value: int):
        if not value:
            return queryset
        through = SpecialGroup.member_units.through
        members = through.objects.filter(unit_id=value.pk).values("specialgroup_id")
        return queryset.filter(lead_unit=value) | queryset.filter(pk__in=members)


class PersonFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("搜索（姓名/电话/职务）"))
    unit = django_filters.ModelChoiceFilter(queryset=_units, empty_label=ALL, label=_("所在单位"))
    is_active = django_filters.BooleanFilter(label=_("在岗"))

    class Meta:
        model = Person
        fields = ["q", "unit", "is_active"]
