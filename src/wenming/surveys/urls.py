from django.urls import path

from wenming.surveys.views import collect, examples, questionnaires, training, waves

app_name = "surveys"
urlpatterns = [
    # waves (调查批次)
    path("", waves.WaveListView.as_view(), name="survey_list"),
    path("waves/new/", waves.WaveCreateView.as_view(), name="wave_create"),
    path("waves/<int:pk>/", waves.WaveDetailView.as_view(), name="wave_detail"),
    path("waves/<int:pk>/edit/", waves.WaveUpdateView.as_view(), name="wave_update"),
    path("waves/<int:pk>/open/", waves.WaveOpenView.as_view(), name="wave_open"),
    path("waves/<int:pk>/close/", waves.WaveCloseView.as_view(), name="wave_close"),
    path("waves/<int:pk>/estimates/", waves.WaveEstimatesView.as_view(), name="wave_estimates"),
    path("waves/<int:pk>/responses/", waves.ResponseListView.as_view(), name="response_list"),
    path("waves/<int:pk>/export/", waves.WaveExportView.as_view(), name="wave_export"),
    path("waves/<int:pk>/import/", waves.WaveImportView.as_view(), name="wave_import"),
    path(
        "waves/<int:pk>/import/template/", waves.WaveImportTemplateView.as_view(), name="wave_import_template"
    ),
    path(
        "waves/<int:pk>/strata/<int:stratum_pk>/poster/",
        waves.StratumPosterView.as_view(),
        name="stratum_poster",
    ),
    path("waves/<int:pk>/collect/", collect.CollectView.as_view(), name="collect"),
    path("compare/", waves.WaveCompareView.as_view(), name="wave_compare"),
    path("responses/<int:pk>/", waves.ResponseDetailView.as_view(), name="response_detail"),
    path("sw.js", collect.ServiceWorkerView.as_view(), name="service_worker"),
    # the public link (no login)
    path("s/<str:token>/", collect.PublicSurveyView.as_view(), name="public_survey"),
    path("s/<str:token>/thanks/", collect.PublicThanksView.as_view(), name="public_thanks"),
    # questionnaires (问卷设计)
    path("questionnaires/", questionnaires.QuestionnaireListView.as_view(), name="questionnaire_list"),
    path(
        "questionnaires/new/", questionnaires.QuestionnaireCreateView.as_view(), name="questionnaire_create"
    ),
    path(
        "questionnaires/<int:pk>/",
        questionnaires.QuestionnaireDetailView.as_view(),
        name="questionnaire_detail",
    ),
    path(
        "questionnaires/<int:pk>/edit/",
        questionnaires.QuestionnaireUpdateView.as_view(),
        name="questionnaire_update",
    ),
    path(
        "questionnaires/<int:pk>/copy/",
        questionnaires.QuestionnaireCopyView.as_view(),
        name="questionnaire_copy",
    ),
    path(
        "questionnaires/<int:pk>/questions/new/",
        questionnaires.QuestionCreateView.as_view(),
        name="question_create",
    ),
    path("questions/<int:pk>/edit/", questionnaires.QuestionUpdateView.as_view(), name="question_update"),
    path("questions/<int:pk>/delete/", questionnaires.QuestionDeleteView.as_view(), name="question_delete"),
    path("questions/<int:pk>/move/", questionnaires.QuestionMoveView.as_view(), name="question_move"),
    # training (培训)
    path("training/", training.TrainingListView.as_view(), name="training_list"),
    path("training/new/", training.TrainingCreateView.as_view(), name="training_create"),
    path("training/coverage/", training.CoverageView.as_view(), name="training_coverage"),
    path("training/<int:pk>/", training.TrainingDetailView.as_view(), name="training_detail"),
    path("training/<int:pk>/edit/", training.TrainingUpdateView.as_view(), name="training_update"),
    path("training/<int:pk>/delete/", training.TrainingDeleteView.as_view(), name="training_delete"),
    path("training/<int:pk>/attendance/", training.AttendanceView.as_view(), name="training_attendance"),
    path("training/<int:pk>/materials/", training.MaterialUploadView.as_view(), name="material_upload"),
    path("training/<int:session_pk>/quizzes/new/", training.QuizEditView.as_view(), name="quiz_create"),
    path("materials/<int:pk>/", training.MaterialDownloadView.as_view(), name="material_download"),
    path("materials/<int:pk>/delete/", training.MaterialDeleteView.as_view(), name="material_delete"),
    path("quizzes/<int:pk>/", training.QuizTakeView.as_view(), name="quiz_take"),
    path("quizzes/<int:pk>/edit/", training.QuizEditView.as_view(), name="quiz_update"),
    # the example library (典型示例)
    path("examples/", examples.ExampleListView.as_view(), name="example_list"),
    path("examples/new/", examples.ExampleCreateView.as_view(), name="example_create"),
    path("examples/<int:pk>/", examples.ExampleDetailView.as_view(), name="example_detail"),
    path("examples/<int:pk>/edit/", examples.ExampleUpdateView.as_view(), name="example_update"),
    path("examples/<int:pk>/delete/", examples.ExampleDeleteView.as_view(), name="example_delete"),
    path("examples/<int:pk>/photos/", examples.ExamplePhotoAddView.as_view(), name="example_photo_add"),
    path(
        "example-photos/<int:pk>/delete/",
        examples.ExamplePhotoDeleteView.as_view(),
        name="example_photo_delete",
    ),
]
