"""The workbench widget registry. A widget is a function (user) -> dict | None; None hides it.

The registry lives in the lowest app so that every app registers into it from below the dashboard
(`@register(order)` in `<app>/widgets.py`, imported by the app's `ready()`); the dashboard only reads it.
"""

from collections.abc import Callable

Widget = Callable[[object], dict | None]
_REGISTRY: list[tuple[int, Widget]] = []


def register(order: int):
    def decorator(func: Widget) -> Widget:
        _REGISTRY.append((order, func))
        _REGISTRY.sort(key=lambda item: item[0])
        return func

    return decorator


def for_user(user) -> list[dict]:
    out = []
    for _order, widget in _REGISTRY:
        data = widget(user)
        if data:
            out.append(data)
    return out
