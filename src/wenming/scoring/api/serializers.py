"""Read-only serializers of the scoring API (rankings, snapshots, 易扣分点, point history, themes)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from wenming.scoring.models import DeductionTheme, ScoreSnapshot, SnapshotPoint, SnapshotRollup


class RoundRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="竞争排名（1、2、2、4）；无得分时为 null")
    tied = serializers.BooleanField()
    key_id = serializers.IntegerField(help_text="街道/社区（geo.Area）、单位、专项组或点位类型的编号")
    label = serializers.CharField()
    points = serializers.IntegerField()
    passed = serializers.IntegerField()
    unassessed = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)
    score_rate = serializers.FloatField(allow_null=True)
    compliance_rate = serializers.FloatField(
        allow_null=True, help_text="符合率（%）：符合的测评结果数 ÷ 适用的测评结果数"
    )
    observations = serializers.IntegerField(help_text="适用的测评结果数")
    compliant_observations = serializers.IntegerField(help_text="符合的测评结果数")
    earned = serializers.FloatField()
    possible = serializers.FloatField()


# One object, though the view is a viewset's `list`: without `many=False` the schema said array.
@extend_schema_serializer(many=False)
class RankingSerializer(serializers.Serializer):
    round = RoundRefSerializer()
    dimension = serializers.CharField()
    basis = serializers.CharField(help_text="排名依据：compliance_rate / score_rate / mean_score")
    basis_rule = serializers.CharField(help_text="排名依据、精度与并列规则的说明")
    source = serializers.CharField(help_text="snapshot：已冻结的成绩快照；live：进行中轮次的实时计算")
    snapshot = serializers.IntegerField(allow_null=True)
    snapshot_version = serializers.IntegerField(allow_null=True)
    data_hash = serializers.CharField(allow_null=True)
    results = RankingRowSerializer(many=True)


class RollupSerializer(serializers.ModelSerializer):
    class Meta:
        model = SnapshotRollup
        fields = [
            "dimension",
            "key_id",
            "label",
            "rank",
            "tied",
            "points",
            "passed",
            "unassessed",
            "mean_score",
            "pass_rate",
            "earned",
            "possible",
        ]


class SnapshotSerializer(serializers.ModelSerializer):
    round_name = serializers.CharField(source="round.name", read_only=True)
    round_kind = serializers.CharField(source="round.kind", read_only=True)
    inspections = serializers.SerializerMethodField()
    observations = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSnapshot
        fields = [
            "id",
            "round",
            "round_name",
            "round_kind",
            "version",
            "created_at",
            "points",
            "passed",
            "unassessed",
            "mean_score",
            "pass_rate",
            "earned",
            "possible",
            "data_hash",
            "inspections",
            "observations",
        ]

    def get_inspections(self, obj) -> int:
        return len(obj.inspection_ids)

    def get_observations(self, obj) -> int:
        return len(obj.observation_ids)


class SnapshotDetailSerializer(SnapshotSerializer):
    rollups = RollupSerializer(many=True, read_only=True)

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "inspection_ids", "observation_ids", "rollups"]


class SnapshotPointSerializer(serializers.ModelSerializer):
    point_code = serializers.CharField(source="point.code", read_only=True)
    point_name = serializers.CharField(source="point.name", read_only=True)

    class Meta:
        model = SnapshotPoint
        fields = [
            "point",
            "point_code",
            "point_name",
            "inspection",
            "point_type",
            "street",
            "community",
            "unit",
            "earned",
            "possible",
            "score",
            "passed",
            "failing_criteria",
        ]


class ParetoLineSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="测评标准编号、问题分类编码或主题编号")
    label = serializers.CharField()
    detail = serializers.CharField()
    lost = serializers.FloatField()
    count = serializers.IntegerField(help_text="未达标项次")
    problems = serializers.IntegerField()
    share = serializers.FloatField()
    cumulative_share = serializers.FloatField()
    vital = serializers.BooleanField(help_text="累计失分 80% 以内的关键少数")


# One object, though the view is a viewset's `list`: without `many=False` the schema said array.
@extend_schema_serializer(many=False)
class ParetoSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="轮次名称或统计期")
    round = serializers.IntegerField(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    snapshot = serializers.IntegerField(allow_null=True)
    inspections = serializers.IntegerField()
    total_lost = serializers.FloatField()
    total_count = serializers.IntegerField()
    by_criterion = ParetoLineSerializer(many=True)
    by_category = ParetoLineSerializer(many=True)
    by_theme = ParetoLineSerializer(many=True)


class HistoryRowSerializer(serializers.Serializer):
    inspection_id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    round_id = serializers.IntegerField()
    round_name = serializers.CharField()
    earned = serializers.FloatField()
    possible = serializers.FloatField()
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField()
    failing = serializers.ListField(child=serializers.CharField())
    frozen = serializers.BooleanField(help_text="该记录是否被已冻结的成绩快照采用")
    frozen_score = serializers.FloatField(allow_null=True)


class DeductionThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeductionTheme
        fields = ["id", "name", "category_codes", "description", "order", "is_active"]
