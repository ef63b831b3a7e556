"""Mounted at /api/v1/participation/."""

from wenming.core.api.routers import SimpleRouter
from wenming.participation.api import views

router = SimpleRouter(trailing_slash=True)
router.register("reports", views.ReportViewSet, basename="report")

app_name = "participation_api"
urlpatterns = router.urls
