from django.urls import path

from wenming.planning import views

app_name = "planning"
urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan_publish"),
    path("routes/<int:pk>/", views.RouteDetailView.as_view(), name="route_detail"),
    path("routes/<int:pk>/print/", views.RoutePrintView.as_view(), name="route_print"),
    path("stops/<int:pk>/skip/", views.StopSkipView.as_view(), name="stop_skip"),
    path("today/", views.MyRouteView.as_view(), name="my_route"),
    path("rules/", views.VisitRuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/edit/", views.VisitRuleEditView.as_view(), name="rule_edit"),
]
