from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wenming.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from wenming.core.api import schema  # noqa: F401  (registers the filter schema extension)
        from wenming.core.models import CalendarDay

        # Cache invalidation is infrastructure: every saved or deleted calendar row changes the version token.
        post_save.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="core.calendar_changed.save")
        post_delete.connect(
            _calendar_changed, sender=CalendarDay, dispatch_uid="core.calendar_changed.delete"
        )


def _calendar_changed(**kwargs) -> None:
    from wenming.core.workcal import calendar_changed

    calendar_changed()
