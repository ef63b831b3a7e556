"""The participation API (/api/v1/participation/): reports in the user's scope (office, leader/auditor read;
street/community/grid staff their areas), with the triage actions as POST endpoints calling the services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wenming.org.api.base import ScopedViewSetMixin, api_validation_error
from wenming.participation import services
from wenming.participation.api import serializers as s
from wenming.participation.filtersets import ReportFilterSet
from wenming.participation.models import Report


def _call(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except DjangoValidationError as exc:
        raise api_validation_error(exc)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc))


def _pick(model, value, name, label):
    if value is None:
        return None
    obj = model.objects.filter(pk=value).first()
    if obj is None:
        raise exceptions.ValidationError({name: [f"{label}不存在。"]})
    return obj


@extend_schema_view(
    list=extend_schema(summary="群众上报列表（按权限范围）"),
    retrieve=extend_schema(summary="群众上报详情"),
)
class ReportViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Citizen reports (群众上报)."""

    model = Report
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilterSet
    ordering_fields = ["submitted_at", "state"]
    ordering = ["-submitted_at", "-id"]

    def base_queryset(self):
        return Report.objects.with_list_related()

    def _detail(self, report):
        report = Report.objects.with_list_related().get(pk=report.pk)
        return Response(s.ReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(
        request=s.AcceptSerializer, responses=s.ReportSerializer, summary="受理：生成案件并按派遣规则派遣"
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        from wenming.geo.models import Area
        from wenming.standards.models import ProblemCategory

        report = self.get_object()
        ser = s.AcceptSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        report = _call(
            services.accept_report, report, actor=request.user,
            category=_pick(ProblemCategory, data.get("category"), "category", "问题类别"),
            area=_pick(Area, data.get("area"), "area", "区域"), dispatch=data["dispatch"], note=data["note"],
        )  # fmt: skip
        return self._detail(report)

    @extend_schema(
        request=s.RejectSerializer, responses=s.ReportSerializer, summary="不予受理（理由群众可见）"
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        report = self.get_object()
        ser = s.RejectSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._detail(
            _call(services.reject_report, report, actor=request.user, reason=ser.validated_data["reason"])
        )

    @extend_schema(request=s.MergeSerializer, responses=s.ReportSerializer, summary="合并到已有案件")
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        from wenming.cases.models import Case

        report = self.get_object()
        ser = s.MergeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        case = Case.objects.restrict(request.user, "change").filter(pk=ser.validated_data["case"]).first()
        if case is None:
            raise exceptions.ValidationError({"case": ["案件不存在。"]})
        return self._detail(
            _call(
                services.merge_report, report, actor=request.user, case=case, note=ser.validated_data["note"]
            )
        )

    @extend_schema(request=s.SpamSerializer, responses=s.ReportSerializer, summary="标记为无效信息")
    @action(detail=True, methods=["post"])
    def spam(self, request, pk=None):
        report = self.get_object()
        ser = s.SpamSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._detail(
            _call(services.mark_spam, report, actor=request.user, note=ser.validated_data["note"])
        )
