from django.urls import path

from wenming.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),  # /healthz
    path("m/<str:token>/", views.media, name="media"),  # short-lived signed links to evidence photos
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/import/", views.CalendarImportView.as_view(), name="calendar_import"),
    path("calendar/provisional/", views.CalendarProvisionalView.as_view(), name="calendar_provisional"),
    path("calendar/days/", views.CalendarDaySetView.as_view(), name="calendar_set"),
    path("calendar/days/<str:day>/reset/", views.CalendarDayResetView.as_view(), name="calendar_reset"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read-all/", views.InboxReadAllView.as_view(), name="inbox_read_all"),
    path("inbox/<int:pk>/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("inbox/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
]
