"""Writes of the case screens' own models: saved list filters (常用筛选). Export jobs: `cases.exports`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from wenming.cases.models_web import SavedFilter

MAX_SAVED_FILTERS = 30
# Parameters that are not part of a filter (paging, htmx bookkeeping).
NOT_FILTERS = frozenset({"page", "_", "csrfmiddlewaretoken"})


def clean_query(query: str) -> str:
    """The filter part of a querystring: paging and empty values dropped, order kept."""
    data = QueryDict(query or "", mutable=True)
    out = QueryDict(mutable=True)
    for key in data:
        if key in NOT_FILTERS:
            continue
        values = [v for v in data.getlist(key) if v.strip()]
        if values:
            out.setlist(key, values)
    return out.urlencode()


@transaction.atomic
def save_case_filter(*, actor, name: str, query: str) -> SavedFilter:
    """Keep `query` under `name` for `actor` (same name again = replace its query)."""
    if actor is None or not actor.is_authenticated:
        raise ValidationError(_("请先登录。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写名称。")})
    if len(name) > 60:
        raise ValidationError({"name": _("名称最多 60 个字。")})
    query = clean_query(query)
    if len(query) > 1000:
        raise ValidationError({"query": _("筛选条件过长。")})
    existing = SavedFilter.objects.select_for_update().filter(owner=actor, name=name).first()
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing
    if SavedFilter.objects.filter(owner=actor).count() >= MAX_SAVED_FILTERS:
        raise ValidationError(
            {"name": _("最多保存 %(n)d 个常用筛选，请先删除不用的。") % {"n": MAX_SAVED_FILTERS}}
        )
    return SavedFilter.objects.create(owner=actor, name=name, query=query)


@transaction.atomic
def delete_case_filter(*, actor, saved_filter: SavedFilter) -> None:
    if saved_filter.owner_id != getattr(actor, "pk", None):
        raise ValidationError(_("只能删除自己的常用筛选。"))
    saved_filter.delete()
