from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from wenming.inspections.models import (
    Campaign,
    Inspection,
    Observation,
    ObservationPhoto,
    Recheck,
    RecheckPolicy,
    Round,
    RoundInspector,
    Task,
)


class RoundInspectorInline(ReadOnlyInline):
    model = RoundInspector
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "state", "period_start", "period_end", "seed"]
    list_filter = ["kind", "state"]
    search_fields = ["name"]
    readonly_fields = ["state", "seed", "published_at", "closed_at", "copied_from"]
    inlines = [RoundInspectorInline]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["round", "point", "team", "state"]
    list_filter = ["state"]
    raw_id_fields = ["round", "point", "inspectors"]


class ObservationInline(ReadOnlyInline):
    model = Observation
    extra = 0
    raw_id_fields = ["criterion", "case"]
    readonly_fields = ["result", "problems", "count", "sub_results", "fixed_on_spot"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["point", "round", "inspector", "submitted_at", "distance_m", "far_away"]
    list_filter = ["far_away", "round__kind"]
    raw_id_fields = ["round", "task", "point", "inspector", "co_inspectors"]
    readonly_fields = ["client_id"]
    inlines = [ObservationInline]


@admin.register(ObservationPhoto)
class ObservationPhotoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["observation", "stage", "width", "height", "created_at"]
    raw_id_fields = ["observation", "uploaded_by"]


@admin.register(RecheckPolicy)
class RecheckPolicyAdmin(SimpleHistoryAdmin):
    list_display = (
        "__str__",
        "enabled",
        "share_percent",
        "delay_days",
        "priority",
        "due_days",
        "considered_until",
    )


@admin.register(Recheck)
class RecheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "case_closed_at", "drawn_at", "due_at", "state", "checked_by")
    list_filter = ("state",)
    raw_id_fields = ("case", "checked_by")
    readonly_fields = ("case", "case_closed_at", "drawn_at", "state", "checked_at", "checked_by")


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "start_date", "end_date", "goal_close_rate", "goal_compliance_rate")
    filter_horizontal = ("categories",)
    raw_id_fields = ("points", "created_by")
