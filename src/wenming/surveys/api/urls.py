from wenming.core.api.routers import DefaultRouter
from wenming.surveys.api import views

router = DefaultRouter(trailing_slash=True)
router.register("waves", views.WaveViewSet, basename="wave")
router.register("questionnaires", views.QuestionnaireViewSet, basename="questionnaire")
router.register("responses", views.ResponseViewSet, basename="response")
router.register("training-sessions", views.TrainingSessionViewSet, basename="training-session")
router.register("examples", views.ExampleViewSet, basename="example")
app_name = "surveys_api"
urlpatterns = router.urls
