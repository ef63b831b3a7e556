from django.urls import path

from wenming.scoring import views

app_name = "scoring"
urlpatterns = [
    path("rankings/", views.RankingsView.as_view(), name="rankings"),
    path("pareto/", views.ParetoView.as_view(), name="pareto"),
    path("pareto/records/", views.ParetoDetailView.as_view(), name="pareto_detail"),
    path("areas/", views.AreaScoresView.as_view(), name="area_scores"),
    path("units/", views.UnitScoresView.as_view(), name="unit_scores"),
    path("points/", views.PointScoresView.as_view(), name="point_scores"),
    path("points/<int:pk>/history/", views.PointHistoryView.as_view(), name="point_history"),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshot_list"),
    path("snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot_detail"),
    path("themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("themes/new/", views.ThemeCreateView.as_view(), name="theme_create"),
    path("themes/<int:pk>/edit/", views.ThemeEditView.as_view(), name="theme_edit"),
    path("themes/<int:pk>/delete/", views.ThemeDeleteView.as_view(), name="theme_delete"),
]
