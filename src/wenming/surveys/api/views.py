"""The surveys API: waves (with estimates), questionnaires, responses (POST idempotent), training sessions,
examples. Every queryset starts from `restrict(request.user, …)`; the submission calls the same service as the
phone form."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response as ApiResponse

from wenming.core.roles import is_reader
from wenming.surveys import services
from wenming.surveys.api.serializers import (
    EstimateSerializer,
    ExampleSerializer,
    QuestionnaireSerializer,
    ResponseInputSerializer,
    ResponseSerializer,
    TrainingSessionSerializer,
    WaveDetailSerializer,
    WaveSerializer,
)
from wenming.surveys.estimates import wave_estimates
from wenming.surveys.filtersets import (
    ExampleFilterSet,
    QuestionnaireFilterSet,
    ResponseFilterSet,
    TrainingFilterSet,
    WaveFilterSet,
)
from wenming.surveys.models import (
    Answer,
    Example,
    ExamplePhoto,
    Question,
    Questionnaire,
    Response,
    TrainingSession,
    Wave,
)

ERRORS = {
    400: OpenApiResponse(description="不符合业务规则或字段有误（见 ApiError）"),
    403: OpenApiResponse(description="无权操作"),
    404: OpenApiResponse(description="不存在"),
}


def _reader(request) -> None:
    if not is_reader(request.user):
        raise PermissionDenied("只有文明办、领导和审计人员可以查看。")


class WaveViewSet(viewsets.ReadOnlyModelViewSet):
    """调查批次: readers see all; interviewers the waves they collect for. `estimates` for readers."""

    filterset_class = WaveFilterSet
    ordering_fields = ["period_start", "name", "id"]

    def get_queryset(self):
        return (
            Wave.objects.restrict(self.request.user, "view").with_progress().order_by("-period_start", "-pk")
        )

    def get_serializer_class(self):
        return WaveDetailSerializer if self.action == "retrieve" else WaveSerializer

    @extend_schema(
        responses={200: EstimateSerializer, 403: ERRORS[403], 404: ERRORS[404]},
        parameters=[
            OpenApiParameter("live", bool, description="已结束的批次：按当前答卷重新计算，而非固化结果")
        ],
    )
    @action(detail=True, methods=["get"])
    def estimates(self, request, pk=None):
        """知晓率、支持率、参与率、满意率（及满意度得分）分层与全区加权估计、95% 置信区间、设计效应。"""
        wave = self.get_object()
        _reader(request)
        return ApiResponse(wave_estimates(wave, live=request.query_params.get("live") in ("1", "true")))


class QuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """调查问卷 with questions, options and score mappings."""

    serializer_class = QuestionnaireSerializer
    filterset_class = QuestionnaireFilterSet

    def get_queryset(self):
        return (
            Questionnaire.objects.restrict(self.request.user, "view")
            .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "pk")))
            .order_by("-created_at", "-pk")
        )


@extend_schema_view(
    create=extend_schema(
        request=ResponseInputSerializer,
        responses={201: ResponseSerializer, 200: ResponseSerializer, **ERRORS},
        description="提交一份答卷（调查员）。同一 client_id 重复提交返回首次的答卷（200），不会重复记录。",
    )
)
class ResponseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """答卷: readers see all, interviewers their own; POST submits (idempotent on client_id)."""

    serializer_class = ResponseSerializer
    filterset_class = ResponseFilterSet
    ordering_fields = ["received_at", "id"]

    def get_queryset(self):
        return (
            Response.objects.restrict(self.request.user, "view")
            .prefetch_related(
                Prefetch("answers", queryset=Answer.objects.order_by("question__order", "question_id"))
            )
            .order_by("-received_at", "-pk")
        )

    def create(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        data = data.dict() if hasattr(data, "dict") else dict(data)
        wave = Wave.objects.restrict(request.user, "view").filter(pk=_int(data.get("wave"))).first()
        if wave is None:
            raise NotFound("调查批次不存在。")
        try:
            submission = services.parse_submission(data)
            result = services.submit_response(actor=request.user, wave=wave, submission=submission)
        except services.NotFound:
            raise NotFound("调查批次不存在。")
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None)
        except services.SurveyError as exc:
            return ApiResponse({"error": " ".join(exc.messages), "code": exc.code or "invalid"}, status=400)
        response = self.get_queryset().get(pk=result.response.pk)
        return ApiResponse(ResponseSerializer(response).data, status=201 if result.created else 200)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TrainingSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """培训 the user may see, with attendance counts."""

    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingFilterSet

    def get_queryset(self):
        return (
            TrainingSession.objects.restrict(self.request.user, "view")
            .with_counts()
            .prefetch_related("audience_units", "point_types")
            .order_by("-date", "-pk")
        )


class ExampleViewSet(viewsets.ReadOnlyModelViewSet):
    """典型示例 (published; drafts for the office) with photo URLs."""

    serializer_class = ExampleSerializer
    filterset_class = ExampleFilterSet

    def get_queryset(self):
        return (
            Example.objects.restrict(self.request.user, "view")
            .prefetch_related(Prefetch("photos", queryset=ExamplePhoto.objects.order_by("pk")))
            .order_by("point_type_id", "kind", "-pk")
        )
