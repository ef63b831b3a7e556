from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "wenming.scoring"
    label = "scoring"
