"""Signals the inspections app sends to the apps above it (which may not be imported from here).

`round_closed(sender=Round, actor, round)` is sent inside the transaction that closes a round: the scoring
app freezes the round's scores on it. A receiver that raises `ValidationError` makes the close fail and roll
back with its message.
"""

from django.dispatch import Signal

round_closed = Signal()
