from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "wenming.planning"
    verbose_name = _("智能巡查排程")
