from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from wenming.geo import services
from wenming.geo.api.serializers import (
    AreaDetailSerializer,
    AreaSerializer,
    DutyEndSerializer,
    DutySerializer,
    FeatureCollectionSerializer,
    PointSerializer,
    PointWriteSerializer,
)
from wenming.geo.filtersets import AreaFilterSet, DutyFilterSet, PointFilterSet
from wenming.geo.geojson import areas_feature_collection, points_feature_collection
from wenming.geo.models import Area, Duty, Point
from wenming.org.api.base import ScopedViewSetMixin


class GeoJSONRenderer(JSONRenderer):
    """`?format=geojson` on the area list: the same areas as a FeatureCollection."""

    media_type = "application/geo+json"
    format = "geojson"


GEOJSON_RESPONSE = OpenApiResponse(FeatureCollectionSerializer, description="GeoJSON FeatureCollection")


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The area tree (区/街道/社区/网格). `?format=geojson` or `/geojson/` for boundaries."""

    model = Area
    filterset_class = AreaFilterSet
    ordering_fields = ["code", "name", "level"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GeoJSONRenderer]

    def base_queryset(self):
        qs = Area.objects.select_related("unit").order_by("code")
        if self.action == "list" and not self._wants_geojson():
            qs = qs.defer("boundary")
        return qs

    def get_serializer_class(self):
        return AreaDetailSerializer if self.action == "retrieve" else AreaSerializer

    @extend_schema(
        responses={
            (200, "application/json"): AreaDetailSerializer,
            (200, "application/geo+json"): AreaDetailSerializer,  # ?format=geojson: the same object
        }
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _wants_geojson(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", "") == "geojson"

    @extend_schema(
        responses={
            (200, "application/json"): AreaSerializer(many=True),
            (200, "application/geo+json"): GEOJSON_RESPONSE,  # ?format=geojson: the same as /geojson/
        }
    )
    def list(self, request, *args, **kwargs):
        if self._wants_geojson():
            return self.geojson(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/geo+json"): GEOJSON_RESPONSE})
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request, *args, **kwargs):
        """Boundaries of the (filtered) areas in scope as a GeoJSON FeatureCollection (WGS-84)."""
        areas = self.filter_queryset(self.get_queryset()).exclude(boundary__isnull=True)
        return Response(areas_feature_collection(areas), content_type="application/geo+json")


POINT_LIST_VALUES = (
    "id", "code", "name", "point_type", "point_type__name", "address", "lat", "lon", "coord_system", "area",
    "area__name", "area_overridden", "responsible_unit", "responsible_unit__name", "guarantor_unit",
    "guarantor_unit__name", "responsible_person", "responsible_person__name", "status", "note", "updated_at",
)  # fmt: skip


def _point_shaper():
    """row of POINT_LIST_VALUES → the dict PointSerializer gives for the same point (same keys and order)."""
    from django.utils import timezone

    from wenming.geo.choices import PointStatus

    tz = timezone.get_current_timezone()  # as DRF's DateTimeField: ISO 8601 in the current zone, UTC as "Z"
    labels = {value: str(label) for value, label in PointStatus.choices}  # in the request's language

    def updated_at(value):
        if not value:
            return None
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def shape(r: dict) -> dict:
        return {
            "id": r["id"], "code": r["code"], "name": r["name"], "point_type": r["point_type"],
            "point_type_name": r["point_type__name"], "address": r["address"], "lat": r["lat"], "lon": r["lon"],
            "coord_system": r["coord_system"], "area": r["area"], "area_name": r["area__name"],
            "area_overridden": r["area_overridden"], "responsible_unit": r["responsible_unit"],
            "responsible_unit_name": r["responsible_unit__name"], "guarantor_unit": r["guarantor_unit"],
            "guarantor_unit_name": r["guarantor_unit__name"], "responsible_person": r["responsible_person"],
            "responsible_person_name": r["responsible_person__name"], "status": r["status"],
            "status_label": labels.get(r["status"], r["status"]), "note": r["note"],
            "updated_at": updated_at(r["updated_at"]),
        }  # fmt: skip

    return shape


class PointViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Inspection points in scope; office creates and edits through `geo.services` (no delete: retire)."""

    model = Point
    filterset_class = PointFilterSet
    ordering_fields = ["code", "name", "updated_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return (
            Point.objects.select_related("point_type", "area", "responsible_unit", "guarantor_unit",
                                         "responsible_person")
            .only(
                *[f.name for f in Point._meta.concrete_fields],
                "point_type__name", "area__name", "responsible_unit__name", "guarantor_unit__name",
                "responsible_person__name",
            )
            .order_by("code")
        )  # fmt: skip

    def get_serializer_class(self):
        return (
            PointWriteSerializer if self.action in ("create", "update", "partial_update") else PointSerializer
        )

    def list(self, request, *args, **kwargs):
        # The page is read with `.values()` and shaped like `PointSerializer` (no model instances, no
        # per-field serializer calls): the same JSON, a fraction of the cost (tests/geo/test_point_list.py).
        # A comment, not a docstring: the OpenAPI description of the operation stays the viewset's.
        queryset = self.filter_queryset(self.get_queryset()).values(*POINT_LIST_VALUES)
        page = self.paginate_queryset(queryset)
        shape = _point_shaper()
        if page is None:
            return Response([shape(row) for row in queryset])
        return self.get_paginated_response([shape(row) for row in page])

    @extend_schema(request=PointWriteSerializer, responses={201: PointSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PointWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        point = self.call_service(services.create_point, **serializer.validated_data)
        return Response(PointSerializer(point).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PointWriteSerializer, responses={200: PointSerializer})
    def update(self, request, *args, **kwargs):
        point = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = PointWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        # Partial updates carry only the fields sent; lat and lon go together (the service checks).
        point = self.call_service(services.update_point, point=point, **serializer.validated_data)
        return Response(PointSerializer(point).data)

    @extend_schema(request=PointWriteSerializer, responses={200: PointSerializer})
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/geo+json"): GEOJSON_RESPONSE})
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request, *args, **kwargs):
        """The (filtered) points in scope as GeoJSON, coloured by type, with a `point_types` legend."""
        points = self.filter_queryset(Point.objects.restrict(request.user, "view"))
        return Response(points_feature_collection(points), content_type="application/geo+json")


class DutyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Duties of the fine grid (定人定岗定责); office assigns and ends them."""

    model = Duty
    serializer_class = DutySerializer
    filterset_class = DutyFilterSet
    ordering_fields = ["post", "start_date"]

    def base_queryset(self):
        return Duty.objects.select_related("person", "area", "point", "category").order_by(
            "post", "start_date", "id"
        )

    def perform_create(self, serializer):
        serializer.instance = self.call_service(services.create_duty, **serializer.validated_data)

    @extend_schema(request=DutyEndSerializer, responses={200: DutySerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the duty (default today); the row stays as history."""
        duty = self.get_object()
        serializer = DutyEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duty = self.call_service(
            services.end_duty, duty=duty, end_date=serializer.validated_data.get("end_date")
        )
        return Response(DutySerializer(duty).data)
