"""The public site, mounted at /public/ (no login)."""

from django.urls import path

from wenming.participation import views_public as v
from wenming.participation.views_suggest import CategorySuggestView

app_name = "participation_public"
urlpatterns = [
    path("", v.HomeView.as_view(), name="home"),
    path("report/", v.ReportView.as_view(), name="report"),
    path("report/similar/", v.SimilarView.as_view(), name="similar"),
    path("report/suggest/", CategorySuggestView.as_view(), name="suggest"),
    path("reports/", v.PublicListView.as_view(), name="list"),
    path("reports.csv", v.PublicExportView.as_view(), name="export"),
    path("reports.geojson", v.PublicGeoJsonView.as_view(), name="geojson"),
    path("reports/<int:pk>/", v.PublicDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/support/", v.SupportView.as_view(), name="support"),
    path("areas.geojson", v.PublicAreasView.as_view(), name="areas"),
    path("map/", v.PublicMapView.as_view(), name="map"),
    path("stats/", v.PublicStatsView.as_view(), name="stats"),
    path("track/", v.TrackLookupView.as_view(), name="track_lookup"),
    path("r/<str:code>/", v.TrackView.as_view(), name="track"),
    path("r/<str:code>/confirm/", v.TrackActionView.as_view(action="confirm"), name="confirm"),
    path("r/<str:code>/dispute/", v.TrackActionView.as_view(action="dispute"), name="dispute"),
    path("r/<str:code>/rate/", v.TrackActionView.as_view(action="rate"), name="rate"),
    path("points/", v.PointsView.as_view(), name="points"),
    path("photos/<int:pk>/", v.PublicPhotoView.as_view(), name="photo"),
    path("fix-photos/<int:pk>/", v.PublicFixPhotoView.as_view(), name="fix_photo"),
]
