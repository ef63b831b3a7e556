from django.urls import path

from wenming.bulletins import views, views_appraisal

app_name = "bulletins"
urlpatterns = [
    path("", views.BulletinListView.as_view(), name="bulletin_list"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("new/", views.BulletinCreateView.as_view(), name="bulletin_create"),
    path("<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("<int:pk>/edit/", views.BulletinEditView.as_view(), name="bulletin_edit"),
    path("<int:pk>/job/", views.BulletinJobView.as_view(), name="bulletin_job"),
    path("<int:pk>/actions/<slug:action>/", views.BulletinActionView.as_view(), name="bulletin_action"),
    path("<int:pk>/generate/<slug:kind>/", views.BulletinGenerateView.as_view(), name="bulletin_generate"),
    path("<int:pk>/download/<slug:fmt>/", views.BulletinDownloadView.as_view(), name="bulletin_download"),
    # appraisal (考核)
    path("appraisal/", views_appraisal.AppraisalListView.as_view(), name="appraisal_list"),
    path("appraisal/run/", views_appraisal.AppraisalRunCreateView.as_view(), name="appraisal_run"),
    path("appraisal/<int:pk>/", views_appraisal.AppraisalRunDetailView.as_view(), name="appraisal_detail"),
    path(
        "appraisal/<int:pk>/publish/",
        views_appraisal.AppraisalPublishView.as_view(),
        name="appraisal_publish",
    ),
    path(
        "appraisal/<int:pk>/export/", views_appraisal.AppraisalExportView.as_view(), name="appraisal_export"
    ),
    path("appraisal/results/<int:pk>/", views_appraisal.ResultDetailView.as_view(), name="result_detail"),
    path(
        "appraisal/results/<int:pk>/figures/<slug:code>/",
        views_appraisal.FigureRecordsView.as_view(),
        name="result_figure",
    ),
    path(
        "appraisal/results/<int:pk>/appeal/", views_appraisal.AppealCreateView.as_view(), name="appeal_create"
    ),
    path(
        "appraisal/appeals/<int:pk>/answer/", views_appraisal.AppealAnswerView.as_view(), name="appeal_answer"
    ),
    path("appraisal/schemes/new/", views_appraisal.SchemeEditView.as_view(), name="scheme_create"),
    path("appraisal/schemes/<int:pk>/", views_appraisal.SchemeDetailView.as_view(), name="scheme_detail"),
    path("appraisal/schemes/<int:pk>/edit/", views_appraisal.SchemeEditView.as_view(), name="scheme_edit"),
]
