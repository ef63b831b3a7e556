"""Filters shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.core.filters import IdFilter
from wenming.inspections.choices import ObservationResult, RoundKind, RoundState, TaskState
from wenming.inspections.models import Inspection, Observation, Round, Task


class RoundFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), method="search")
    kind = django_filters.ChoiceFilter(label=_("轮次类型"), choices=RoundKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=RoundState.choices)

    class Meta:
        model = Round
        fields = ["q", "kind", "state", "standard_set"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip()) if value.strip() else queryset


class TaskFilterSet(django_filters.FilterSet):
    round = IdFilter(label=_("轮次"), field_name="round_id")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=TaskState.choices)
    point = django_filters.CharFilter(label=_("点位编码"), field_name="point__code")

    class Meta:
        model = Task
        fields = ["round", "state", "point"]


class InspectionFilterSet(django_filters.FilterSet):
    round = IdFilter(label=_("轮次"), field_name="round_id")
    point = django_filters.CharFilter(label=_("点位"), method="search_point")
    point_type = django_filters.CharFilter(label=_("点位类型编码"), field_name="point__point_type__code")
    far_away = django_filters.BooleanFilter(label=_("距离过远"))
    submitted_after = django_filters.DateFilter(
        label=_("提交日期起"), field_name="submitted_at", lookup_expr="date__gte"
    )
    submitted_before = django_filters.DateFilter(
        label=_("提交日期止"), field_name="submitted_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Inspection
        fields = ["round", "point", "point_type", "far_away", "submitted_after", "submitted_before"]

    def search_point(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(point__code__icontains=value) | Q(point__name__icontains=value))
            if value
            else queryset
        )


class ObservationFilterSet(django_filters.FilterSet):
    inspection = IdFilter(label=_("测评记录"), field_name="inspection_id")
    round = IdFilter(label=_("轮次"), field_name="inspection__round_id")
    criterion = IdFilter(label=_("测评标准"), field_name="criterion_id")
    result = django_filters.ChoiceFilter(label=_("结果"), choices=ObservationResult.choices)

    class Meta:
        model = Observation
        fields = ["inspection", "round", "criterion", "result"]
