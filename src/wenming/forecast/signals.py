"""Mark the cached forecast stale when records it reads change (new observations, case events).

The recomputation itself is the scheduled job's (`forecast.tasks.refresh_forecast`): debounced, so a
burst of submissions costs one recomputation, not one per row.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver


def mark_stale(**_kwargs) -> None:
    from wenming.forecast.models import ForecastRun

    transaction.on_commit(lambda: ForecastRun.objects.current().filter(stale=False).update(stale=True))


@receiver(post_save, sender="inspections.Observation", dispatch_uid="forecast_stale_observation")
def _observation_saved(sender, **kwargs):
    mark_stale()


@receiver(post_save, sender="cases.CaseEvent", dispatch_uid="forecast_stale_case_event")
def _case_event_saved(sender, **kwargs):
    mark_stale()
