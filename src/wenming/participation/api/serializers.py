"""Serializers of the participation API. Reporter contact fields are filled only for roles that may see them
(the office); for everyone else they are null."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.participation.models import Report
from wenming.participation.querysets import can_see_contact


class ReportSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True)
    suggested_category_name = serializers.CharField(
        source="suggested_category.name", read_only=True, allow_null=True
    )
    street_name = serializers.CharField(source="street.name", read_only=True, allow_null=True)
    case_code = serializers.CharField(source="case.code", read_only=True, allow_null=True)
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "state", "state_label", "channel", "channel_label", "submitted_at", "category", "category_name",
            "suggested_category", "suggested_category_name", "suggestion_confidence", "description",
            "public_description", "description_hidden", "lat", "lon", "coord_system", "position_source", "address",
            "area", "street", "street_name", "suggested_unit", "routing_reason", "duplicate_count", "supports",
            "case", "case_code", "reject_reason", "triaged_at", "reporter_name", "reporter_phone",
        ]  # fmt: skip
        read_only_fields = fields

    def _contact(self, obj, field):
        request = self.context.get("request")
        return getattr(obj, field) if request is not None and can_see_contact(request.user) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_name(self, obj) -> str | None:
        return self._contact(obj, "reporter_name")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter_phone(self, obj) -> str | None:
        return self._contact(obj, "reporter_phone")


class AcceptSerializer(serializers.Serializer):
    category = serializers.IntegerField(
        required=False, allow_null=True, help_text="问题类别（二级）；不填用群众所选或建议类别"
    )
    area = serializers.IntegerField(required=False, allow_null=True)
    dispatch = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="群众可见的理由")


class MergeSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="合并到的案件 id")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class SpamSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
