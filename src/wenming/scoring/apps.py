from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "wenming.scoring"
    label = "scoring"

    def ready(self) -> None:
        from wenming.inspections.signals import round_closed
        from wenming.scoring.services import freeze_on_close

        round_closed.connect(freeze_on_close, dispatch_uid="scoring.freeze_on_close")
