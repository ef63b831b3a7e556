from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.org.models import Person, SpecialGroup, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "lead_unit", "order"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead_unit", "member_units"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "title", "phone", "is_active"]
    list_filter = ["is_active", "unit__level"]
    search_fields = ["name", "phone", "unit__name"]
    autocomplete_fields = ["unit"]
