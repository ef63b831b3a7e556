from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.planning.models import VisitRule


@admin.register(VisitRule)
class VisitRuleAdmin(SimpleHistoryAdmin):
    list_display = ("point_type", "service_minutes", "windows", "coverage_days")
    search_fields = ("point_type__code", "point_type__name")
