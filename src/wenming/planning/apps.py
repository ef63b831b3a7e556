from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "wenming.planning"
    verbose_name = _("智能巡查排程")

    def ready(self):
        # the inspector's "today's route" widget registers itself with the dashboard's registry on import
        from wenming.planning import widgets  # noqa: F401
