from django.urls import path

from wenming.forecast import views

app_name = "forecast"
urlpatterns = [
    path("", views.ForecastView.as_view(), name="forecast"),
    path("recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("open-case/", views.OpenCaseView.as_view(), name="open_case"),
    path("parameters/", views.ParametersView.as_view(), name="parameters"),
    path("backtest/", views.BacktestView.as_view(), name="backtest"),
]
