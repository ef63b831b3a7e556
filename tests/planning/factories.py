"""Records for the planning tests: a history of observations at the points of the inspections world."""

import datetime

from django.utils import timezone

from wenming.inspections.models import Inspection, Observation


def observe(world, point, results: dict, *, days_ago: float, now=None):
    """One inspection of `point` `days_ago` days before `now`, with `results` {criterion key: result}."""
    now = now or timezone.now()
    inspection = Inspection.objects.create(
        round=world.round,
        point=point,
        inspector=world.inspector,
        submitted_at=now - datetime.timedelta(days=days_ago),
        lat=point.lat,
        lon=point.lon,
    )
    for key, result in results.items():
        Observation.objects.create(inspection=inspection, criterion=world.criteria[key], result=result)
    return inspection
