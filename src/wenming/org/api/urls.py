from wenming.core.api.routers import DefaultRouter
from wenming.org.api import views

router = DefaultRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("groups", views.SpecialGroupViewSet, basename="group")
router.register("people", views.PersonViewSet, basename="person")
app_name = "org_api"
urlpatterns = router.urls
