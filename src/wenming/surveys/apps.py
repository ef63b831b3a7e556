from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "wenming.surveys"
    label = "surveys"
