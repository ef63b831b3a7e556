"""The inspections API: rounds (plan, preview, publish, copy, close), tasks, inspections (submit), observations.

Every queryset starts from `restrict(request.user, …)`; writes call the same services as the pages.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from wenming.core.api.parsers import JSONObjectParser
from wenming.core.roles import is_office
from wenming.inspections import services
from wenming.inspections.api.serializers import (
    CopyRoundSerializer,
    InspectionListSerializer,
    InspectionSerializer,
    ObservationSerializer,
    PreviewSerializer,
    RoundSerializer,
    RoundWriteSerializer,
    SubmissionSerializer,
    TaskSerializer,
)
from wenming.inspections.filtersets import (
    InspectionFilterSet,
    ObservationFilterSet,
    RoundFilterSet,
    TaskFilterSet,
)
from wenming.inspections.models import Inspection, Observation, ObservationPhoto, Round, Task
from wenming.inspections.submission import load_payload, photos_from


def _error(exc: services.InspectionError) -> Response:
    return Response({"error": " ".join(exc.messages), "code": exc.code or "invalid"}, status=400)


class _ServiceCalls:
    """Run a service; map its refusals to HTTP (scope → 404, role → 403, rule → 400 with a message)."""

    def call(self, fn, **kwargs):
        try:
            return fn(actor=self.request.user, **kwargs), None
        except services.NotFound as exc:
            raise NotFound(str(exc) or None)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None)
        except services.InspectionError as exc:
            return None, _error(exc)


ERRORS = {
    400: OpenApiResponse(description="不符合业务规则或字段有误（见 ApiError）"),
    403: OpenApiResponse(description="无权操作"),
    404: OpenApiResponse(description="不存在"),
}


@extend_schema_view(
    create=extend_schema(request=RoundWriteSerializer, responses={201: RoundSerializer, **ERRORS}),
    partial_update=extend_schema(request=RoundWriteSerializer, responses={200: RoundSerializer, **ERRORS}),
)
class RoundViewSet(
    _ServiceCalls, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """测评轮次. Office plans (POST), changes drafts (PATCH), previews the draw, publishes, copies, closes."""

    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    ordering_fields = ["period_start", "name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Round.objects.restrict(self.request.user, "view")
            .with_progress()
            .prefetch_related("inspectors")
            .order_by("-period_start", "-pk")
        )

    def _write_args(self, data) -> dict:
        return {
            "kind": data["kind"],
            "name": data["name"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "test_date": data.get("test_date"),
            "standard_set": data["standard_set"],
            "area": data.get("area"),
            "seed": data.get("seed"),
            "note": data.get("note", ""),
            "inspectors": list(data.get("inspectors", [])),
            "team_size": data.get("team_size", 2),
        }

    def _read(self, round_, code=200) -> Response:
        return Response(RoundSerializer(self.get_queryset().get(pk=round_.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied(_("只有文明办可以管理测评轮次。"))
        write = RoundWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        args = self._write_args(write.validated_data)
        round_, error = self.call(services.create_round, plan=write.validated_data["sampling_plan"], **args)
        return error or self._read(round_, 201)

    def partial_update(self, request, *args, **kwargs):
        round_ = self.get_object()
        write = RoundWriteSerializer(data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        fields = {k: v for k, v in data.items() if k not in ("inspectors", "team_size")}
        inspectors = list(data["inspectors"]) if "inspectors" in data else None
        updated, error = self.call(
            services.update_round,
            round=round_,
            inspectors=inspectors,
            team_size=data.get("team_size", 2),
            **fields,
        )
        return error or self._read(updated)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(responses={200: PreviewSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """The points the plan and seed draw now (publishing draws the same)."""
        round_ = self.get_object()
        if not is_office(request.user):
            raise PermissionDenied(_("只有文明办可以管理测评轮次。"))
        draw = services.draw_round(round_)
        data = {
            "seed": draw.seed,
            "total": len(draw.point_ids),
            "by_type": [
                {
                    "point_type": code,
                    "requested": t.requested,
                    "available": t.available,
                    "drawn": [c.id for c in t.drawn],
                    "allocation": t.allocation,
                }
                for code, t in draw.by_type.items()
            ],
            "warnings": draw.warnings,
        }
        return Response(data)

    @extend_schema(request=None, responses={200: RoundSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        round_, error = self.call(services.publish_round, round=self.get_object())
        return error or self._read(round_)

    @extend_schema(request=CopyRoundSerializer, responses={201: RoundSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        params = CopyRoundSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        copy, error = self.call(services.copy_round, round=self.get_object(), **params.validated_data)
        return error or self._read(copy, 201)

    @extend_schema(request=None, responses={200: RoundSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        round_, error = self.call(services.close_round, round=self.get_object())
        return error or self._read(round_)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """测评任务: an inspector sees the tasks assigned to them; the office sees all."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    ordering_fields = ["id", "state"]

    def get_queryset(self):
        return (
            Task.objects.restrict(self.request.user, "view")
            .select_related("point__point_type")
            .prefetch_related("inspectors")
            .order_by("round_id", "team", "point__code")
        )


@extend_schema_view(
    create=extend_schema(
        request={"application/json": SubmissionSerializer, "multipart/form-data": SubmissionSerializer},
        responses={201: InspectionSerializer, 200: InspectionSerializer, **ERRORS},
        description="提交一次测评（与手机表单相同的 JSON）。同一 client_id 重复提交返回首次的记录（200），不重复写入。",
    )
)
class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """测评记录. POST submits an inspection, idempotent on `client_id`."""

    filterset_class = InspectionFilterSet
    ordering_fields = ["submitted_at", "id"]
    parser_classes = [JSONObjectParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return InspectionListSerializer if self.action == "list" else InspectionSerializer

    def get_queryset(self):
        queryset = Inspection.objects.restrict(self.request.user, "view").prefetch_related("co_inspectors")
        if self.action == "list":
            return queryset.with_counts().order_by("-submitted_at", "-pk")
        return queryset.prefetch_related(
            Prefetch(
                "observations",
                queryset=Observation.objects.select_related("criterion").prefetch_related(
                    Prefetch("photos", queryset=ObservationPhoto.objects.order_by("pk"))
                ),
            )
        )

    def create(self, request, *args, **kwargs):
        try:
            if "payload" in request.data:
                data = load_payload(request.data["payload"])
            elif isinstance(request.data, dict):
                data = request.data
            else:
                raise services.InspectionError(_("缺少提交内容（payload）。"), code="invalid")
            photos, after = photos_from(request.FILES)
            submission = services.parse_submission(data, photos, after)
            result = services.submit_inspection(actor=request.user, submission=submission)
        except services.NotFound as exc:
            raise NotFound(str(exc))
        except services.InspectionError as exc:
            return _error(exc)
        inspection = self.get_queryset().get(pk=result.inspection.pk)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(InspectionSerializer(inspection, context={"request": request}).data, status=code)


class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    """测评结果 (one per checklist item of an inspection), with photos and the case opened for a failure."""

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilterSet
    ordering_fields = ["id"]

    def get_queryset(self):
        return (
            Observation.objects.restrict(self.request.user, "view")
            .select_related("criterion")
            .prefetch_related(Prefetch("photos", queryset=ObservationPhoto.objects.order_by("pk")))
            .order_by("-inspection_id", "pk")
        )
