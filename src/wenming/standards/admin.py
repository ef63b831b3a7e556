from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wenming.standards.models import (
    CriteriaBlock,
    Criterion,
    Indicator,
    PointType,
    ProblemCategory,
    StandardSet,
)
from wenming.standards.services import activate_standard


@admin.register(StandardSet)
class StandardSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "version", "scope", "is_active", "effective_from"]
    list_filter = ["scope", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["is_active", "created_at", "updated_at"]
    actions = ["activate"]

    @admin.action(description=_("启用所选测评体系"))
    def activate(self, request, queryset):
        for standard_set in queryset:
            activate_standard(actor=request.user, standard_set=standard_set)
        self.message_user(request, _("已启用。"), messages.SUCCESS)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "weight", "standard_set"]
    list_filter = ["standard_set", "level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["standard_set"]


@admin.register(PointType)
class PointTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "order"]
    search_fields = ["code", "name"]


@admin.register(CriteriaBlock)
class CriteriaBlockAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "standard_set"]
    list_filter = ["standard_set"]
    filter_horizontal = ["point_types"]


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "parent",
        "kind",
        "deadline_value",
        "deadline_unit",
        "special_group",
        "is_public",
    ]
    list_filter = ["parent", "kind", "deadline_unit", "is_public"]
    search_fields = ["code", "name", "public_name", "examples"]
    list_select_related = ["parent", "special_group"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "short_text", "weight", "method", "rule", "block", "category", "standard_set"]
    list_filter = ["standard_set", "method", "rule", "block"]
    search_fields = ["code", "text", "sampling_note"]
    raw_id_fields = ["indicator", "category"]
    filter_horizontal = ["point_types"]
    list_select_related = ["standard_set", "block", "category"]

    @admin.display(description=_("测评标准"))
    def short_text(self, obj):
        return obj.text[:60]
