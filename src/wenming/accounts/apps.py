from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wenming.accounts"
    label = "accounts"

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from wenming.accounts import checks  # noqa: F401 - registers the system checks
        from wenming.accounts.signals import record_config_change

        post_create_historical_record.connect(record_config_change, dispatch_uid="accounts:audit-config")
