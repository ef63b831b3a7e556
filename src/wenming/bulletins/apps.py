from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "wenming.bulletins"
    label = "bulletins"
