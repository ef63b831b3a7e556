from wenming.bulletins.api import views
from wenming.core.api.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)
router.register("bulletins", views.BulletinViewSet, basename="bulletins-bulletin")
router.register("schemes", views.SchemeViewSet, basename="bulletins-scheme")
router.register("appraisal-runs", views.RunViewSet, basename="bulletins-run")
router.register("appraisal-results", views.ResultViewSet, basename="bulletins-result")
urlpatterns = router.urls
