from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wenming.accounts"
    label = "accounts"

    def ready(self) -> None:
        from wenming.accounts import checks  # noqa: F401 - registers the system checks
