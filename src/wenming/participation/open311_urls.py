"""Open311 GeoReport v2 endpoints (mounted at /open311/): every resource in .xml and .json (XML without a
suffix); `service/{code}` answers like `services/{code}`."""

from django.urls import path, re_path

from wenming.participation.open311 import views

app_name = "open311"
FMT = r"(?:\.(?P<fmt>xml|json))?"

urlpatterns = [
    path("v2/", views.discovery, name="root"),
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery_root"),
    re_path(rf"^v2/discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^v2/services{FMT}$", views.service_list, name="services"),
    re_path(rf"^v2/services?/(?P<code>[^/]+?){FMT}$", views.service_definition, name="service_definition"),
    re_path(rf"^v2/requests{FMT}$", views.requests_view, name="requests"),
    re_path(rf"^v2/requests/(?P<request_id>[^/]+?){FMT}$", views.request_detail, name="request_detail"),
    re_path(rf"^v2/tokens/(?P<token>[^/]+?){FMT}$", views.token_detail, name="token_detail"),
]
