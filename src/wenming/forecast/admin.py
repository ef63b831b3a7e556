from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from wenming.forecast.models import ForecastParameters, ForecastRun


@admin.register(ForecastParameters)
class ForecastParametersAdmin(SimpleHistoryAdmin):
    """Read-only here: the office edits the parameters on /forecast/parameters/ (validated by the service)."""

    list_display = [
        "half_life_days",
        "prior_strength",
        "open_case_odds",
        "simulations",
        "target_score",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ForecastRun)
class ForecastRunAdmin(admin.ModelAdmin):
    list_display = ["computed_at", "as_of", "stale", "backtest_round", "seconds"]
    list_filter = ["stale"]
    readonly_fields = [f.name for f in ForecastRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
