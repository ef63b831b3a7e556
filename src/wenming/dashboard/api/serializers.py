"""Serializers of the dashboard API (read-only)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from wenming.dashboard.models import TestDate


class TestDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = TestDate
        fields = ["id", "name", "date", "note"]
        read_only_fields = fields


class TestCountdownSerializer(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.DateField()
    days_left = serializers.IntegerField()
    source = serializers.CharField()


class EstimateLossLineSerializer(serializers.Serializer):
    point_id = serializers.IntegerField()
    point_code = serializers.CharField()
    point_name = serializers.CharField()
    street = serializers.CharField()
    unit = serializers.CharField()
    person = serializers.CharField()
    criterion_code = serializers.CharField()
    criterion_text = serializers.CharField()
    lost = serializers.FloatField()
    possible = serializers.FloatField()
    observation_id = serializers.IntegerField()
    inspection_id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    case_code = serializers.CharField()


class ScoreEstimateSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    passed = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    total_lost = serializers.FloatField()
    lines = EstimateLossLineSerializer(many=True)


class LeaderOverdueUnitSerializer(serializers.Serializer):
    unit = serializers.CharField()
    count = serializers.IntegerField()
    oldest_days = serializers.IntegerField()
    url = serializers.CharField()


class CaseWeekSerializer(serializers.Serializer):
    week = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    new = serializers.IntegerField()


# One object, though the view is a viewset's `list`: without `many=False` the schema said array.
@extend_schema_serializer(many=False)
class LeaderSummarySerializer(serializers.Serializer):
    countdown = TestCountdownSerializer(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField())
    estimate = ScoreEstimateSerializer()
    overdue_units = LeaderOverdueUnitSerializer(many=True)
    case_trend = CaseWeekSerializer(many=True)
