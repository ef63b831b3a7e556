"""Idempotent writes through the apps' services: a second run with the same seed must change nothing (no
save, so no new history row and no new `updated_at`). The services create and update; this module
decides which of the two is needed, and whether anything is needed at all."""

from collections.abc import Callable

from django.db import models


def changed_fields(obj: models.Model, values: dict) -> dict:
    """The subset of `values` that differs from what `obj` holds."""
    changed = {}
    for name, value in values.items():
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname)
        wanted = value.pk if isinstance(value, models.Model) else value
        if current != wanted:
            changed[name] = value
    return changed


def sync(existing: models.Model | None, values: dict, *, create: Callable, update: Callable) -> models.Model:
    """`create(**values)` when there is no row yet, `update(**changed)` when some value differs, else nothing."""
    if existing is None:
        return create(**values)
    changed = changed_fields(existing, values)
    return update(**changed) if changed else existing
