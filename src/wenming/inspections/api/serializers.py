"""Serializers of the inspections API. State fields are read-only: transitions are actions calling services."""

from rest_framework import serializers

from wenming.accounts.models import User
from wenming.core.api.serializers import PhotoSerializer
from wenming.geo.models import Area
from wenming.inspections.choices import ObservationResult, RoundKind
from wenming.inspections.models import Inspection, Observation, ObservationPhoto, Round, RoundInspector, Task
from wenming.standards.models import StandardSet


class RoundInspectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoundInspector
        fields = ["user", "team"]


class RoundSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    tasks_total = serializers.IntegerField(read_only=True)
    tasks_done = serializers.IntegerField(read_only=True)
    inspectors = RoundInspectorSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "period_start",
            "period_end",
            "test_date",
            "standard_set",
            "area",
            "state",
            "state_display",
            "seed",
            "sampling_plan",
            "copied_from",
            "published_at",
            "closed_at",
            "note",
            "inspectors",
            "tasks_total",
            "tasks_done",
            "created_at",
        ]
        read_only_fields = fields


class RoundWriteSerializer(serializers.Serializer):
    """Plan a round (or change a draft); the services validate the plan and the rest."""

    kind = serializers.ChoiceField(choices=RoundKind.choices)
    name = serializers.CharField(max_length=120)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    test_date = serializers.DateField(required=False, allow_null=True)
    standard_set = serializers.PrimaryKeyRelatedField(queryset=StandardSet.objects.all())
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    sampling_plan = serializers.JSONField(
        help_text="{mode: random|stratified|explicit, per_type: {类型编码: 数量}, point_codes: [...]}"
    )
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    inspectors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    team_size = serializers.IntegerField(required=False, default=2, min_value=1, max_value=6)


class CopyRoundSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    keep_seed = serializers.BooleanField(required=False, default=False)


class TypeDrawSerializer(serializers.Serializer):
    point_type = serializers.CharField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField()
    drawn = serializers.ListField(child=serializers.IntegerField(), help_text="抽中点位 id")
    allocation = serializers.DictField(
        child=serializers.IntegerField(), help_text="街道 id → 抽取数（分层时）"
    )


class PreviewSerializer(serializers.Serializer):
    seed = serializers.IntegerField()
    total = serializers.IntegerField()
    by_type = TypeDrawSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class TaskSerializer(serializers.ModelSerializer):
    point_code = serializers.CharField(source="point.code", read_only=True)
    point_name = serializers.CharField(source="point.name", read_only=True)
    point_type = serializers.CharField(source="point.point_type.code", read_only=True)
    lat = serializers.FloatField(source="point.lat", read_only=True)
    lon = serializers.FloatField(source="point.lon", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "round",
            "point",
            "point_code",
            "point_name",
            "point_type",
            "lat",
            "lon",
            "team",
            "inspectors",
            "state",
            "done_at",
        ]
        read_only_fields = fields


class ObservationPhotoSerializer(PhotoSerializer):
    class Meta:
        model = ObservationPhoto
        fields = ["id", "stage", "url", "thumbnail_url", "width", "height", "sha256", "taken_at"]
        read_only_fields = fields


class ObservationSerializer(serializers.ModelSerializer):
    criterion_code = serializers.CharField(source="criterion.code", read_only=True)
    photos = ObservationPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "inspection",
            "criterion",
            "criterion_code",
            "result",
            "problems",
            "count",
            "sub_results",
            "note",
            "fixed_on_spot",
            "case",
            "photos",
        ]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    observations = ObservationSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "client_id",
            "round",
            "task",
            "point",
            "inspector",
            "co_inspectors",
            "started_at",
            "submitted_at",
            "lat",
            "lon",
            "accuracy_m",
            "distance_m",
            "far_away",
            "location_note",
            "note",
            "observations",
        ]
        read_only_fields = fields


class InspectionListSerializer(InspectionSerializer):
    observations_total = serializers.IntegerField(read_only=True)
    noncompliant_total = serializers.IntegerField(read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [f for f in InspectionSerializer.Meta.fields if f != "observations"] + [
            "observations_total",
            "noncompliant_total",
        ]
        read_only_fields = fields


class ObservationInputSerializer(serializers.Serializer):
    """Documentation of one observation in a submission (validated by the service)."""

    criterion = serializers.IntegerField()
    result = serializers.ChoiceField(choices=ObservationResult.choices)
    problems = serializers.IntegerField(required=False, allow_null=True, help_text="分档/扣分规则：问题数")
    count = serializers.IntegerField(required=False, allow_null=True, help_text="数量达标规则：实有数量")
    sub_results = serializers.ListField(
        child=serializers.BooleanField(),
        required=False,
        allow_null=True,
        help_text="抽样规则：各子单元是否合格",
    )
    note = serializers.CharField(required=False, allow_blank=True)
    fixed_on_spot = serializers.BooleanField(required=False)


class SubmissionSerializer(serializers.Serializer):
    """The JSON the phone posts (as the body, or as the multipart field `payload` with photo files named
    `photo_<criterion id>` / `after_<criterion id>`). Same `client_id` twice → the first inspection (200)."""

    client_id = serializers.UUIDField()
    task = serializers.IntegerField()
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    accuracy = serializers.FloatField(required=False, allow_null=True)
    coord_system = serializers.CharField(required=False, default="WGS84")
    location_note = serializers.CharField(
        required=False, allow_blank=True, help_text="距离过远或未定位时必填"
    )
    note = serializers.CharField(required=False, allow_blank=True)
    observations = ObservationInputSerializer(many=True)
