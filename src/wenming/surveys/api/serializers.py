"""Serializers of the surveys API. Everything is read-only except the response submission, which the
service validates (serializers here only document and shape)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.core.api.serializers import PhotoSerializer
from wenming.surveys.choices import AgeBand, Occupation, Residence
from wenming.surveys.models import (
    Answer,
    Example,
    ExamplePhoto,
    Question,
    Questionnaire,
    Response,
    Stratum,
    TrainingSession,
    Wave,
)


class OptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="选项代码（回答时提交）")
    label = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="0–100 分值（如 满意100/基本满意60/不满意0）")
    positive = serializers.BooleanField(help_text="计入比率：正确答案、支持、参与、满意/基本满意")
    valid = serializers.BooleanField(help_text="False 表示“说不清”等，不计入有效回答")


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "code", "text", "kind", "scale", "options", "required", "help_text", "order"]
        read_only_fields = fields


class QuestionnaireSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "title",
            "intro",
            "min_age",
            "max_age",
            "min_residence_months",
            "questions",
            "created_at",
        ]
        read_only_fields = fields


class StratumSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    responses_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Stratum
        fields = [
            "id",
            "area",
            "area_code",
            "area_name",
            "population",
            "target",
            "target_srs",
            "responses_count",
        ]
        read_only_fields = fields


class WaveSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    responses_total = serializers.IntegerField(read_only=True)
    target_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Wave
        fields = [
            "id", "name", "questionnaire", "period_start", "period_end", "state", "state_display", "stratum_level",
            "design", "margin", "confidence", "expected_p", "quota", "use_fpc", "open_to_inspectors", "public_link",
            "opened_at", "closed_at", "responses_total", "target_total",
        ]  # fmt: skip
        read_only_fields = fields


class WaveDetailSerializer(WaveSerializer):
    strata = serializers.SerializerMethodField()

    class Meta(WaveSerializer.Meta):
        fields = [*WaveSerializer.Meta.fields, "strata"]
        read_only_fields = fields

    @extend_schema_field(StratumSerializer(many=True))
    def get_strata(self, wave) -> list:
        strata = (
            Stratum.objects.filter(wave=wave).with_counts().select_related("area").order_by("order", "pk")
        )
        return StratumSerializer(strata, many=True).data


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["question", "value", "text"]
        read_only_fields = fields


class ResponseSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id", "client_id", "wave", "stratum", "area", "channel", "interviewer", "age_band", "residence",
            "occupation", "started_at", "completed_at", "received_at", "lat", "lon", "accuracy_m", "answers",
        ]  # fmt: skip
        read_only_fields = fields


class ResponseInputSerializer(serializers.Serializer):
    """What an interviewer's phone posts. Same `client_id` again → the first response (200, not 201)."""

    client_id = serializers.UUIDField()
    wave = serializers.IntegerField()
    stratum = serializers.IntegerField(required=False, allow_null=True, help_text="分层 id（可由 area 推出）")
    area = serializers.IntegerField(required=False, allow_null=True, help_text="受访者居住的街道/社区 id")
    age = serializers.IntegerField(required=False, allow_null=True, help_text="周岁；或提交 age_band")
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    residence = serializers.ChoiceField(choices=Residence.choices)
    occupation = serializers.ChoiceField(choices=Occupation.choices)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    accuracy = serializers.FloatField(required=False, allow_null=True)
    coord_system = serializers.CharField(required=False, default="WGS84")
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="题目 id（或题号）→ 选项代码/选项文字/序号，开放题为文字",
    )


class EstimateSerializer(serializers.Serializer):
    """Documentation of `wenming.surveys.estimates.wave_estimates` (see its module docstring)."""

    wave = serializers.DictField()
    computed_at = serializers.CharField()
    frozen = serializers.BooleanField()
    confidence = serializers.FloatField()
    fpc = serializers.BooleanField()
    weighting = serializers.CharField()
    responses = serializers.IntegerField()
    strata = serializers.ListField(child=serializers.DictField())
    indicators = serializers.DictField(
        child=serializers.DictField(),
        help_text="awareness, support, participation, satisfaction, satisfaction_score",
    )
    questions = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.CharField())


class TrainingSessionSerializer(serializers.ModelSerializer):
    present_count = serializers.IntegerField(read_only=True)
    attendance_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "topic", "kind", "date", "place", "trainer", "description", "audience_units", "point_types",
                  "present_count", "attendance_count"]  # fmt: skip
        read_only_fields = fields


class ExamplePhotoSerializer(PhotoSerializer):
    class Meta:
        model = ExamplePhoto
        fields = ["id", "caption", "url", "thumbnail_url", "width", "height"]
        read_only_fields = fields


class ExampleSerializer(serializers.ModelSerializer):
    photos = ExamplePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Example
        fields = [
            "id",
            "point_type",
            "criterion",
            "kind",
            "title",
            "description",
            "point",
            "is_published",
            "photos",
        ]
        read_only_fields = fields
