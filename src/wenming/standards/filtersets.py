"""Filters shared by the HTML lists and the API (one FilterSet per list)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.core.filters import IdFilter
from wenming.standards.choices import CategoryKind, GradingRule, Method, StandardScope
from wenming.standards.models import Criterion, PointType, ProblemCategory, StandardSet


class StandardSetFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("搜索"))
    scope = django_filters.ChoiceFilter(choices=StandardScope.choices, label=_("发布层级"))
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = StandardSet
        fields = ["search", "scope", "is_active"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


class PointTypeFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("搜索"))

    class Meta:
        model = PointType
        fields = ["search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


class CriterionFilterSet(django_filters.FilterSet):
    """Criteria by set, point type (code; direct or through a block), rule, method, category and text."""

    standard_set = IdFilter(field_name="standard_set_id", label=_("测评体系"))
    point_type = django_filters.CharFilter(method="filter_point_type", label=_("点位类型编码"))
    rule = django_filters.ChoiceFilter(choices=GradingRule.choices, label=_("评分规则"))
    method = django_filters.ChoiceFilter(choices=Method.choices, label=_("测评方法"))
    category = django_filters.CharFilter(field_name="category__code", label=_("问题分类编码"))
    indicator = django_filters.CharFilter(method="filter_indicator", label=_("指标编号（含下级）"))
    search = django_filters.CharFilter(method="filter_search", label=_("搜索"))

    class Meta:
        model = Criterion
        fields = ["standard_set", "point_type", "rule", "method", "category", "indicator", "search"]

    def filter_point_type(self, queryset, name, value):
        value = value.strip()
        return queryset.for_point_type(value) if value else queryset

    def filter_indicator(self, queryset, name, value):
        """A level-Ⅰ, Ⅱ or Ⅲ code: the criteria under it."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(indicator__code=value)
            | Q(indicator__parent__code=value)
            | Q(indicator__parent__parent__code=value)
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class ProblemCategoryFilterSet(django_filters.FilterSet):
    """Subcategories by top-level code, kind, owning group and text."""

    top = django_filters.CharFilter(field_name="parent__code", label=_("一级分类编码"))
    kind = django_filters.ChoiceFilter(choices=CategoryKind.choices, label=_("类型"))
    special_group = django_filters.CharFilter(method="filter_group", label=_("专项组编码"))
    is_public = django_filters.BooleanFilter(label=_("群众可选"))
    search = django_filters.CharFilter(method="filter_search", label=_("搜索"))

    class Meta:
        model = ProblemCategory
        fields = ["top", "kind", "special_group", "is_public", "search"]

    def filter_group(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(special_group_code=value) if value else queryset

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
