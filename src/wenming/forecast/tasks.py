"""Background job of the forecast: recompute the cached forecast when it is stale (debounced)."""

import datetime

from wenming.core.schedule import periodic


@periodic(every=datetime.timedelta(minutes=30), name="forecast.refresh_forecast")
def refresh_forecast() -> int | None:
    """Every 30 minutes: recompute when records changed since the last run, or once a day; returns the run id."""
    from wenming.forecast import services

    run = services.refresh()
    return run.pk if run else None
