from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "wenming.dashboard"
    label = "dashboard"
