"""Per-process caches of configuration tables, invalidated on change (配置缓存).

    ROUTING = VersionedCache("routing", build=lambda: ...)     # a value built from some tables
    ROUTING.watch(RoutingRule, Duty, Area, ...)               # from an AppConfig.ready()
    ROUTING.get()                                             # the value, rebuilt when a table changed

Rules:

* Every save or delete of a watched model (signals `post_save`, `post_delete`) changes the random token of
  the cache's `ConfigVersion` row **in the same transaction**; writes that bypass the signals (bulk_create,
  QuerySet.update) call `changed(name)` themselves.
* `get()` costs one query: it reads the token, then returns the cached value if it was built under that
  token, else rebuilds it (token read before the data, so a concurrent change can only cause one extra
  rebuild, never a stale answer). A change made inside the current transaction is therefore seen at once
  by this process, a rolled-back change is forgotten (the token is back), and other processes see a
  committed change on their next `get()`.
* Without a token row (a database that was flushed) nothing is cached: every `get()` rebuilds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save

_registry: dict[str, VersionedCache] = {}


def _token(name: str) -> str | None:
    from django.db import connection

    from wenming.core.models import ConfigVersion

    with connection.cursor() as cursor:  # the hot path: one plain query, no ORM compilation
        cursor.execute(f"SELECT token FROM {ConfigVersion._meta.db_table} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def changed(*names: str) -> None:
    """Mark the named caches as stale for every process (in the current transaction)."""
    from wenming.core.models import ConfigVersion, new_public_id

    for name in names:
        if ConfigVersion.objects.filter(name=name).update(token=new_public_id()):
            continue
        try:
            with transaction.atomic():
                ConfigVersion.objects.create(name=name, token=new_public_id())
        except IntegrityError:  # created meanwhile by another transaction
            ConfigVersion.objects.filter(name=name).update(token=new_public_id())


class VersionedCache:
    def __init__(self, name: str, build: Callable[[], Any]):
        self.name = name
        self.build = build
        self._lock = threading.Lock()
        self._token: str | None = None
        self._value: Any = None
        self.builds = 0  # how many times the value was built (tests read it)
        _registry[name] = self

    def watch(self, *models) -> None:
        for model in models:
            uid = f"wenming.versions:{self.name}:{model._meta.label}"
            post_save.connect(self._on_change, sender=model, weak=False, dispatch_uid=uid + ":save")
            post_delete.connect(self._on_change, sender=model, weak=False, dispatch_uid=uid + ":delete")

    def _on_change(self, sender, raw=False, **kwargs) -> None:
        if not raw:  # loaddata: the fixture's rows, no token writes
            changed(self.name)

    def get(self) -> Any:
        token = _token(self.name)
        with self._lock:
            if token is not None and token == self._token:
                return self._value
        value = self.build()
        self.builds += 1
        with self._lock:
            self._token, self._value = token, value
        return value

    def clear(self) -> None:
        with self._lock:
            self._token, self._value = None, None
