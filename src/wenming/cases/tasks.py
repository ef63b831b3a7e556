"""Background jobs of the cases app: the deadline watcher (reminders and escalation, see cases/alerts.py)."""

import datetime

from wenming.cases.alerts import run_case_alerts
from wenming.core.schedule import periodic


@periodic(every=datetime.timedelta(minutes=5), name="cases.send_deadline_alerts")
def send_deadline_alerts() -> int:
    """Every 5 minutes: send the due reminders/escalations (idempotent: each alert has a unique key)."""
    return run_case_alerts()
