"""Mark the cached forecast stale when records it reads change (new observations, case events).

The recomputation itself is the scheduled job's (`forecast.tasks.refresh_forecast`): debounced, so a
burst of submissions costs one recomputation, not one per row. Marking is cheap too: one UPDATE after a
commit, and none while this process marked less than `THROTTLE_SECONDS` ago and computed no run since (the
job also compares the data's fingerprint, so a skipped mark never hides a change from the recomputation).
"""

import time

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

THROTTLE_SECONDS = 5.0
_last_mark = {"at": 0.0}


def reset_throttle() -> None:
    """Called when a run is computed: the next change must mark it."""
    _last_mark["at"] = 0.0


def _throttled() -> bool:
    return time.monotonic() - _last_mark["at"] < THROTTLE_SECONDS


def _mark() -> None:
    from wenming.forecast.models import ForecastRun

    if _throttled():
        return  # another row of the same commit (or one a moment ago) already marked it
    _last_mark["at"] = time.monotonic()
    ForecastRun.objects.current().filter(stale=False).update(stale=True)


def mark_stale(**_kwargs) -> None:
    if not _throttled():
        transaction.on_commit(_mark)


@receiver(post_save, sender="inspections.Observation", dispatch_uid="forecast_stale_observation")
def _observation_saved(sender, **kwargs):
    mark_stale()


@receiver(post_save, sender="cases.CaseEvent", dispatch_uid="forecast_stale_case_event")
def _case_event_saved(sender, **kwargs):
    mark_stale()
