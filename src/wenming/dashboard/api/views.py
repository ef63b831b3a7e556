"""Read API of the dashboard: the leadership summary (countdown, estimate, overdue by unit, trend) and the
test dates."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from wenming.core.dbrouter import replica_reads
from wenming.dashboard import leader
from wenming.dashboard.api.serializers import LeaderSummarySerializer, TestDateSerializer
from wenming.dashboard.models import TestDate


class LeaderSummaryViewSet(viewsets.ViewSet):
    """领导驾驶舱 in figures, for the roles that see it (admin, office, leader, auditor, special-group lead)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lines", OpenApiTypes.INT, description="预估失分明细条数（默认 50，最多 1000）")
        ],
        responses=LeaderSummarySerializer,
    )
    def list(self, request):
        if not leader.may_view(request.user):
            raise PermissionDenied("只有领导、文明办、审计和专项组负责人可以查看驾驶舱。")
        try:
            limit = max(0, min(1000, int(request.query_params.get("lines", 50))))
        except ValueError:
            limit = 50
        with replica_reads(request):  # the figures from the replica when there is one (core.dbrouter)
            return Response(LeaderSummarySerializer(self._summary(request, limit)).data)

    def _summary(self, request, limit: int) -> dict:
        points, cases = leader.scoped(request.user)
        estimate = leader.estimate_today(points)
        statuses = leader.point_statuses(points, cases)
        payload = {
            "countdown": leader.countdown(),
            "counts": {
                "points": len(statuses),
                "pass": sum(1 for p in statuses if p.status == "pass"),
                "fail": sum(1 for p in statuses if p.status == "fail"),
                "none": sum(1 for p in statuses if p.status == "none"),
                "open_cases": cases.open().count(),
                "overdue": cases.overdue().count(),
            },
            "estimate": {
                "points": estimate.points,
                "passed": estimate.passed,
                "pass_rate": estimate.pass_rate,
                "mean_score": estimate.mean_score,
                "total_lost": estimate.total_lost,
                "lines": estimate.lines[:limit],
            },  # fmt: skip
            "overdue_units": leader.overdue_by_unit(cases),
            "case_trend": leader.case_trend(cases),
        }
        return payload


class TestDateViewSet(viewsets.ReadOnlyModelViewSet):
    """The test dates the countdown targets."""

    serializer_class = TestDateSerializer

    def get_queryset(self):
        return TestDate.objects.restrict(self.request.user, "view").order_by("date", "pk")
