from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "wenming.geo"
    label = "geo"

    def ready(self) -> None:
        from wenming.geo.models import Area
        from wenming.geo.services import AREA_INDEX

        AREA_INDEX.watch(Area)  # the in-memory area index follows every area save and delete
