from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wenming.cases"
    label = "cases"

    def ready(self) -> None:
        # the workbench widgets register themselves with the registry in core on import
        from wenming.cases import widgets  # noqa: F401
        from wenming.cases.exports import fail_abandoned_export
        from wenming.core.taskrecovery import task_abandoned

        task_abandoned.connect(fail_abandoned_export, dispatch_uid="cases:abandoned-export")

        from wenming.cases.services.calendar import on_calendar_confirmed
        from wenming.core.signals import calendar_confirmed

        calendar_confirmed.connect(
            on_calendar_confirmed, dispatch_uid="cases.recompute_provisional_deadlines"
        )

        from wenming.cases.routing_cache import watch

        watch()  # routing's in-memory rules, duties, areas, units and categories follow their tables

        from wenming.cases.notifications import watch as watch_recipients

        watch_recipients()  # the in-memory users and grants follow their tables
