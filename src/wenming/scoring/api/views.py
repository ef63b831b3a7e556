"""Read API of scoring: rankings, frozen snapshots, 易扣分点 (Pareto), point score history, themes."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from wenming.geo.models import Point
from wenming.scoring import bases, deductions, figures
from wenming.scoring.api.serializers import (
    DeductionThemeSerializer,
    HistoryRowSerializer,
    ParetoSerializer,
    RankingSerializer,
    SnapshotDetailSerializer,
    SnapshotPointSerializer,
    SnapshotSerializer,
)
from wenming.scoring.choices import Dimension
from wenming.scoring.filtersets import SnapshotFilterSet
from wenming.scoring.forms import RankingParamsForm, SourceParamsForm
from wenming.scoring.models import DeductionTheme, ScoreSnapshot, SnapshotPoint


def _valid(form):
    if not form.is_valid():
        raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
    return form.cleaned_data


def _round_ref(r) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "kind": r.kind,
        "state": r.state,
        "period_start": r.period_start,
        "period_end": r.period_end,
    }


ROUND_PARAM = OpenApiParameter("round", OpenApiTypes.INT, description="轮次编号；缺省为最近结束的轮次")


class RankingViewSet(viewsets.ViewSet):
    """Rankings of a round along one dimension (frozen for closed rounds, live for open ones)."""

    @extend_schema(
        parameters=[
            ROUND_PARAM,
            OpenApiParameter("dimension", OpenApiTypes.STR, enum=Dimension.values, description="默认 street"),
            OpenApiParameter(
                "basis",
                OpenApiTypes.STR,
                enum=list(bases.BASES),
                description="排名依据，默认 mean_score（平均得分）",
            ),
        ],
        responses=RankingSerializer,
    )
    def list(self, request):
        data = _valid(RankingParamsForm(request.query_params))
        round_obj = data.get("round") or figures.default_round()
        if round_obj is None:
            raise ValidationError({"round": ["暂无可排名的测评轮次。"]})
        basis = bases.get(data.get("basis"))
        ranking = figures.ranking(round_obj, data["dimension"], basis=basis.code)
        snap = ranking.snapshot
        payload = {
            "round": _round_ref(round_obj),
            "dimension": ranking.dimension,
            "basis": basis.code,
            "basis_rule": bases.rule_text(basis),
            "source": "live" if ranking.is_live else "snapshot",
            "snapshot": snap.pk if snap else None,
            "snapshot_version": snap.version if snap else None,
            "data_hash": snap.data_hash if snap else None,
            "results": [
                {**row.__dict__, "score_rate": row.score_rate, "compliance_rate": row.compliance_rate}
                for row in ranking.rows
            ],
        }
        return Response(RankingSerializer(payload).data)


class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """Frozen evaluation results; `points` lists the per-point scores within the caller's point scope."""

    filterset_class = SnapshotFilterSet
    ordering_fields = ["created_at", "version"]

    def get_queryset(self):
        qs = ScoreSnapshot.objects.restrict(self.request.user, "view").select_related("round")
        if self.action == "retrieve":
            qs = qs.prefetch_related("rollups")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SnapshotDetailSerializer
        if self.action == "points":
            return SnapshotPointSerializer
        return SnapshotSerializer

    @extend_schema(responses=SnapshotPointSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None)
    def points(self, request, pk=None):
        snapshot = self.get_object()
        qs = (
            SnapshotPoint.objects.filter(snapshot=snapshot)
            .restrict(request.user, "view")
            .select_related("point")
        )
        page = self.paginate_queryset(qs.order_by("pk"))
        return self.get_paginated_response(SnapshotPointSerializer(page, many=True).data)


class ParetoViewSet(viewsets.ViewSet):
    """易扣分点 of a round (`round`) or a period (`period`: 2026, 2026-Q2, 2026-05, 2026-W18, a..b)."""

    @extend_schema(
        parameters=[
            ROUND_PARAM,
            OpenApiParameter("period", OpenApiTypes.STR, description=deductions.PERIOD_HELP),
            OpenApiParameter("order", OpenApiTypes.STR, enum=["lost", "count"]),
        ],
        responses=ParetoSerializer,
    )
    def list(self, request):
        data = _valid(SourceParamsForm(request.query_params))
        period = data.get("period")
        round_obj = None
        if period:
            loss_set = deductions.losses_of_period(period)
        else:
            round_obj = data.get("round") or figures.default_round()
            if round_obj is None:
                raise ValidationError({"round": ["暂无测评轮次。"]})
            loss_set = deductions.losses_of_round(round_obj)
        view = deductions.pareto_view(loss_set)
        if data.get("order") == "count":
            view.by_criterion.sort(key=lambda line: (-line.count, -line.lost))
        payload = {
            "source": period.label if period else round_obj.name,
            "round": round_obj.pk if round_obj else None,
            "period_start": period.start if period else None,
            "period_end": period.end if period else None,
            "snapshot": view.snapshot.pk if view.snapshot else None,
            "inspections": view.inspections,
            "total_lost": view.total_lost,
            "total_count": view.total_count,
            "by_criterion": [line.__dict__ for line in view.by_criterion],
            "by_category": [line.__dict__ for line in view.by_category],
            "by_theme": [line.__dict__ for line in view.by_theme],
        }
        return Response(ParetoSerializer(payload).data)


class PointScoreViewSet(viewsets.ViewSet):
    """A point's score history: every inspection scored by the engine, with the frozen score beside it."""

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="点位编号")],
        responses=HistoryRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        point = get_object_or_404(Point.objects.restrict(request.user, "view"), pk=pk)
        rows = figures.point_history(point)
        return Response(HistoryRowSerializer([r.__dict__ for r in rows], many=True).data)


class DeductionThemeViewSet(viewsets.ReadOnlyModelViewSet):
    """The frequent-deduction themes (易扣分点主题) and the problem category codes they cover."""

    serializer_class = DeductionThemeSerializer
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return DeductionTheme.objects.restrict(self.request.user, "view")
