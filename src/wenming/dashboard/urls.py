from django.urls import path

from wenming.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("leader/", views.LeaderView.as_view(), name="leader"),
    path("leader/big-screen/", views.BigScreenView.as_view(), name="big_screen"),
    path("leader/points.geojson", views.LeaderPointsView.as_view(), name="leader_points"),
    path("leader/heat.json", views.LeaderHeatView.as_view(), name="leader_heat"),
    path("leader/estimate/", views.EstimateView.as_view(), name="estimate"),
    path("leader/test-dates/", views.TestDateView.as_view(), name="test_dates"),
    path("leader/test-dates/<int:pk>/delete/", views.TestDateDeleteView.as_view(), name="test_date_delete"),
]
