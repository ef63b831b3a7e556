from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wenming.org.models import Person, SpecialGroup, Unit


class UnitSerializer(serializers.ModelSerializer):
    parent_name = serializers.CharField(source="parent.name", read_only=True, allow_null=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    is_above_district = serializers.BooleanField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id", "code", "name", "short_name", "level", "level_label", "is_above_district", "parent",
            "parent_name", "contact_phone", "address", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is checked by the service (same message for forms, API and imports).
        extra_kwargs = {"code": {"validators": []}}


class SpecialGroupSerializer(serializers.ModelSerializer):
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    member_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False, label=_("成员单位")
    )

    class Meta:
        model = SpecialGroup
        fields = [
            "id", "code", "name", "theme", "lead_unit", "lead_unit_name", "member_units", "order", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"code": {"validators": []}}


class PersonSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "title",
            "phone",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
