from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wenming.cases"
    label = "cases"

    def ready(self) -> None:
        # the workbench widgets register themselves with the dashboard's registry on import
        from wenming.cases import widgets  # noqa: F401
