from wenming.core.api.routers import DefaultRouter
from wenming.geo.api import views

router = DefaultRouter(trailing_slash=True)
router.register("areas", views.AreaViewSet, basename="area")
router.register("points", views.PointViewSet, basename="point")
router.register("duties", views.DutyViewSet, basename="duty")
app_name = "geo_api"
urlpatterns = router.urls
