"""Refusals shared by the inspections services."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError

DEFAULT_MAX_DISTANCE_M = 300


class InspectionError(ValidationError):
    """A refused write; `code` tells the phone what to do ("far_away", "no_location", "invalid" …)."""


class NotFound(ObjectDoesNotExist):
    """The object is outside the actor's scope: shown as 404 so its existence is not revealed."""


def max_distance_m() -> float:
    return float(getattr(settings, "INSPECTION_MAX_DISTANCE_M", DEFAULT_MAX_DISTANCE_M))
