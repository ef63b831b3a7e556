from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "wenming.inspections"
    label = "inspections"

    def ready(self) -> None:
        from wenming.core.signals import calendar_confirmed
        from wenming.inspections.services.rechecks import on_calendar_confirmed

        calendar_confirmed.connect(
            on_calendar_confirmed, dispatch_uid="inspections.recompute_recheck_due_dates"
        )
