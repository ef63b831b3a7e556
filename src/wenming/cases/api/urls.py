"""Mounted at /api/v1/cases/: the cases themselves at the root, then kpis/, routing-rules/, kpi-formulas/."""

from django.urls import path

from wenming.cases.api import views
from wenming.core.api.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
router.register("routing-rules", views.RoutingRuleViewSet, basename="routing-rule")
router.register("kpi-formulas", views.KpiFormulaViewSet, basename="kpi-formula")
router.register("", views.CaseViewSet, basename="case")

app_name = "cases_api"
urlpatterns = [path("kpis/", views.KpiView.as_view(), name="kpis"), *router.urls]
