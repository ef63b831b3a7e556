"""Open311 GeoReport v2 endpoints (mounted at /open311/)."""

urlpatterns: list = []
