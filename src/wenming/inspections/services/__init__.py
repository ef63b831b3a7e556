"""Writes of the inspections app: plan, publish, copy and close rounds; submit inspections.

Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns what it changed. Refusals
raise `InspectionError` (a ValidationError with a Chinese message and a `code`), `PermissionDenied` (wrong
role) or `NotFound` (outside the actor's scope: the web layer answers 404), and write nothing.
"""

from wenming.inspections.services.common import (
    DEFAULT_MAX_DISTANCE_M,
    InspectionError,
    NotFound,
    max_distance_m,
)
from wenming.inspections.services.rounds import (
    close_round,
    copy_round,
    create_round,
    draw_round,
    publish_round,
    update_round,
)
from wenming.inspections.services.submissions import (
    MAX_PHOTOS_PER_OBSERVATION,
    Submission,
    SubmitResult,
    case_description,
    parse_submission,
    submit_inspection,
)

__all__ = [
    "DEFAULT_MAX_DISTANCE_M",
    "MAX_PHOTOS_PER_OBSERVATION",
    "InspectionError",
    "NotFound",
    "Submission",
    "SubmitResult",
    "case_description",
    "close_round",
    "copy_round",
    "create_round",
    "draw_round",
    "max_distance_m",
    "parse_submission",
    "publish_round",
    "submit_inspection",
    "update_round",
]
