"""Filters shared by the HTML lists and the API (one FilterSet per list)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wenming.core.filters import IdFilter
from wenming.geo.choices import AreaLevel, PointStatus, Post
from wenming.geo.models import Area, Duty, Point
from wenming.org.models import Person, Unit
from wenming.standards.models import PointType

ALL = _("全部")


def _user(request):
    return getattr(request, "user", None)


def visible_areas(request, level=None):
    qs = Area.objects.all()
    user = _user(request)
    if user is not None:
        qs = qs.restrict(user, "view")
    return qs.filter(level=level) if level else qs


def _streets(request):
    return visible_areas(request, AreaLevel.STREET)


def _communities(request):
    return visible_areas(request, AreaLevel.COMMUNITY)


def _areas(request):
    return visible_areas(request)


def _units(request):
    user = _user(request)
    return Unit.objects.restrict(user, "view") if user is not None else Unit.objects.all()


def _people(request):
    user = _user(request)
    return Person.objects.restrict(user, "view") if user is not None else Person.objects.all()


@extend_schema_field(OpenApiTypes.INT)
class AreaSubtreeFilter(django_filters.ModelChoiceFilter):
    """An area id; matches objects located in that area or anywhere below it."""

    def __init__(self, *args, path_fields: tuple[str, ...] = ("area__path",), **kwargs):
        self.path_fields = path_fields
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        q = Q()
        for path_field in self.path_fields:
            q |= Q(**{f"{path_field}__startswith": value.path})
        return qs.filter(q)


@extend_schema_field(OpenApiTypes.STR)
class SearchFilter(django_filters.CharFilter):
    """Free-text search through the queryset's `search(text)` method."""

    def filter(self, qs, value):
        return qs.search(value) if value else qs


class PointFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("搜索（编码/名称/地址）"))
    code = django_filters.CharFilter(field_name="code", label=_("点位编码（精确）"))
    point_type = django_filters.ModelChoiceFilter(
        queryset=PointType.objects.all(), empty_label=ALL, label=_("点位类型")
    )
    street = AreaSubtreeFilter(queryset=_streets, empty_label=ALL, label=_("街道"))
    community = AreaSubtreeFilter(queryset=_communities, empty_label=ALL, label=_("社区"))
    area = AreaSubtreeFilter(queryset=_areas, empty_label=ALL, label=_("区域（含下级）"))
    responsible_unit = django_filters.ModelChoiceFilter(queryset=_units, empty_label=ALL, label=_("责任单位"))
    guarantor_unit = django_filters.ModelChoiceFilter(queryset=_units, empty_label=ALL, label=_("包保单位"))
    status = django_filters.ChoiceFilter(choices=PointStatus.choices, empty_label=ALL, label=_("状态"))
    unassigned = django_filters.BooleanFilter(field_name="area", lookup_expr="isnull", label=_("未落入区域"))

    class Meta:
        model = Point
        fields = [
            "q",
            "code",
            "point_type",
            "street",
            "community",
            "area",
            "responsible_unit",
            "guarantor_unit",
            "status",
        ]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Narrow the community choices to the chosen street.
        street = (data or {}).get("street")
        if street and str(street).isdigit():
            field = self.filters["community"]
            parent = Area.objects.filter(pk=int(street)).values_list("path", flat=True).first()
            if parent:
                base = field.queryset(self.request) if callable(field.queryset) else field.queryset
                self.filters["community"].queryset = base.filter(path__startswith=parent)


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Comma-separated values: `?levels=street,community`."""


class AreaFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, empty_label=ALL, label=_("层级"))
    levels = CharInFilter(field_name="level", label=_("层级（逗号分隔多个）"))
    parent = django_filters.ModelChoiceFilter(queryset=_areas, empty_label=ALL, label=_("上级区域"))
    within = AreaSubtreeFilter(
        queryset=_areas, path_fields=("path",), empty_label=ALL, label=_("区域（含下级）")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("搜索（编码/名称）"))

    class Meta:
        model = Area
        fields = ["level", "levels", "parent", "within", "q"]

    def filter_q(self, queryset, name, value: str):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset


class DutyFilterSet(django_filters.FilterSet):
    person = django_filters.ModelChoiceFilter(queryset=_people, empty_label=ALL, label=_("人员"))
    post = django_filters.ChoiceFilter(choices=Post.choices, empty_label=ALL, label=_("岗位"))
    area = AreaSubtreeFilter(
        queryset=_areas,
        path_fields=("area__path", "point__area__path"),
        empty_label=ALL,
        label=_("区域（含下级）"),
    )
    point = IdFilter(field_name="point_id", label=_("点位"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("仅当前在岗"))

    class Meta:
        model = Duty
        fields = ["person", "post", "area", "point", "current"]

    def filter_current(self, queryset, name, value: bool):
        if value is None:
            return queryset
        current = queryset.current()
        return current if value else queryset.exclude(pk__in=current.values("pk"))
