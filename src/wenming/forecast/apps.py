from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastConfig(AppConfig):
    name = "wenming.forecast"
    verbose_name = _("预估测评得分")

    def ready(self):
        from wenming.forecast import signals  # noqa: F401  (marks the cached forecast stale)
