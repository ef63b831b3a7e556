from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wenming.cases"
    label = "cases"

    def ready(self) -> None:
        # the workbench widgets register themselves with the registry in core on import
        from wenming.cases import widgets  # noqa: F401
