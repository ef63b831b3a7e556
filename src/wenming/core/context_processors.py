from django.conf import settings
from django.utils.functional import SimpleLazyObject

from wenming.core.navigation import menu_for
from wenming.core.roles import Roles


def _unread_count(request):
    """The signed-in user's unread messages: one COUNT query, run only if a template shows it."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return 0

    def count() -> int:
        from wenming.core.models import Notification

        return Notification.objects.for_user(user).unread().count()

    return SimpleLazyObject(count)


def wenming(request):
    """Menu by role, the role predicates (`{% if roles.is_office %}`, evaluated lazily), the unread-message
    count and the few settings templates need."""
    return {
        "nav_menu": menu_for(getattr(request, "user", None), request.path),
        "roles": Roles(getattr(request, "user", None)),
        "unread_count": _unread_count(request),
        "district_code": settings.DISTRICT_CODE,
        "map_settings": {
            "tile_url": settings.MAP_TILE_URL,
            "tile_key": settings.MAP_TILE_KEY,
            "tile_crs": settings.MAP_TILE_CRS,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    }
