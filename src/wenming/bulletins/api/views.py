"""Read API of bulletins and appraisal: bulletins (with their frozen data snapshot), schemes, runs, results."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wenming.bulletins.api.serializers import (
    AppraisalResultSerializer,
    AppraisalRunSerializer,
    AppraisalSchemeSerializer,
    BulletinDataSerializer,
    BulletinSerializer,
)
from wenming.bulletins.filtersets import AppraisalResultFilterSet, AppraisalRunFilterSet, BulletinFilterSet
from wenming.bulletins.models import AppraisalResult, AppraisalRun, AppraisalScheme, Bulletin


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Bulletins in the caller's scope; `data/` is the JSON snapshot the documents were rendered from."""

    serializer_class = BulletinSerializer
    filterset_class = BulletinFilterSet
    ordering_fields = ["created_at", "issue_date", "doc_seq"]

    def get_queryset(self):
        return (
            Bulletin.objects.restrict(self.request.user, "view")
            .prefetch_related("recipients")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(responses=BulletinDataSerializer)
    @action(detail=True, methods=["get"])
    def data(self, request, pk=None):
        bulletin = self.get_object()
        return Response(
            BulletinDataSerializer(
                {"id": bulletin.pk, "data_hash": bulletin.data_hash, "data": bulletin.data}
            ).data
        )


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Appraisal schemes (office, leaders, auditors)."""

    serializer_class = AppraisalSchemeSerializer

    def get_queryset(self):
        return (
            AppraisalScheme.objects.restrict(self.request.user, "view")
            .prefetch_related("rules")
            .order_by("order", "pk")
        )


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """Appraisal runs; units see the published runs that hold their own result."""

    serializer_class = AppraisalRunSerializer
    filterset_class = AppraisalRunFilterSet

    def get_queryset(self):
        return (
            AppraisalRun.objects.restrict(self.request.user, "view")
            .select_related("scheme")
            .order_by("-computed_at", "-pk")
        )


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Appraisal results with every figure; units see their own results of published runs."""

    serializer_class = AppraisalResultSerializer
    filterset_class = AppraisalResultFilterSet

    def get_queryset(self):
        return AppraisalResult.objects.restrict(self.request.user, "view").order_by(
            "run_id", "rank", "label", "pk"
        )
