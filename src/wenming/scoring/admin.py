from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from wenming.scoring.models import DeductionTheme, ScoreSnapshot, SnapshotRollup


@admin.register(DeductionTheme)
class DeductionThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category_codes", "order", "is_active"]
    list_editable = ["order", "is_active"]


class SnapshotRollupInline(ReadOnlyInline):
    model = SnapshotRollup
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SnapshotRollup._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: snapshots are evidence; only `freeze_round` writes them."""

    list_display = ["round", "version", "created_at", "points", "passed", "mean_score", "data_hash"]
    list_filter = ["round__kind"]
    inlines = [SnapshotRollupInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ScoreSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
