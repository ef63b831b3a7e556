"""Django admin for places. Edits here bypass the services' checks (cycles, code prefixes, positions):
the admin is for the system administrator's repairs; the office works in the app's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.geo.models import Area, Duty, Point


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "population", "unit"]
    list_filter = ["level", "boundary_is_synthetic"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "unit"]
    readonly_fields = ["path", "centroid_lat", "centroid_lon"]


@admin.register(Point)
class PointAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "point_type", "area", "responsible_unit", "status"]
    list_filter = ["status", "point_type", "coord_system", "area_overridden"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["area", "responsible_unit", "guarantor_unit", "responsible_person"]
    list_select_related = ["point_type", "area", "responsible_unit"]


@admin.register(Duty)
class DutyAdmin(SimpleHistoryAdmin):
    list_display = ["person", "post", "area", "point", "category", "start_date", "end_date"]
    list_filter = ["post"]
    search_fields = ["person__name", "area__name", "point__name", "point__code"]
    autocomplete_fields = ["person", "area", "point"]
    list_select_related = ["person", "area", "point", "category"]
