from django.urls import path

from wenming.geo import views

app_name = "geo"
urlpatterns = [
    path("points/", views.PointListView.as_view(), name="point_list"),
    path("points/map/", views.PointMapView.as_view(), name="point_map"),
    path("points/new/", views.PointCreateView.as_view(), name="point_create"),
    path("points/import/", views.PointImportView.as_view(), name="point_import"),
    path("import/<str:kind>/", views.RosterImportView.as_view(), name="roster_import"),
    path(
        "points/import/template.xlsx", views.PointImportTemplateView.as_view(), name="point_import_template"
    ),
    path("points/export.xlsx", views.PointExportView.as_view(), name="point_export"),
    path("points/<int:pk>/", views.PointDetailView.as_view(), name="point_detail"),
    path("points/<int:pk>/edit/", views.PointEditView.as_view(), name="point_edit"),
    path("points/<int:pk>/qr.<str:fmt>", views.PointQRView.as_view(), name="point_qr"),
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaEditView.as_view(), name="area_edit"),
    path("duties/", views.DutyMatrixView.as_view(), name="duty_matrix"),
    path("duties/new/", views.DutyCreateView.as_view(), name="duty_create"),
    path("duties/<int:pk>/edit/", views.DutyEditView.as_view(), name="duty_edit"),
    path("duties/<int:pk>/end/", views.DutyEndView.as_view(), name="duty_end"),
]
