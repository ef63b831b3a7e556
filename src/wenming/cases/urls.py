from django.urls import path

from wenming.cases import views, views_boards, views_exports, views_kpi

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("bulk-dispatch/", views.BulkDispatchView.as_view(), name="bulk_dispatch"),
    path("saved-filters/", views.SavedFilterCreateView.as_view(), name="saved_filter_create"),
    path("saved-filters/<int:pk>/delete/", views.SavedFilterDeleteView.as_view(), name="saved_filter_delete"),
    path("map/", views_boards.CaseMapView.as_view(), name="case_map"),
    path("map/data/", views_boards.CaseMapDataView.as_view(), name="case_map_data"),
    path("dispatch-queue/", views_boards.DispatchQueueView.as_view(), name="dispatch_queue"),
    path("overdue/", views_boards.OverdueBoardView.as_view(), name="overdue_board"),
    path("parked/", views_boards.ParkedListView.as_view(), name="parked_list"),
    path("kpis/", views_kpi.KpiView.as_view(), name="kpi"),
    path("kpis/formulas/new/", views_kpi.KpiFormulaEditView.as_view(), name="kpi_formula_create"),
    path("kpis/formulas/<int:pk>/", views_kpi.KpiFormulaEditView.as_view(), name="kpi_formula_edit"),
    path("export/", views_exports.CaseExportView.as_view(), name="case_export"),
    path("exports/<int:pk>/", views_exports.ExportJobView.as_view(), name="export_job"),
    path("exports/<int:pk>/download/", views_exports.ExportDownloadView.as_view(), name="export_download"),
    # A case by its code (canonical) or its id (older links, notifications): /cases/HL-2026-000123/
    path("<str:key>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<str:key>/actions/<slug:action>/", views.CaseActionView.as_view(), name="case_action"),
    path("<str:key>/routing/", views.RoutingSuggestionView.as_view(), name="routing_suggestion"),
]
