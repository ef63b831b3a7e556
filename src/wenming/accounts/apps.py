from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wenming.accounts"
    label = "accounts"
