from wenming.core.api.routers import DefaultRouter
from wenming.dashboard.api import views

router = DefaultRouter(trailing_slash=True)
router.register("leader", views.LeaderSummaryViewSet, basename="dashboard-leader")
router.register("test-dates", views.TestDateViewSet, basename="dashboard-test-date")
urlpatterns = router.urls
