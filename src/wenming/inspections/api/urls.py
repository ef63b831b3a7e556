from wenming.core.api.routers import DefaultRouter
from wenming.inspections.api import views

router = DefaultRouter(trailing_slash=True)
router.register("rounds", views.RoundViewSet, basename="round")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("observations", views.ObservationViewSet, basename="observation")
urlpatterns = router.urls
