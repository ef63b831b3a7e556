"""Serializers of the bulletins API (read-only: writes go through the pages and the services)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.bulletins.models import AppraisalResult, AppraisalRule, AppraisalRun, AppraisalScheme, Bulletin


class BulletinSerializer(serializers.ModelSerializer):
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    files = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id", "kind", "title", "state", "doc_number", "doc_year", "doc_seq", "issuer", "issue_date",
            "period_code", "period_start", "period_end", "round", "theme", "subject_unit", "recipients", "cc",
            "summary", "requirements", "data_hash", "generated_at", "published_at", "files", "problems",
            "ranking_basis",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {k: {"type": "string", "format": "uri"} for k in ("docx", "xlsx", "pdf")},
        }
    )
    def get_files(self, obj) -> dict:
        request = self.context.get("request")
        out = {}
        for fmt in ("docx", "xlsx", "pdf"):
            if getattr(obj, fmt):
                url = reverse("bulletins:bulletin_download", args=[obj.pk, fmt])
                out[fmt] = request.build_absolute_uri(url) if request else url
        return out

    def get_problems(self, obj) -> int:
        return len((obj.data or {}).get("problems") or [])


class BulletinDataSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    data_hash = serializers.CharField()
    data = serializers.JSONField()


class AppraisalRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalRule
        fields = ["kind", "variable", "points", "cap", "note"]


class AppraisalSchemeSerializer(serializers.ModelSerializer):
    rules = AppraisalRuleSerializer(many=True, read_only=True)

    class Meta:
        model = AppraisalScheme
        fields = ["id", "name", "subject", "formula", "description", "missing_rate", "max_bonus", "max_deduction",
                  "min_score", "max_score", "is_active", "rules", "reward_bands"]  # fmt: skip
        read_only_fields = fields


class AppraisalRunSerializer(serializers.ModelSerializer):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)

    class Meta:
        model = AppraisalRun
        fields = ["id", "scheme", "scheme_name", "period_code", "period_start", "period_end", "state",
                  "scheme_snapshot", "computed_at", "published_at"]  # fmt: skip
        read_only_fields = fields


class AppraisalResultSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField()

    class Meta:
        model = AppraisalResult
        fields = ["id", "run", "unit", "area", "label", "base", "bonus", "deduction", "score", "adjustment",
                  "final_score", "rank", "tied", "amount", "amount_basis", "error", "contributions", "figures"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_figures(self, obj) -> dict:
        """Each variable's value (the records behind it are on the result page)."""
        return {code: (f or {}).get("value") for code, f in (obj.figures or {}).items()}
