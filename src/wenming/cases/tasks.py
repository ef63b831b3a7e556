"""Background jobs of the cases app: the deadline watcher (reminders and escalation, see cases/alerts.py) and
the working-day calendar's expiry warning to the office."""

import datetime

from wenming.cases.alerts import run_case_alerts
from wenming.core.schedule import periodic


@periodic(every=datetime.timedelta(minutes=5), name="cases.send_deadline_alerts")
def send_deadline_alerts() -> int:
    """Every 5 minutes: send the due reminders/escalations (idempotent: each alert has a unique key)."""
    return run_case_alerts()


@periodic(
    every=datetime.timedelta(days=1), offset=datetime.timedelta(hours=8), name="cases.warn_calendar_expiry"
)
def warn_calendar_expiry() -> int:
    """Daily at 08:00: from 60 days before the confirmed calendar ends, tell the office (once per end date)."""
    from wenming.cases.services.calendar import warn_calendar_expiry as warn

    return warn()
