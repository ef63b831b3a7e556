"""API of the standard: read for every signed-in user; import and activation for admin and office."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from wenming.core.roles import is_office
from wenming.standards.api.serializers import (
    CriterionSerializer,
    PointTypeSerializer,
    ProblemCategorySerializer,
    StandardImportErrorSerializer,
    StandardImportRequestSerializer,
    StandardSetSerializer,
    StandardTreeSerializer,
    tree_data,
)
from wenming.standards.filtersets import (
    CriterionFilterSet,
    PointTypeFilterSet,
    ProblemCategoryFilterSet,
    StandardSetFilterSet,
)
from wenming.standards.models import Criterion, PointType, ProblemCategory, StandardSet
from wenming.standards.services import (
    StandardImportError,
    activate_standard,
    export_standard,
    format_from_name,
    import_standard,
)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "yaml": "application/yaml; charset=utf-8",
}


class StandardSetViewSet(viewsets.ReadOnlyModelViewSet):
    """Standard sets (测评体系) with counts; `tree`, `export`, and for office `import` and `activate`."""

    serializer_class = StandardSetSerializer
    filterset_class = StandardSetFilterSet
    ordering_fields = ["code", "effective_from", "created_at"]

    def get_queryset(self):
        action_name = "change" if self.action == "activate" else "view"
        return (
            StandardSet.objects.restrict(self.request.user, action_name)
            .with_counts()
            .order_by("-is_active", "scope", "-effective_from", "code")
        )

    @extend_schema(responses=StandardTreeSerializer, summary="指标树（测评项目 → 指标 → 内容 → 标准）")
    @action(detail=True, methods=["get"])
    def tree(self, request, pk=None):
        return Response(StandardTreeSerializer(tree_data(self.get_object())).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("fmt", str, enum=["xlsx", "yaml"], default="xlsx", description="文件格式")
        ],
        responses={
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            # a YAML document is read as data: a mapping (code, name, indicators, criteria …)
            (200, "application/yaml"): OpenApiResponse(
                {"type": "object", "description": "测评体系 YAML（同导入格式）"}, description="fmt=yaml"
            ),
        },
        summary="导出为 Excel 模板或 YAML",
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        fmt = request.query_params.get("fmt", "xlsx")
        if fmt not in CONTENT_TYPES:
            raise ValidationError({"fmt": "只支持 xlsx 或 yaml。"})
        standard_set = self.get_object()
        response = HttpResponse(
            export_standard(standard_set=standard_set, fmt=fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{standard_set.code}.{fmt}"'
        return response

    @extend_schema(
        request={"multipart/form-data": StandardImportRequestSerializer},
        responses={
            201: StandardSetSerializer,
            400: OpenApiResponse(description="文件有问题，未导入任何内容（problems 列出每个问题）"),
            403: OpenApiResponse(description="只有系统管理员和文明办可以导入"),
        },
        summary="导入测评体系（全有或全无）",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_(self, request):
        if not is_office(request.user):
            raise PermissionDenied("只有系统管理员和文明办可以导入测评体系。")
        form = StandardImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            standard_set = import_standard(
                actor=request.user,
                file=upload,
                fmt=format_from_name(upload.name),
                activate=form.validated_data["activate"],
            )
        except StandardImportError as exc:
            body = {
                "detail": f"文件有 {len(exc.problems)} 个问题，未导入任何内容。",
                "problems": [
                    {"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message}
                    for p in exc.problems
                ],
            }
            return Response(StandardImportErrorSerializer(body).data, status=status.HTTP_400_BAD_REQUEST)
        standard_set = StandardSet.objects.with_counts().get(pk=standard_set.pk)
        return Response(StandardSetSerializer(standard_set).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=StandardSetSerializer, summary="启用（同层级原启用体系停用）")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        standard_set = activate_standard(actor=request.user, standard_set=self.get_object())
        return Response(StandardSetSerializer(StandardSet.objects.with_counts().get(pk=standard_set.pk)).data)


class PointTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Point types (点位类型)."""

    serializer_class = PointTypeSerializer
    filterset_class = PointTypeFilterSet
    ordering_fields = ["order", "code", "name"]

    def get_queryset(self):
        return PointType.objects.restrict(self.request.user, "view").order_by("order", "code")


class CriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """Criteria (测评标准): `?standard_set=&point_type=<code>&rule=&method=&category=&indicator=&search=`."""

    serializer_class = CriterionSerializer
    filterset_class = CriterionFilterSet
    ordering_fields = ["order", "code", "weight"]

    def get_queryset(self):
        return (
            Criterion.objects.restrict(self.request.user, "view")
            .select_related("indicator", "block", "category")
            .prefetch_related("point_types")
            .order_by("standard_set_id", "order", "code")
        )


class ProblemCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Problem categories (问题分类), both levels: `?top=ENV&kind=&special_group=SG01&search=`."""

    serializer_class = ProblemCategorySerializer
    filterset_class = ProblemCategoryFilterSet
    ordering_fields = ["order", "code"]

    def get_queryset(self):
        return (
            ProblemCategory.objects.restrict(self.request.user, "view")
            .select_related("parent")
            .order_by("order", "code")
        )
