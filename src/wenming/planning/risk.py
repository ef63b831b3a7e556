"""Every read of risk goes through `point_risk` (one function; the planner never reads records itself).

The risk is the forecast's (`wenming.forecast.api.point_risk`, docs/forecast.md): per point, the probability
of failing at least one applicable criterion if inspected, the expected marks lost and the marks at stake,
read from the latest cached forecast run made from the same records (else computed). A plan for a day uses
the records up to the end of that day, or up to now when the day is today or later.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from wenming.forecast.api import PointRisk
from wenming.forecast.api import point_risk as forecast_point_risk

__all__ = ["PointRisk", "point_risk"]


def point_risk(
    *, as_of: datetime.datetime | datetime.date | None = None, point_ids: Iterable[int] | None = None
) -> dict[int, PointRisk]:
    """The risk of every active point (or of `point_ids`) as of `as_of` (a moment, a day, or now)."""
    now = timezone.now()
    if isinstance(as_of, datetime.date) and not isinstance(as_of, datetime.datetime):
        end_of_day = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(23, 59, 59)))
        as_of = min(end_of_day, now)
    if as_of is not None and as_of >= now:
        as_of = None  # now: the cached run of today's records
    return forecast_point_risk(as_of=as_of, point_ids=point_ids)
