"""Only the accounts API, to check its part of the OpenAPI schema on its own (the whole schema is checked by
`make schema-check`)."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("wenming.accounts.api.urls"))]
