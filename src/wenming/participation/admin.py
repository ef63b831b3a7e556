"""Admin for citizen participation: read-mostly views for diagnosis; triage happens on the office pages."""

from django.contrib import admin

from wenming.core.admin import ReadOnlyAdminMixin
from wenming.participation.models import ClassifierModel, Open311Client, PointsEntry, Report, ReportEvent


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "state", "channel", "submitted_at", "street", "case")
    list_filter = ("state", "channel")
    date_hierarchy = "submitted_at"
    raw_id_fields = ("category", "suggested_category", "area", "street", "suggested_unit", "case", "client",
                     "triaged_by", "classifier")  # fmt: skip
    readonly_fields = ("code", "public_id", "idempotency_key")  # all of them: ReadOnlyAdminMixin


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("report", "kind", "at", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("report", "actor")


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("report", "reason", "points", "at")
    raw_id_fields = ("report",)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "created_at",
        "n_classes",
        "n_train",
        "n_test",
        "accuracy",
        "top3_accuracy",
        "is_active",
    )
    exclude = ("blob",)
    readonly_fields = ("metrics",)


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "is_active", "hourly_limit", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "key_hash", "last_used_at", "revoked_at", "revoked_by", "created_by")
