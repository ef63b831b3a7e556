from django.conf import settings

from wenming.core.navigation import menu_for


def wenming(request):
    """Menu by role and the few settings templates need."""
    return {
        "nav_menu": menu_for(getattr(request, "user", None), request.path),
        "district_code": settings.DISTRICT_CODE,
        "map_settings": {
            "tile_url": settings.MAP_TILE_URL,
            "tile_key": settings.MAP_TILE_KEY,
            "tile_crs": settings.MAP_TILE_CRS,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    }
