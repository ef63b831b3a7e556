from wenming.core.api.routers import DefaultRouter
from wenming.standards.api import views

router = DefaultRouter(trailing_slash=True)
router.register("sets", views.StandardSetViewSet, basename="standards-set")
router.register("point-types", views.PointTypeViewSet, basename="standards-point-type")
router.register("criteria", views.CriterionViewSet, basename="standards-criterion")
router.register("categories", views.ProblemCategoryViewSet, basename="standards-category")
urlpatterns = router.urls
