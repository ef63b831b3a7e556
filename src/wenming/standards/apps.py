from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "wenming.standards"
    label = "standards"
