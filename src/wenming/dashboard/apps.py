from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "wenming.dashboard"
    label = "dashboard"

    def ready(self) -> None:
        # the workbench widgets of bulletins, appraisal and the leadership view register themselves on import
        from wenming.dashboard import bulletin_widgets  # noqa: F401
