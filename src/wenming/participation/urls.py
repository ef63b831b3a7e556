"""Office pages of citizen participation, mounted at /participation/."""

from django.urls import path

from wenming.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.TriageQueueView.as_view(), name="triage"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/export/", views.ReportExportView.as_view(), name="report_export"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/accept/", views.ReportActionView.as_view(action="accept"), name="report_accept"),
    path("reports/<int:pk>/reject/", views.ReportActionView.as_view(action="reject"), name="report_reject"),
    path("reports/<int:pk>/merge/", views.ReportActionView.as_view(action="merge"), name="report_merge"),
    path("reports/<int:pk>/spam/", views.ReportActionView.as_view(action="spam"), name="report_spam"),
    path(
        "reports/<int:pk>/moderate/",
        views.ReportActionView.as_view(action="moderate"),
        name="report_moderate",
    ),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    path("photos/<int:pk>/redact/", views.PhotoRedactView.as_view(), name="photo_redact"),
    path("classifier/", views.ClassifierView.as_view(), name="classifier"),
    path("open311-clients/", views.ClientListView.as_view(), name="client_list"),
    path("open311-clients/<int:pk>/revoke/", views.ClientRevokeView.as_view(), name="client_revoke"),
]
