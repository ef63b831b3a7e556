"""Background jobs of the inspections app: the daily 回头看 draw (inspections/services/rechecks.py)."""

import datetime

from wenming.core.schedule import periodic


@periodic(
    every=datetime.timedelta(days=1), offset=datetime.timedelta(hours=6), name="inspections.draw_rechecks"
)
def draw_rechecks() -> int:
    """Daily at 06:00: draw the closed cases that have just passed the re-check delay."""
    from wenming.inspections.services.rechecks import draw_rechecks as draw

    return len(draw())
