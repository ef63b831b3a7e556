from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from wenming.core.choices import CoordSystem
from wenming.geo.models import Area, Duty, Point
from wenming.org.models import Person, Unit
from wenming.standards.models import PointType, ProblemCategory


class AreaSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    has_boundary = serializers.SerializerMethodField()

    class Meta:
        model = Area
        fields = [
            "id", "code", "name", "level", "level_label", "parent", "path", "population", "households",
            "unit", "unit_name", "centroid_lat", "centroid_lon", "boundary_is_synthetic", "has_boundary",
            "description",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_boundary(self, obj) -> bool:
        return obj.boundary is not None


class AreaDetailSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "boundary"]
        read_only_fields = fields


class PointSerializer(serializers.ModelSerializer):
    """A point as read: WGS-84 position plus the names of what it refers to."""

    point_type_name = serializers.CharField(source="point_type.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)
    responsible_unit_name = serializers.CharField(
        source="responsible_unit.name", read_only=True, allow_null=True
    )
    guarantor_unit_name = serializers.CharField(source="guarantor_unit.name", read_only=True, allow_null=True)
    responsible_person_name = serializers.CharField(
        source="responsible_person.name", read_only=True, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Point
        fields = [
            "id", "code", "name", "point_type", "point_type_name", "address", "lat", "lon", "coord_system",
            "area", "area_name", "area_overridden", "responsible_unit", "responsible_unit_name",
            "guarantor_unit", "guarantor_unit_name", "responsible_person", "responsible_person_name",
            "status", "status_label", "note", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PointWriteSerializer(serializers.Serializer):
    """A point as written: the position is in `coord_system` and converted to WGS-84 by the service."""

    code = serializers.CharField(max_length=40, label=_("点位编码"))
    name = serializers.CharField(max_length=120, label=_("点位名称"))
    point_type = serializers.PrimaryKeyRelatedField(queryset=PointType.objects.all(), label=_("点位类型"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("地址"))
    lat = serializers.FloatField(label=_("纬度"))
    lon = serializers.FloatField(label=_("经度"))
    coord_system = serializers.ChoiceField(
        choices=CoordSystem.choices, default=CoordSystem.WGS84, label=_("坐标系（所填经纬度的坐标系）")
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True,
        label=_("所在区域（留空则按位置自动判定）"),
    )  # fmt: skip
    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, label=_("责任单位")
    )
    guarantor_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, label=_("包保单位")
    )
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, label=_("点位责任人")
    )
    status = serializers.ChoiceField(choices=Point._meta.get_field("status").choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class DutySerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    post_label = serializers.CharField(source="get_post_display", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)
    point_name = serializers.CharField(source="point.name", read_only=True, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    point = serializers.PrimaryKeyRelatedField(queryset=Point.objects.all(), required=False, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(
        queryset=ProblemCategory.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Duty
        fields = [
            "id", "person", "person_name", "post", "post_label", "area", "area_name", "point", "point_name",
            "category", "category_name", "responsibilities", "start_date", "end_date",
        ]  # fmt: skip
        extra_kwargs = {"start_date": {"required": False}}


class DutyEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, allow_null=True, label=_("结束日期（默认今天）"))


# One object even where the view is a viewset's `list` (`?format=geojson` on the area list): without
# `many=False` the schema wrapped it in a page.
@extend_schema_serializer(many=False)
class FeatureCollectionSerializer(serializers.Serializer):
    """A GeoJSON FeatureCollection (WGS-84), as `/geojson/` and `?format=geojson` answer it (documentation)."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = serializers.ListField(child=serializers.DictField())
