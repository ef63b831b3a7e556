"""The case list filter, shared by the HTML list and the API (`?state=…&unit=…&kpi=overdue_open&period=2026-11`).

`kpi` + `period` is the KPI drill-down: exactly the cases behind one figure of cases/kpis.py. `period`
alone filters on the report time. `unit`, `special_group` and `street` accept an id or `none`.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenming.cases import kpis
from wenming.cases.choices import OPEN_STATES, CaseSource, CaseState, Severity
from wenming.cases.models import Case
from wenming.core.filters import IdFilter, IdOrNoneFilter

KPI_CHOICES = [(c.code, c.label) for c in kpis.COUNTS]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))


class CaseFilterForm(forms.Form):
    def clean_period(self):
        value = (self.cleaned_data.get("period") or "").strip()
        if value:
            kpis.parse_period(value)  # ValidationError with the accepted formats
        return value


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=CaseState.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=CaseSource.choices)
    severity = django_filters.ChoiceFilter(label=_("严重程度"), choices=Severity.choices)
    category = IdFilter(label=_("问题类别"), field_name="category_id")
    top_category = IdFilter(label=_("问题大类"), field_name="top_category_id")
    unit = IdOrNoneFilter(label=_("责任单位"), field_name="unit")
    person = IdFilter(label=_("责任人"), field_name="person_id")
    special_group = IdOrNoneFilter(label=_("专项组"), field_name="special_group")
    street = IdOrNoneFilter(label=_("街道"), field_name="street")
    area = IdFilter(label=_("区域（含下级）"), method="filter_area")
    point = IdFilter(label=_("点位"), field_name="point_id")
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    escalated = django_filters.BooleanFilter(label=_("督办中"), method="filter_escalated")
    is_recurrence = django_filters.BooleanFilter(label=_("重复发生"))
    is_open = django_filters.BooleanFilter(label=_("在办"), method="filter_is_open")
    date_from = django_filters.DateFilter(
        label=_("上报日期起"), method="filter_date_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("上报日期止"), method="filter_date_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    period = django_filters.CharFilter(label=_("统计期间"), method="filter_noop", help_text=kpis.PERIOD_HELP)
    kpi = django_filters.ChoiceFilter(label=_("考核指标"), choices=KPI_CHOICES, method="filter_noop")

    class Meta:
        model = Case
        form = CaseFilterForm
        fields = ["q", "state", "source", "severity", "category", "top_category", "unit", "person",
                  "special_group", "street", "area", "point", "overdue", "escalated", "is_recurrence",
                  "is_open", "date_from", "date_to", "period", "kpi"]  # fmt: skip

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(code__icontains=value) | Q(description__icontains=value) | Q(address__icontains=value)
        )

    def filter_area(self, qs, name, value):
        from wenming.geo.models import Area

        area = Area.objects.filter(pk=value).first()
        return qs.in_area(area) if area else qs.none()

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = Case.objects.overdue(timezone.now()).values("pk")
        return qs.filter(pk__in=overdue) if value else qs.exclude(pk__in=overdue)

    def filter_escalated(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(escalation_level__gt=0) if value else qs.filter(escalation_level=0)

    def filter_is_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.open() if value else qs.exclude(state__in=OPEN_STATES)

    def filter_date_from(self, qs, name, value):
        """Reported on or after this local (Asia/Shanghai) day."""
        return qs.filter(reported_at__gte=_local_midnight(value)) if value else qs

    def filter_date_to(self, qs, name, value):
        """Reported on or before this local day (the whole day included)."""
        return qs.filter(reported_at__lt=_local_midnight(value + datetime.timedelta(days=1))) if value else qs

    def filter_noop(self, qs, name, value):
        return qs  # applied together in filter_queryset (a KPI needs its period)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        period_text, kpi = data.get("period"), data.get("kpi")
        if not period_text and not kpi:
            return queryset
        period = kpis.parse_period(period_text)  # validated by the form
        if kpi:
            from django.utils import timezone

            now = timezone.now()
            if kpis.is_past(period, now):  # the cases behind the figure as the period stood at its end
                return queryset.filter(pk__in=kpis.case_ids(kpi, period, now))
            return queryset.filter(kpis.kpi_q(kpi, period))
        return queryset.filter(reported_at__gte=period.start, reported_at__lt=period.end)
