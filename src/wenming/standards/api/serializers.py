from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.standards.choices import CategoryKind, DeadlineUnit
from wenming.standards.models import Criterion, PointType, ProblemCategory, StandardSet


class StandardSetSerializer(serializers.ModelSerializer):
    scope_display = serializers.CharField(source="get_scope_display", read_only=True)
    indicator_count = serializers.IntegerField(read_only=True)
    content_count = serializers.IntegerField(read_only=True)
    criterion_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = StandardSet
        fields = [
            "id",
            "code",
            "name",
            "version",
            "scope",
            "scope_display",
            "is_active",
            "effective_from",
            "description",
            "indicator_count",
            "content_count",
            "criterion_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PointTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointType
        fields = ["id", "code", "name", "description", "order"]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    point_types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    block = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    rule_params = serializers.JSONField(read_only=True)
    rule_description = serializers.CharField(read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "standard_set",
            "code",
            "indicator",
            "indicator_code",
            "indicator_name",
            "text",
            "weight",
            "method",
            "point_types",
            "block",
            "sampling_note",
            "rule",
            "rule_params",
            "rule_description",
            "category",
            "order",
        ]
        read_only_fields = fields


class ProblemCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    top_code = serializers.CharField(read_only=True)
    special_group = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # blank when not set: "" is a value (a read-only model field loses `allow_blank`, so they are declared)
    kind = serializers.ChoiceField(choices=CategoryKind.choices, allow_blank=True, read_only=True)
    deadline_unit = serializers.ChoiceField(choices=DeadlineUnit.choices, allow_blank=True, read_only=True)
    examples = serializers.SerializerMethodField()

    class Meta:
        model = ProblemCategory
        fields = [
            "id",
            "code",
            "name",
            "parent",
            "top_code",
            "kind",
            "special_group",
            "special_group_code",
            "deadline_value",
            "deadline_unit",
            "closing_condition",
            "public_name",
            "is_public",
            "description",
            "examples",
            "order",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_examples(self, obj) -> list[str]:
        return obj.example_list()


# --- the tree ----------------------------------------------------------------------------------------


class StandardTreeCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    weight = serializers.DecimalField(max_digits=8, decimal_places=3)
    method = serializers.CharField()
    rule = serializers.CharField()
    rule_params = serializers.JSONField()
    point_types = serializers.ListField(child=serializers.CharField())
    block = serializers.CharField(allow_null=True)
    sampling_note = serializers.CharField()
    category = serializers.CharField(allow_null=True)


class _StandardTreeNodeSerializer(serializers.Serializer):
    """What every level of the indicator tree (Ⅰ item, Ⅱ indicator, Ⅲ content) has."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=8, decimal_places=3)
    methods = serializers.ListField(child=serializers.CharField())


class StandardTreeContentSerializer(_StandardTreeNodeSerializer):
    criteria = StandardTreeCriterionSerializer(many=True)


class StandardTreeIndicatorSerializer(_StandardTreeNodeSerializer):
    contents = StandardTreeContentSerializer(many=True)


class StandardTreeItemSerializer(_StandardTreeNodeSerializer):
    indicators = StandardTreeIndicatorSerializer(many=True)


class StandardTreeBlockSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    point_types = serializers.ListField(child=serializers.CharField())


class StandardTreeSerializer(serializers.Serializer):
    standard_set = StandardSetSerializer()
    items = StandardTreeItemSerializer(many=True)
    blocks = StandardTreeBlockSerializer(many=True)


def tree_data(standard_set) -> dict:
    """The set's tree as plain values (shape of `StandardTreeSerializer`)."""

    def node(n):
        return {
            "id": n.pk,
            "code": n.code,
            "name": n.name,
            "weight": n.weight,
            "methods": list(n.methods or []),
        }

    def criterion(c):
        return {
            "id": c.pk,
            "code": c.code,
            "text": c.text,
            "weight": c.weight,
            "method": c.method,
            "rule": c.rule,
            "rule_params": c.rule_params,
            "point_types": [p.code for p in c.point_types.all()],
            "block": c.block.code if c.block_id else None,
            "sampling_note": c.sampling_note,
            "category": c.category.code if c.category_id else None,
        }

    items = []
    for item in standard_set.tree():
        indicators = []
        for ind in item.child_nodes:
            contents = [
                {**node(con), "criteria": [criterion(c) for c in con.criterion_list]}
                for con in ind.child_nodes
            ]
            indicators.append({**node(ind), "contents": contents})
        items.append({**node(item), "indicators": indicators})
    blocks = [
        {"code": b.code, "name": b.name, "point_types": [p.code for p in b.point_types.all()]}
        for b in standard_set.blocks.prefetch_related("point_types").order_by("code")
    ]
    return {"standard_set": standard_set, "items": items, "blocks": blocks}


class StandardImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Excel 模板（.xlsx）或 YAML（.yaml/.yml）")
    activate = serializers.BooleanField(default=False, help_text="导入后立即启用")


class StandardImportProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class StandardImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = StandardImportProblemSerializer(many=True)
