"""Signals core sends to the higher apps (which connect to them in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent inside the calendar write's transaction when provisional (or unconfigured) years become confirmed,
# with `actor`, `before` (the WorkCalendar as it stood) and `years`. Receivers return a list of the changes
# they made (e.g. recomputed case deadlines) so the office sees them.
calendar_confirmed = Signal()
