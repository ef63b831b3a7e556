from django.urls import path

from wenming.inspections import views

app_name = "inspections"
urlpatterns = [
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("rounds/<int:pk>/preview/", views.RoundPreviewView.as_view(), name="round_preview"),
    path("rounds/<int:pk>/publish/", views.RoundPublishView.as_view(), name="round_publish"),
    path("rounds/<int:pk>/copy/", views.RoundCopyView.as_view(), name="round_copy"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/inspect/", views.TaskInspectView.as_view(), name="task_inspect"),
    path("scan/<str:code>/", views.ScanView.as_view(), name="scan"),
    path("records/", views.InspectionListView.as_view(), name="inspection_list"),
    path("records/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("rechecks/", views.RecheckListView.as_view(), name="recheck_list"),
    path("rechecks/<int:pk>/record/", views.RecheckRecordView.as_view(), name="recheck_record"),
    path("sw.js", views.ServiceWorkerView.as_view(), name="service_worker"),
]
