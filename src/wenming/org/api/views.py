from rest_framework import viewsets

from wenming.org import services
from wenming.org.api.base import ScopedViewSetMixin
from wenming.org.api.serializers import PersonSerializer, SpecialGroupSerializer, UnitSerializer
from wenming.org.filtersets import PersonFilterSet, SpecialGroupFilterSet, UnitFilterSet
from wenming.org.models import Person, SpecialGroup, Unit

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


class UnitViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Responsible units (责任单位); office writes through `org.services`."""

    model = Unit
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["code", "name", "level"]
    http_method_names = WRITE_METHODS

    def base_queryset(self):
        return Unit.objects.select_related("parent").order_by("level", "code")

    def perform_create(self, serializer):
        serializer.instance = self.call_service(services.create_unit, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call_service(
            services.update_unit, unit=serializer.instance, **serializer.validated_data
        )


class SpecialGroupViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Special rectification coordination groups (专项整治协调组)."""

    model = SpecialGroup
    serializer_class = SpecialGroupSerializer
    filterset_class = SpecialGroupFilterSet
    ordering_fields = ["order", "code", "name"]
    http_method_names = WRITE_METHODS

    def base_queryset(self):
        return (
            SpecialGroup.objects.select_related("lead_unit")
            .prefetch_related("member_units")
            .order_by("order", "code")
        )

    def perform_create(self, serializer):
        serializer.instance = self.call_service(services.create_group, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self.call_service(
            services.update_group,
            group=serializer.instance,
            member_units=data.pop("member_units", None),
            **data,
        )


class PersonViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """People answerable for places and duties (责任人、网格员 …)."""

    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["name", "unit"]
    http_method_names = WRITE_METHODS

    def base_queryset(self):
        return Person.objects.select_related("unit").order_by("unit_id", "name", "id")

    def perform_create(self, serializer):
        serializer.instance = self.call_service(services.create_person, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call_service(
            services.update_person, person=serializer.instance, **serializer.validated_data
        )
