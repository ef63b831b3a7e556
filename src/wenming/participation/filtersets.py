"""Filters of report lists: the office's (triage queue, all reports, the API) and the public one (the public
list, map, open-data export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.cases.choices import OPEN_STATES, CaseState
from wenming.core.filters import IdFilter
from wenming.participation.choices import Channel, PublicStatus, ReportState
from wenming.participation.models import Report


class ReportFilterSet(django_filters.FilterSet):
    """The office's filter (triage queue, report list, API, XLSX export)."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    state = django_filters.MultipleChoiceFilter(label=_("审核状态"), choices=ReportState.choices)
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices)
    street = IdFilter(label=_("街道"), field_name="street_id")
    category = IdFilter(label=_("问题类别"), method="filter_category")
    submitted_from = django_filters.DateFilter(
        label=_("上报日期从"), field_name="submitted_at", lookup_expr="date__gte"
    )
    submitted_to = django_filters.DateFilter(
        label=_("上报日期至"), field_name="submitted_at", lookup_expr="date__lte"
    )
    duplicates = django_filters.BooleanFilter(label=_("有疑似重复"), method="filter_duplicates")

    class Meta:
        model = Report
        fields = [
            "q",
            "state",
            "channel",
            "street",
            "category",
            "submitted_from",
            "submitted_to",
            "duplicates",
        ]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        q = Q(description__icontains=value) | Q(address__icontains=value) | Q(case__code__iexact=value)
        if value.isdigit():
            q |= Q(pk=int(value))
        return queryset.filter(q)

    def filter_category(self, queryset, name, value):
        return queryset.filter(
            Q(case__category_id=value) | Q(case__isnull=True, category_id=value)
            | Q(case__isnull=True, category__isnull=True, suggested_category_id=value)
        )  # fmt: skip

    def filter_duplicates(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(duplicate_count__gt=0) if value else queryset.filter(duplicate_count=0)


PUBLIC_STATUS_Q = {
    PublicStatus.NOT_ACCEPTED: Q(state=ReportState.REJECTED) | Q(case__state=CaseState.REJECTED),
    PublicStatus.FIXED: Q(case__state=CaseState.CLOSED) | Q(case__merged_into__state=CaseState.CLOSED),
    PublicStatus.PLANNED: Q(case__state=CaseState.PARKED) | Q(case__merged_into__state=CaseState.PARKED),
    PublicStatus.FIX_REPORTED: Q(case__state=CaseState.FIX_REPORTED)
    | Q(case__merged_into__state=CaseState.FIX_REPORTED),
    PublicStatus.ACCEPTED: Q(case__state__in=[CaseState.REPORTED, CaseState.REGISTERED])
    | Q(case__merged_into__state__in=[CaseState.REPORTED, CaseState.REGISTERED]),
    PublicStatus.IN_PROGRESS: Q(
        case__state__in=[CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.FIXING, CaseState.COORDINATING,
                         CaseState.RETURNED]
    ) | Q(
        case__merged_into__state__in=[CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.FIXING,
                                      CaseState.COORDINATING, CaseState.RETURNED]
    ),
}  # fmt: skip
PUBLIC_STATUS_CHOICES = [(s.value, s.label) for s in PublicStatus if s != PublicStatus.RECEIVED]


class PublicReportFilterSet(django_filters.FilterSet):
    """The public list/map/export filter: only anonymised fields (street, category group, status, period)."""

    street = IdFilter(label=_("街道"), field_name="street_id")
    group = IdFilter(label=_("问题大类"), method="filter_group")
    status = django_filters.ChoiceFilter(
        label=_("处理状态"), choices=PUBLIC_STATUS_CHOICES, method="filter_status"
    )
    open = django_filters.BooleanFilter(label=_("仅未解决"), method="filter_open")
    days = django_filters.ChoiceFilter(
        label=_("时间"), choices=[("30", _("近30天")), ("90", _("近90天")), ("365", _("近一年"))],
        method="filter_days",
    )  # fmt: skip

    class Meta:
        model = Report
        fields = ["street", "group", "status", "open", "days"]

    def filter_group(self, queryset, name, value):
        return queryset.filter(
            Q(case__top_category_id=value) | Q(case__isnull=True, category__parent_id=value)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(PUBLIC_STATUS_Q[value]) if value in PUBLIC_STATUS_Q else queryset

    def filter_open(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state__in=[ReportState.ACCEPTED, ReportState.MERGED]).filter(
            Q(case__state__in=OPEN_STATES - {CaseState.MERGED}) | Q(case__merged_into__state__in=OPEN_STATES)
        )

    def filter_days(self, queryset, name, value):
        return queryset.recent(int(value)) if value else queryset
