from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Huli demo: the top of the app order (it loads data into every app) and the `load_demo` command."""

    name = "wenming.demo"
    label = "demo"
