"""Django admin for cases: cases and their timelines are read-only here (they move only through
`cases.services.transition`); the office's configuration (routing rules, KPI formulas) is editable."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.cases.models import Case, CaseEvent, KpiFormula, RoutingRule
from wenming.core.admin import ReadOnlyAdminMixin, ReadOnlyInline


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "kind", "from_state", "to_state", "actor", "note"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "state", "source", "category", "unit", "person", "reported_at", "fix_deadline"]
    list_filter = ["state", "source", "severity", "is_recurrence"]
    search_fields = ["code", "description", "address"]
    list_select_related = ["category", "unit", "person"]
    date_hierarchy = "reported_at"
    inlines = [CaseEventInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "priority",
        "is_active",
        "category",
        "top_category",
        "point_type",
        "area",
        "unit",
        "person",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "note"]
    autocomplete_fields = []


@admin.register(KpiFormula)
class KpiFormulaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "expression", "is_active", "order"]
