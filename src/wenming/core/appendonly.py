"""Append-only tables (timelines, ledgers, the audit log): rows are inserted, never changed or removed.

One mechanism for every such table, at both levels Django offers:

- the model (`AppendOnlyModel`): `save()` of a row that already exists and `delete()` raise;
- the queryset (`AppendOnlyQuerySet`, also the manager's): `update()`, `delete()`, `bulk_update()` and the
  raw delete a cascade uses raise; `bulk_create()` (inserts) stays allowed.

A cascade from a parent (deleting a case deletes its timeline) is refused too: a `pre_delete` receiver
connected for every subclass raises, so the parent's delete fails as a whole inside its transaction and
nothing is removed. Fixing a wrong row means appending a correcting row (e.g. a reversal in a ledger).
"""

from django.db import models
from django.db.models.signals import class_prepared, pre_delete
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Someone tried to change or remove a row of an append-only table."""

    def __init__(self, model=None, verb: str = "修改"):
        name = str(model._meta.verbose_name) if model is not None else _("记录")
        super().__init__(_("%(name)s只能追加，不能%(verb)s。") % {"name": name, "verb": verb})


class AppendOnlyQuerySet(models.QuerySet):
    """Inserts and reads only: every bulk write that changes or removes rows raises `AppendOnlyError`."""

    def update(self, **kwargs):
        raise AppendOnlyError(self.model, _("修改"))

    def delete(self):
        raise AppendOnlyError(self.model, _("删除"))

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AppendOnlyError(self.model, _("删除"))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(self.model, _("修改"))

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnlyError(self.model, _("修改"))


class AppendOnlyModel(models.Model):
    """Abstract base of append-only tables. Subclasses' querysets must derive from `AppendOnlyQuerySet`."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(type(self), _("修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(type(self), _("删除"))


def _refuse_delete(sender, instance, **kwargs):
    """Deleting a parent would cascade into an append-only table: refuse (the whole delete rolls back)."""
    raise AppendOnlyError(sender, _("删除"))


def _connect(sender, **kwargs):
    if issubclass(sender, AppendOnlyModel) and not sender._meta.abstract:
        pre_delete.connect(_refuse_delete, sender=sender, dispatch_uid=f"appendonly:{sender._meta.label}")


class_prepared.connect(_connect, dispatch_uid="appendonly:class_prepared")


def append_only_models() -> list[type[models.Model]]:
    """Every concrete append-only model of the project (for tests and docs)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]
