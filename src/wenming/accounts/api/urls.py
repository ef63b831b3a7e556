"""Mounted at /api/v1/ (not /api/v1/accounts/): auth/token/, auth/me/, users/, tokens/."""

from django.urls import path

from wenming.accounts.api import views
from wenming.core.api.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("users", views.UserViewSet, basename="user")
router.register("tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-auth-token"),
    path("auth/me/", views.MeView.as_view(), name="api-auth-me"),
    *router.urls,
]
