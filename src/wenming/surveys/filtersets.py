"""Filters shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.core.filters import IdFilter, YearFilter
from wenming.surveys.choices import (
    AgeBand,
    Channel,
    ExampleKind,
    Occupation,
    Residence,
    TrainingKind,
    WaveState,
)
from wenming.surveys.models import Example, Questionnaire, Response, TrainingSession, Wave


def _search(queryset, field: str, value: str):
    value = (value or "").strip()
    return queryset.filter(**{f"{field}__icontains": value}) if value else queryset


class QuestionnaireFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), method="search")

    class Meta:
        model = Questionnaire
        fields = ["q"]

    def search(self, queryset, name, value):
        return _search(queryset, "title", value)


class WaveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=WaveState.choices)
    questionnaire = IdFilter(label=_("问卷"), field_name="questionnaire_id")

    class Meta:
        model = Wave
        fields = ["q", "state", "questionnaire"]

    def search(self, queryset, name, value):
        return _search(queryset, "name", value)


class ResponseFilterSet(django_filters.FilterSet):
    wave = IdFilter(label=_("调查批次"), field_name="wave_id")
    stratum = IdFilter(label=_("分层"), field_name="stratum_id")
    channel = django_filters.ChoiceFilter(label=_("采集方式"), choices=Channel.choices)
    age_band = django_filters.ChoiceFilter(label=_("年龄段"), choices=AgeBand.choices)
    residence = django_filters.ChoiceFilter(label=_("居住时间"), choices=Residence.choices)
    occupation = django_filters.ChoiceFilter(label=_("职业"), choices=Occupation.choices)
    received_after = django_filters.DateFilter(
        label=_("提交日期起"), field_name="received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=_("提交日期止"), field_name="received_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Response
        fields = ["wave", "stratum", "channel", "age_band", "residence", "occupation"]


class TrainingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("主题"), method="search")
    kind = django_filters.ChoiceFilter(label=_("形式"), choices=TrainingKind.choices)
    year = YearFilter(label=_("年度"), field_name="date", lookup_expr="year")
    unit = IdFilter(label=_("参训单位"), field_name="audience_units", distinct=True)

    class Meta:
        model = TrainingSession
        fields = ["q", "kind", "year", "unit"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(topic__icontains=value) | Q(trainer__icontains=value) | Q(place__icontains=value)
        )


class ExampleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("标题"), method="search")
    point_type = IdFilter(label=_("点位类型"), field_name="point_type_id")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ExampleKind.choices)
    criterion = IdFilter(label=_("测评标准"), field_name="criterion_id")

    class Meta:
        model = Example
        fields = ["q", "point_type", "kind", "criterion"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        return (
            queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
            if value
            else queryset
        )
