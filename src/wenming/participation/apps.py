from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "wenming.participation"
    label = "participation"
