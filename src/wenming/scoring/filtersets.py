"""Filters shared by the snapshot list page and the snapshot API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wenming.core.filters import IdFilter
from wenming.inspections.choices import RoundKind
from wenming.scoring.models import ScoreSnapshot


class SnapshotFilterSet(django_filters.FilterSet):
    round = IdFilter(field_name="round_id", label=_("轮次"))
    kind = django_filters.ChoiceFilter(
        field_name="round__kind", choices=RoundKind.choices, label=_("轮次类型")
    )
    current = django_filters.BooleanFilter(method="filter_current", label=_("仅最新版本"))

    class Meta:
        model = ScoreSnapshot
        fields = ["round", "kind", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.current() if value else queryset
