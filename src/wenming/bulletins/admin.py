from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.bulletins.models import (
    Appeal,
    AppraisalRule,
    AppraisalRun,
    AppraisalScheme,
    Bulletin,
    BulletinJob,
)
from wenming.core.admin import ReadOnlyAdminMixin, ReadOnlyInline


class BulletinJobInline(ReadOnlyInline):
    model = BulletinJob
    readonly_fields = ["kind", "state", "progress", "stage", "error", "created_at", "finished_at"]
    fields = readonly_fields


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Bulletins are changed through their pages (the workflow and the freeze live in the services)."""

    list_display = ["title", "kind", "state", "doc_number", "issue_date"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "doc_number"]
    inlines = [BulletinJobInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class RuleInline(admin.TabularInline):
    model = AppraisalRule
    extra = 0


@admin.register(AppraisalScheme)
class AppraisalSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "subject", "formula", "is_active"]
    inlines = [RuleInline]

    def has_change_permission(self, request, obj=None):
        return False  # formulas are validated by bulletins.appraisal.save_scheme (the scheme pages)


@admin.register(AppraisalRun)
class AppraisalRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["scheme", "period_code", "state", "computed_at"]
    list_filter = ["state"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["result", "state", "filed_by", "filed_at"]
    list_filter = ["state"]

    def has_change_permission(self, request, obj=None):
        return False
