"""List filters shared by the HTML lists and the API (`?kind=monthly&state=published&year=2026&q=…`)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenming.bulletins.choices import BulletinKind, BulletinState, RunState, Subject
from wenming.bulletins.models import AppraisalResult, AppraisalRun, Bulletin
from wenming.core.filters import IdFilter, YearFilter


class BulletinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("通报类型"), choices=BulletinKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=BulletinState.choices)
    year = YearFilter(label=_("年度"), method="filter_year")

    class Meta:
        model = Bulletin
        fields = ["q", "kind", "state", "year"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))

    def filter_year(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(Q(doc_year=value) | Q(doc_year__isnull=True, period_start__year=value))


class AppraisalRunFilterSet(django_filters.FilterSet):
    scheme = IdFilter(label=_("考核方案"), field_name="scheme_id")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=RunState.choices)
    subject = django_filters.ChoiceFilter(
        label=_("考核对象"), choices=Subject.choices, field_name="scheme__subject"
    )

    class Meta:
        model = AppraisalRun
        fields = ["scheme", "state", "subject"]


class AppraisalResultFilterSet(django_filters.FilterSet):
    run = IdFilter(label=_("考核结果批次"), field_name="run_id")
    unit = IdFilter(label=_("单位"), field_name="unit_id")
    area = IdFilter(label=_("街道"), field_name="area_id")

    class Meta:
        model = AppraisalResult
        fields = ["run", "unit", "area"]
