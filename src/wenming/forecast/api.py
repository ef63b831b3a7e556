"""The per-point risk other apps read (e.g. `wenming.planning`'s risk-based inspection routes).

    from wenming.forecast.api import point_risk
    risks = point_risk()                 # every active point, from the latest cached forecast
    risks[point_id].expected_marks_lost  # marks this point would lose if inspected tomorrow

Read from the latest cached forecast run when it was made from the same data (same fingerprint: same
observations, case events, points, criteria, parameters and day), else computed now (not stored).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class PointRisk:
    point_id: int
    p_fail: float  # probability the point fails ≥1 applicable criterion if inspected tomorrow
    expected_marks_lost: float  # expected marks lost at this point if inspected tomorrow (0..possible)
    possible_marks: float  # marks at stake at this point


def _risks(as_of: datetime.datetime | None) -> dict:
    from wenming.forecast import data, services
    from wenming.forecast.models import ForecastRun

    row = services.parameters()
    when = as_of or timezone.now()
    signature = data.signature(when, row)
    run = ForecastRun.objects.current().filter(signature=signature).latest_first().first()
    if run is not None and (as_of is None or run.as_of.date() == when.date()):
        return run.risks
    _result, risks = services.compute(when, row, simulations=1000)
    return risks


def point_risk(
    *, as_of: datetime.datetime | None = None, point_ids: Iterable[int] | None = None
) -> dict[int, PointRisk]:
    """Risk of every active point (or of `point_ids` among them) for an inspection the day after `as_of`."""
    risks = _risks(as_of)
    wanted = None if point_ids is None else {int(p) for p in point_ids}
    out = {}
    for key, (p_fail, lost, possible) in risks.items():
        pid = int(key)
        if wanted is None or pid in wanted:
            out[pid] = PointRisk(pid, float(p_fail), float(lost), float(possible))
    return out
