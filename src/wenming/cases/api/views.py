"""The cases API (/api/v1/cases/): list/detail/create, one POST action per workflow transition (each calls
`cases.services.transition`), the timeline, photos, duplicates, KPIs, routing rules and KPI formulas.

Every queryset starts from `restrict(request.user, …)`: a case outside the user's scope is a 404. A refused
transition answers 409 (wrong state), 403 (wrong role) or 400 (missing input), with a Chinese message.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.cases import kpis, services
from wenming.cases.api import serializers as s
from wenming.cases.filtersets import CaseFilterSet
from wenming.cases.models import Case, CaseEvent, KpiFormula, RoutingRule
from wenming.cases.recurrence import duplicate_candidates
from wenming.cases.workflow import TransitionError
from wenming.core.api.parsers import JSONObjectParser
from wenming.core.roles import is_office
from wenming.org.api.base import ScopedViewSetMixin, api_validation_error


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "案件状态已变化，不能执行该操作。"
    default_code = "state"


class Refused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "操作被拒绝。"
    default_code = "invalid"


def api_transition_error(exc: TransitionError) -> exceptions.APIException:
    if exc.code == "not_found":
        return exceptions.NotFound(exc.message)
    if exc.code == "forbidden":
        return exceptions.PermissionDenied(exc.message)
    if exc.code == "state":
        return Conflict(exc.message)
    return Refused(exc.message, code=exc.code)


def call(func, *args, **kwargs):
    """Run a service, translating its refusals into API errors."""
    try:
        return func(*args, **kwargs)
    except TransitionError as exc:
        raise api_transition_error(exc)
    except DjangoValidationError as exc:
        raise api_validation_error(exc)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc))


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="同一用户重复提交同一键时返回第一次创建的案件（手机可能提交两次）",
)
PARSERS = [JSONObjectParser, MultiPartParser, FormParser]


def _transition_schema(request_serializer, summary):
    return extend_schema(request=request_serializer, responses={200: s.CaseDetailSerializer}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="案件列表（按权限范围；支持考核指标下钻 kpi+period）"),
    retrieve=extend_schema(summary="案件详情"),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Problem cases (问题案件)."""

    filterset_class = CaseFilterSet
    ordering_fields = ["reported_at", "fix_deadline", "code", "state", "escalation_level"]
    ordering = ["-reported_at", "-id"]
    parser_classes = PARSERS
    serializer_class = s.CaseListSerializer

    def get_queryset(self):
        qs = Case.objects.restrict(self.request.user, "view").with_list_related()
        if self.action == "retrieve":
            qs = qs.select_related("merged_into", "recurrence_of")
        return qs

    def get_serializer_class(self):
        if self.action == "list":
            return s.CaseListSerializer
        return s.CaseDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _detail(self, case, status_code=status.HTTP_200_OK, *, own_report=False):
        """The case as the caller now sees it. `own_report`: the case the caller has just reported (or an
        earlier report of theirs under the same Idempotency-Key) is answered from the created row itself, even
        when the caller's scope does not contain it (e.g. a unit handler reporting a problem that is routed to
        another unit): the reporter learns what they submitted, and nothing else becomes visible."""
        rows = Case.objects.all() if own_report else self.get_queryset()
        case = rows.with_list_related().select_related("merged_into", "recurrence_of").get(pk=case.pk)
        return Response(
            s.CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=status_code
        )

    # --- create ---------------------------------------------------------------------------------------------
    @extend_schema(
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, 200: s.CaseDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary="上报问题（可附照片；Idempotency-Key 防重复提交）",
    )
    def create(self, request, *args, **kwargs):
        from wenming.geo.models import Area, Point
        from wenming.standards.models import Criterion, ProblemCategory

        if not services.can_create(request.user):
            raise exceptions.PermissionDenied("您的角色不能上报问题案件。")
        ser = s.CaseCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        key = (request.headers.get("Idempotency-Key") or "").strip() or None
        if key and (
            existing := Case.objects.filter(idempotency_key=f"{request.user.pk}:{key}"[:120]).first()
        ):
            return self._detail(existing, own_report=True)

        def pick(model, name, label):
            value = data.pop(name, None)
            if value is None:
                return None
            obj = model.objects.filter(pk=value).first()
            if obj is None:
                raise exceptions.ValidationError({name: [f"{label}不存在。"]})
            return obj

        data["category"] = pick(ProblemCategory, "category", "问题类别")
        data["point"] = pick(Point, "point", "点位")
        data["area"] = pick(Area, "area", "区域")
        data["criterion"] = pick(Criterion, "criterion", "测评标准")
        case = call(services.create_case, actor=request.user, idempotency_key=key, **data)
        return self._detail(case, status.HTTP_201_CREATED, own_report=True)

    # --- transitions ------------------------------------------------------------------------------------------
    def _run(self, request, action_name, serializer_class, **extra):
        case = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        note = data.pop("note", "")
        photos = data.pop("photos", [])
        data.update(extra)
        case = call(
            services.transition, case, action_name, actor=request.user, note=note, photos=photos, **data
        )
        return self._detail(case)

    @_transition_schema(s.CaseNoteSerializer, "立案")
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        return self._run(request, "register", s.CaseNoteSerializer)

    @_transition_schema(s.CaseNoteSerializer, "不予立案（需理由）")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(request, "reject", s.CaseNoteSerializer)

    @_transition_schema(s.CaseMergeSerializer, "合并为重复案件（本案关闭并指向保留案件）")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        return self._run(request, "merge", s.CaseMergeSerializer)

    @_transition_schema(s.CaseDispatchSerializer, "派遣（不填单位则按派遣规则；央属/省属/市属转协调）")
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_case(self, request, pk=None):
        return self._run(request, "dispatch", s.CaseDispatchSerializer)

    @_transition_schema(s.CaseNoteSerializer, "签收")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._run(request, "acknowledge", s.CaseNoteSerializer)

    @_transition_schema(s.CaseNoteSerializer, "开始整改")
    @action(detail=True, methods=["post"], url_path="start-fix")
    def start_fix(self, request, pk=None):
        return self._run(request, "start_fix", s.CaseNoteSerializer)

    @_transition_schema(s.CasePhotoNoteSerializer, "整改反馈（至少一张整改后照片）")
    @action(detail=True, methods=["post"], url_path="report-fix")
    def report_fix(self, request, pk=None):
        return self._run(request, "report_fix", s.CasePhotoNoteSerializer)

    @_transition_schema(s.CasePhotoNoteSerializer, "协调完成（文明办，附整改后照片）")
    @action(detail=True, methods=["post"], url_path="coordinate-done")
    def coordinate_done(self, request, pk=None):
        return self._run(request, "coordinate_done", s.CasePhotoNoteSerializer)

    @_transition_schema(s.CaseVerifySerializer, "核查：通过则结案，不通过则返工（需理由和照片）")
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        case = self.get_object()
        ser = s.CaseVerifySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        case = call(
            services.verify_fix,
            case,
            actor=request.user,
            passed=data["result"] == "passed",
            note=data["note"],
            photos=data["photos"],
        )
        return self._detail(case)

    @_transition_schema(s.CaseNoteSerializer, "退回（非本单位职责，需理由）")
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self._run(request, "transfer", s.CaseNoteSerializer)

    @_transition_schema(s.CaseNoteSerializer, "驳回退回（原处置时限不变）")
    @action(detail=True, methods=["post"], url_path="reject-transfer")
    def reject_transfer(self, request, pk=None):
        return self._run(request, "reject_transfer", s.CaseNoteSerializer)

    @_transition_schema(s.CaseExtensionSerializer, "申请延期（理由 + 新日期）")
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        return self._run(request, "request_extension", s.CaseExtensionSerializer)

    @_transition_schema(s.CaseExtensionDecisionSerializer, "批准延期")
    @action(detail=True, methods=["post"], url_path="approve-extension")
    def approve_extension(self, request, pk=None):
        return self._run(request, "approve_extension", s.CaseExtensionDecisionSerializer)

    @_transition_schema(s.CaseNoteSerializer, "不予延期")
    @action(detail=True, methods=["post"], url_path="refuse-extension")
    def refuse_extension(self, request, pk=None):
        return self._run(request, "refuse_extension", s.CaseNoteSerializer)

    @_transition_schema(s.CaseParkSerializer, "挂账（整改计划 + 计划完成日期）")
    @action(detail=True, methods=["post"])
    def park(self, request, pk=None):
        return self._run(request, "park", s.CaseParkSerializer)

    @_transition_schema(s.CaseNoteSerializer, "解除挂账")
    @action(detail=True, methods=["post"])
    def unpark(self, request, pk=None):
        return self._run(request, "unpark", s.CaseNoteSerializer)

    @_transition_schema(s.CaseReopenSerializer, "重新打开（回头看反弹或群众异议，重新计时）")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._run(request, "reopen", s.CaseReopenSerializer)

    @_transition_schema(s.CaseAssignPersonSerializer, "指定责任人")
    @action(detail=True, methods=["post"], url_path="assign-person")
    def assign_person(self, request, pk=None):
        return self._run(request, "assign_person", s.CaseAssignPersonSerializer)

    @_transition_schema(s.CaseNoteSerializer, "催办")
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        return self._run(request, "remind", s.CaseNoteSerializer)

    @_transition_schema(s.CaseSatisfactionSerializer, "回访评价")
    @action(detail=True, methods=["post"])
    def satisfaction(self, request, pk=None):
        return self._run(request, "record_satisfaction", s.CaseSatisfactionSerializer)

    @_transition_schema(s.CasePhotoNoteSerializer, "添加备注")
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        return self._run(request, "comment", s.CasePhotoNoteSerializer)

    @extend_schema(
        request=s.CaseBulkDispatchSerializer,
        responses={200: s.CaseBulkDispatchResultSerializer},
        summary="批量派遣",
    )
    @action(detail=False, methods=["post"], url_path="bulk-dispatch")
    def bulk_dispatch(self, request):
        if not is_office(request.user):
            raise exceptions.PermissionDenied("只有文明办可以批量派遣。")
        ser = s.CaseBulkDispatchSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        found = self.get_queryset().in_bulk(data["cases"])
        missing = sorted(set(data["cases"]) - set(found))
        if missing:
            raise exceptions.NotFound(f"案件不存在或不在您的权限范围内：{missing}")
        from wenming.org.models import Person, Unit

        unit = Unit.objects.filter(pk=data["unit"]).first() if data.get("unit") else None
        person = Person.objects.filter(pk=data["person"]).first() if data.get("person") else None
        cases = [found[pk] for pk in dict.fromkeys(data["cases"])]  # in the order asked, once each
        result = services.bulk_dispatch(
            actor=request.user, cases=cases, unit=unit, person=person, note=data["note"]
        )
        return Response(
            {
                "dispatched": [c.pk for c in result.done],
                "failed": [{"id": c.pk, "code": c.code, "error": error} for c, error in result.failed],
            }
        )

    # --- reads of one case ----------------------------------------------------------------------------------
    @extend_schema(responses={200: s.CaseEventSerializer(many=True)}, summary="案件流转记录（时间线）")
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request, pk=None):
        case = self.get_object()
        rows = CaseEvent.objects.filter(case=case).select_related("actor").prefetch_related("photos")
        return Response(s.CaseEventSerializer(rows, many=True).data)

    @extend_schema(responses={200: s.CasePhotoSerializer(many=True)}, summary="案件照片")
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def photos(self, request, pk=None):
        case = self.get_object()
        return Response(
            s.CasePhotoSerializer(case.photos.all(), many=True, context={"request": request}).data
        )

    @extend_schema(
        responses={200: s.CaseDuplicateSerializer(many=True)}, summary="疑似重复的在办案件（附近、同大类）"
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def duplicates(self, request, pk=None):
        case = self.get_object()
        pairs = duplicate_candidates(case, queryset=self.get_queryset())
        context = self.get_serializer_context()
        return Response(
            [{"case": s.CaseListSerializer(c, context=context).data, "distance_m": d} for c, d in pairs]
        )


class KpiView(APIView):
    """Case KPIs per dimension and period, with definitions and drill-down query strings."""

    @extend_schema(
        parameters=[
            OpenApiParameter("dimension", OpenApiTypes.STR, enum=list(kpis.DIMENSIONS), default="unit"),
            OpenApiParameter("period", OpenApiTypes.STR, description=str(kpis.PERIOD_HELP)),
        ],
        responses={200: s.CaseKpiReportSerializer},
        summary="案件考核指标（应处置数等计数、比率、综合得分、下钻）",
    )
    def get(self, request):
        dimension = request.query_params.get("dimension") or "unit"
        try:
            period = kpis.parse_period(request.query_params.get("period"))
            formulas = list(KpiFormula.objects.active())
            rows = kpis.compute(
                dimension, period, queryset=Case.objects.restrict(request.user, "view"), formulas=formulas
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc)
        body = {
            "dimension": dimension,
            "period": period.code,
            "period_start": period.start,
            "period_end": period.end,
            **s.kpi_definitions(),
            "formulas": formulas,
            "rows": [row.__dict__ for row in rows],
        }
        return Response(s.CaseKpiReportSerializer(body).data)


class RoutingRuleViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Dispatch rules (派遣规则): the office edits, office/leaders/auditors read."""

    model = RoutingRule
    serializer_class = s.RoutingRuleSerializer
    ordering_fields = ["priority", "name"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def base_queryset(self):
        return RoutingRule.objects.order_by("priority", "id")

    def perform_create(self, serializer):
        serializer.instance = self.call_service(services.create_routing_rule, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call_service(
            services.update_routing_rule, rule=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.call_service(services.delete_routing_rule, rule=instance)


class KpiFormulaViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Composite KPI formulas (综合考核公式); names allowed: every KPI code and its Chinese label."""

    model = KpiFormula
    serializer_class = s.KpiFormulaSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self):
        return KpiFormula.objects.order_by("order", "id")

    def perform_create(self, serializer):
        serializer.instance = self.call_service(services.save_kpi_formula, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.call_service(
            services.save_kpi_formula, formula=serializer.instance, **serializer.validated_data
        )
