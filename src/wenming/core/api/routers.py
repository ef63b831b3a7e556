"""The routers of every app's API: object ids in URLs are integers.

DRF's default lookup pattern `[^/.]+` let `/points/null,null/history/` reach a view, where a custom action's
`Model.objects.get(pk="null,null")` raised ValueError (a 500). Every primary key of ours is an integer, so the
routers only route ASCII digits (anything else is a 404 before any view runs; the schema shows the pattern).
A viewset may still declare its own `lookup_value_regex`.

No format-suffix routes (`/rounds/1/copy.json`): they are not in the schema, and every custom action or list
whose signature has no `format` argument answered them with a TypeError (a 500, found by `make fuzz`).
`?format=json` and the Accept header still choose the renderer."""

from rest_framework import routers

# At most 18 digits: every id of ours fits, and a longer one (past SQLite's and PostgreSQL's bigint) names
# nothing — a 404 before any lookup (a related-field lookup such as `user=<huge>` overflowed the driver: a 500).
ID_PATTERN = r"[0-9]{1,18}"


class _IntegerIds:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = ID_PATTERN


class SimpleRouter(_IntegerIds, routers.SimpleRouter):
    pass


class DefaultRouter(_IntegerIds, routers.DefaultRouter):
    include_format_suffixes = False
