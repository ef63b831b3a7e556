from wenming.core.api.routers import DefaultRouter
from wenming.scoring.api import views

router = DefaultRouter(trailing_slash=True)
router.register("rankings", views.RankingViewSet, basename="scoring-ranking")
router.register("snapshots", views.SnapshotViewSet, basename="scoring-snapshot")
router.register("pareto", views.ParetoViewSet, basename="scoring-pareto")
router.register("points", views.PointScoreViewSet, basename="scoring-point")
router.register("themes", views.DeductionThemeViewSet, basename="scoring-theme")
urlpatterns = router.urls
