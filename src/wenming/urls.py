"""Root URL map: pages per app, /api/v1/ per app, Open311, health, schema and docs."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

PAGE_APPS = [
    "accounts",
    "org",
    "geo",
    "standards",
    "cases",
    "inspections",
    "participation",
    "surveys",
    "scoring",
    "forecast",
    "planning",
    "bulletins",
]
API_APPS = [
    "accounts",
    "org",
    "geo",
    "standards",
    "cases",
    "inspections",
    "participation",
    "surveys",
    "scoring",
    "bulletins",
    "dashboard",
]

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("open311/", include("wenming.participation.open311_urls")),
    path("public/", include("wenming.participation.public_urls")),  # the citizens' site, no login
    *[
        path(f"api/v1/{app}/" if app != "accounts" else "api/v1/", include(f"wenming.{app}.api.urls"))
        for app in API_APPS
    ],
    *[path(f"{app}/", include(f"wenming.{app}.urls")) for app in PAGE_APPS],
    path("", include("wenming.core.urls")),
    path("", include("wenming.dashboard.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
