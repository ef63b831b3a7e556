"""Rate limits on public submissions and Open311 POSTs (限流), per IP and per phone, in the database.

A limit is "at most N hits per window" on a fixed window. The counter is a `RateCounter` row keyed by an
HMAC of the IP or phone (never the raw value) and the window's start; a hit is one conditional UPDATE
(`count = count + 1 WHERE count < N`), so several processes or servers agree without any in-process cache,
and a hit that would pass the limit changes nothing. The per-IP limits are charged BEFORE the expensive work
(photo decoding, classification, routing; see `services.submitting.charge_ip_limit`), in their own
transaction, so a refused submission still costs its hit; the per-phone limit is counted inside the
submission's transaction. Anonymous reads of report data have their own per-IP limit (`public_read_limit`).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.participation.privacy import keyed_hash

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: datetime.timedelta


class RateLimited(Exception):
    """Too many submissions; `retry_after` seconds until the window ends. The message is for the citizen."""

    def __init__(self, limit: Limit, retry_after: int):
        self.limit = limit
        self.retry_after = max(1, int(retry_after))
        minutes = max(1, round(self.retry_after / 60))
        super().__init__(_("提交过于频繁，请 %(minutes)d 分钟后再试。") % {"minutes": minutes})
        self.message = str(self)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def public_ip_limit() -> Limit:
    return Limit("public-ip", _setting("PARTICIPATION_LIMIT_PER_IP_HOUR", 20), datetime.timedelta(hours=1))


def phone_limit() -> Limit:
    return Limit("phone", _setting("PARTICIPATION_LIMIT_PER_PHONE_DAY", 10), datetime.timedelta(days=1))


def support_ip_limit() -> Limit:
    return Limit(
        "support-ip", _setting("PARTICIPATION_SUPPORT_LIMIT_PER_IP_HOUR", 30), datetime.timedelta(hours=1)
    )


def public_read_limit() -> Limit:
    """Anonymous reads of report data (public list, CSV, GeoJSON, Open311 GET) per IP and hour."""
    return Limit(
        "public-read-ip", _setting("PARTICIPATION_READ_LIMIT_PER_IP_HOUR", 600), datetime.timedelta(hours=1)
    )


def open311_ip_limit(per_hour: int) -> Limit:
    return Limit("open311-ip", per_hour, datetime.timedelta(hours=1))


def window_start(now: datetime.datetime, window: datetime.timedelta) -> datetime.datetime:
    return EPOCH + ((now - EPOCH) // window) * window


def consume(limit: Limit, subject: str, *, now: datetime.datetime | None = None) -> int:
    """Count one hit of `subject` (an IP or phone) against `limit`; returns the new count or raises RateLimited."""
    from wenming.participation.models import RateCounter

    if not subject or limit.count <= 0:
        return 0
    now = now or timezone.now()
    start = window_start(now, limit.window)
    key = f"{limit.name}:{keyed_hash(subject, limit.name)}"[:120]
    counters = RateCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not counters.filter(count__lt=limit.count).update(count=F("count") + 1):
            # No row below the limit: either the window is not open yet, or it is spent. Opening it tells
            # which; "it exists" alone does not, since another process may have opened it a moment ago
            # (checking existence here turned concurrent first hits into spurious 429s).
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except (
                IntegrityError
            ):  # the window is open (maybe just now, by another process): count against it
                if not counters.filter(count__lt=limit.count).update(count=F("count") + 1):
                    raise RateLimited(limit, (start + limit.window - now).total_seconds()) from None
    return counters.values_list("count", flat=True).first() or 0


def purge_old(
    *, now: datetime.datetime | None = None, keep: datetime.timedelta = datetime.timedelta(days=2)
) -> int:
    """Forget windows that ended long ago (the longest limit is one day)."""
    from wenming.participation.models import RateCounter

    deleted, _ = RateCounter.objects.filter(window_start__lt=(now or timezone.now()) - keep).delete()
    return deleted
