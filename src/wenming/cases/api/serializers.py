"""Serializers of the cases API. State and every workflow field are read-only: they change only through the
transition endpoints, which call `cases.services.transition`."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.cases import kpis
from wenming.cases.choices import CaseSource, ReopenReason, RoutingStep, Satisfaction, Severity, VerifyResult
from wenming.cases.models import Case, CaseEvent, CasePhoto, KpiFormula, RoutingRule
from wenming.cases.workflow import available_actions
from wenming.core.api.serializers import IdField, PhotoSerializer
from wenming.core.choices import CoordSystem
from wenming.core.roles import is_office


def can_see_reporter(user) -> bool:
    """Reporter name/phone are private: the office (and admin) call reporters back; nobody else needs them."""
    return is_office(user)


class CaseListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    top_category_name = serializers.CharField(source="top_category.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    person_name = serializers.CharField(source="person.name", read_only=True, allow_null=True)
    street_name = serializers.CharField(source="street.name", read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "public_id", "code", "source", "source_label", "state", "state_label", "severity",
            "category", "category_name", "top_category", "top_category_name", "unit", "unit_name", "person",
            "person_name", "special_group", "area", "street", "street_name", "point", "lat", "lon", "address",
            "reported_at", "dispatch_deadline", "fix_deadline", "deadline_provisional", "closed_at", "is_overdue",
            "escalation_level",
            "reworks", "extensions", "transfers", "rebounds", "is_recurrence", "fixed_on_spot", "url",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(self.context.get("now") or timezone.now())


class CaseDetailSerializer(CaseListSerializer):
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    merged_into_code = serializers.CharField(source="merged_into.code", read_only=True, allow_null=True)
    # plain strings (same values as `state`): one enum name in the schema
    parked_from = serializers.CharField(read_only=True)
    returned_from = serializers.CharField(read_only=True)
    recurrence_of_code = serializers.CharField(source="recurrence_of.code", read_only=True, allow_null=True)
    # blank until set: "" is a value of these (a read-only model field loses `allow_blank`, so they are declared)
    routing_step = serializers.ChoiceField(choices=RoutingStep.choices, allow_blank=True, read_only=True)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "description", "criterion", "coord_system", "source_ref", "routing_step", "routing_reason",
            "reported_by", "reporter_name", "reporter_phone", "registered_at", "dispatched_at",
            "acknowledged_at", "fix_started_at", "fix_reported_at", "fix_reported_by", "verified_at",
            "verified_by", "rejected_at", "parked_at", "reopened_at", "transfer_deadline", "coordination_deadline",
            "handling_seconds",
            "park_plan", "park_until", "parked_from", "returned_from", "extension_requested_until",
            "extension_reason", "reminders", "transfers_rejected", "recurrence_of", "recurrence_of_code",
            "merged_into", "merged_into_code", "satisfaction", "satisfaction_at", "available_actions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_name(self, obj) -> str | None:
        return obj.reporter_name if can_see_reporter(self.context["request"].user) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_phone(self, obj) -> str | None:
        return obj.reporter_phone if can_see_reporter(self.context["request"].user) else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, obj) -> list[str]:
        return [t.action for t in available_actions(obj, self.context["request"].user)]


class PhotoUploadField(serializers.ListField):
    child = serializers.FileField(allow_empty_file=False, use_url=False)


class CaseCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=CaseSource.choices)
    category = IdField(help_text="二级问题类别编号")
    description = serializers.CharField()
    point = IdField(required=False, allow_null=True)
    area = IdField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    coord_system = serializers.ChoiceField(choices=CoordSystem.choices, default=CoordSystem.WGS84)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.NORMAL)
    criterion = IdField(required=False, allow_null=True)
    reporter_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    source_ref = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)
    fixed_on_spot = serializers.BooleanField(required=False, default=False)
    photos = PhotoUploadField(required=False, default=list, help_text="整改前照片（可多张）")
    after_photos = PhotoUploadField(required=False, default=list, help_text="当场整改时的整改后照片")


class CaseNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CasePhotoNoteSerializer(CaseNoteSerializer):
    photos = PhotoUploadField(required=False, default=list)


class CaseDispatchSerializer(CaseNoteSerializer):
    unit = IdField(required=False, allow_null=True, help_text="不填则按派遣规则自动确定")
    person = IdField(required=False, allow_null=True)


class CaseBulkDispatchSerializer(CaseDispatchSerializer):
    cases = serializers.ListField(child=IdField(), min_length=1, max_length=500)


class CaseBulkDispatchResultSerializer(serializers.Serializer):
    dispatched = serializers.ListField(child=serializers.IntegerField())
    failed = serializers.ListField(child=serializers.DictField())


class CaseVerifySerializer(CasePhotoNoteSerializer):
    result = serializers.ChoiceField(choices=VerifyResult.choices)


class CaseExtensionSerializer(CaseNoteSerializer):
    deadline = serializers.DateTimeField(help_text="申请延至")


class CaseExtensionDecisionSerializer(CaseNoteSerializer):
    deadline = serializers.DateTimeField(
        required=False, allow_null=True, help_text="批准的日期（默认为申请日期）"
    )


class CaseParkSerializer(CaseNoteSerializer):
    park_until = serializers.DateField()


class CaseReopenSerializer(CasePhotoNoteSerializer):
    reason = serializers.ChoiceField(choices=ReopenReason.choices)


class CaseMergeSerializer(CaseNoteSerializer):
    survivor = IdField(help_text="保留案件编号（id）")


class CaseAssignPersonSerializer(CaseNoteSerializer):
    person = IdField()


class CaseSatisfactionSerializer(CaseNoteSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)


class CaseEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor_name = serializers.SerializerMethodField()  # null for events without a person (the system)
    photos = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "kind_label", "action", "from_state", "to_state", "actor", "actor_name", "at",
                  "note", "data", "photos"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class CasePhotoSerializer(PhotoSerializer):
    """Signed short-lived links (`url`, `thumbnail_url`) like every other photo: never the storage's own URL, which
    with object storage would be a presigned bucket URL outside the signed-link rules (core.media)."""

    class Meta:
        model = CasePhoto
        fields = ["id", "stage", "event", "url", "thumbnail_url", "width", "height", "taken_at", "gps_lat", "gps_lon",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class CaseDuplicateSerializer(serializers.Serializer):
    case = CaseListSerializer()
    distance_m = serializers.FloatField(allow_null=True)


class RoutingRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoutingRule
        fields = ["id", "name", "priority", "is_active", "category", "top_category", "point_type", "area",
                  "special_group", "unit", "person", "note", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


class KpiFormulaSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiFormula
        fields = ["id", "name", "expression", "description", "is_active", "order"]
        read_only_fields = ["id"]


class CaseKpiRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rates = serializers.DictField(child=serializers.FloatField(allow_null=True))
    avg_handling_hours = serializers.FloatField(allow_null=True)
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))
    drill = serializers.DictField(
        child=serializers.CharField(), help_text="每个计数的下钻查询串（用于案件列表）"
    )


class CaseKpiDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    numerator = serializers.CharField(required=False)
    denominator = serializers.CharField(required=False)


class CaseKpiReportSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    counts = CaseKpiDefinitionSerializer(many=True)
    rates = CaseKpiDefinitionSerializer(many=True)
    formulas = KpiFormulaSerializer(many=True)
    rows = CaseKpiRowSerializer(many=True)


def kpi_definitions() -> dict:
    return {
        "counts": [
            {"code": c.code, "label": str(c.label), "definition": str(c.definition)} for c in kpis.COUNTS
        ],
        "rates": [
            {
                "code": r.code,
                "label": str(r.label),
                "definition": str(r.definition),
                "numerator": r.numerator,
                "denominator": r.denominator,
            }
            for r in kpis.RATES
        ]
        + [
            {
                "code": kpis.AVG_HANDLING[0],
                "label": str(kpis.AVG_HANDLING[1]),
                "definition": str(kpis.AVG_HANDLING[2]),
            }
        ],
    }
