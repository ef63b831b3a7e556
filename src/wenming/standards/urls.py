from django.urls import path

from wenming.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.StandardListView.as_view(), name="standard_list"),
    path("import/", views.StandardImportView.as_view(), name="standard_import"),
    path("point-types/", views.PointTypeListView.as_view(), name="point_type_list"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("<int:pk>/", views.StandardDetailView.as_view(), name="standard_detail"),
    path("<int:pk>/criteria/", views.CriterionListView.as_view(), name="criterion_list"),
    path("<int:pk>/checklist/<str:point_type_code>/", views.ChecklistView.as_view(), name="checklist"),
    path("<int:pk>/export/", views.StandardExportView.as_view(), name="standard_export"),
    path("<int:pk>/activate/", views.StandardActivateView.as_view(), name="standard_activate"),
]
