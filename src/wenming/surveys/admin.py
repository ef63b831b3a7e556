"""Admin views of the surveys app: read-mostly (writes go through the pages and services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from wenming.surveys.models import (
    Attendance,
    Example,
    ExamplePhoto,
    Question,
    Questionnaire,
    Quiz,
    QuizAttempt,
    Response,
    Stratum,
    TrainingMaterial,
    TrainingSession,
    Wave,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "code", "text", "kind", "scale", "required"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ["title", "min_age", "max_age", "min_residence_months", "created_at"]
    search_fields = ["title"]
    inlines = [QuestionInline]


class StratumInline(ReadOnlyInline):
    model = Stratum
    extra = 0
    raw_id_fields = ["area"]
    readonly_fields = ["token"]


@admin.register(Wave)
class WaveAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "state", "period_start", "period_end", "design", "stratum_level"]
    list_filter = ["state", "design"]
    search_fields = ["name"]
    readonly_fields = ["state", "opened_at", "closed_at"]
    filter_horizontal = ["interviewers"]
    inlines = [StratumInline]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "wave", "stratum", "channel", "age_band", "received_at"]
    list_filter = ["channel", "wave"]
    raw_id_fields = ["wave", "stratum", "area", "interviewer"]
    readonly_fields = ["client_id", "device_hash", "phone_hash", "ip_hash", "import_batch"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["person", "recorded_by"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "topic", "kind", "place"]
    list_filter = ["kind"]
    search_fields = ["topic"]
    filter_horizontal = ["audience_units", "point_types"]
    inlines = [AttendanceInline]


admin.site.register(TrainingMaterial)
admin.site.register(Quiz, SimpleHistoryAdmin)


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ExamplePhotoInline(admin.TabularInline):
    model = ExamplePhoto
    extra = 0
    fields = ["image", "thumbnail", "caption"]
    readonly_fields = ["image", "thumbnail"]


@admin.register(Example)
class ExampleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "point_type", "kind", "criterion", "is_published"]
    list_filter = ["kind", "is_published", "point_type"]
    search_fields = ["title"]
    raw_id_fields = ["criterion", "point"]
    inlines = [ExamplePhotoInline]
