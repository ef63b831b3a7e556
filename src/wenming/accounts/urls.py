from django.contrib.auth import views as auth_views
from django.urls import path

from wenming.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/export/", views.UserExportView.as_view(), name="user_export"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("users/<int:pk>/memberships/new/", views.MembershipGrantView.as_view(), name="membership_grant"),
    path(
        "users/<int:pk>/memberships/<int:membership_pk>/revoke/",
        views.MembershipRevokeView.as_view(),
        name="membership_revoke",
    ),
    path("auth-log/", views.AuthLogView.as_view(), name="auth_log"),
    path("auth-log/unlock/", views.AuthUnlockView.as_view(), name="auth_unlock"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("audit/export/", views.AuditExportView.as_view(), name="audit_export"),
    path("profile/token/revoke/", views.OwnTokenRevokeView.as_view(), name="token_revoke"),
    path("users/<int:pk>/token/revoke/", views.UserTokenRevokeView.as_view(), name="user_token_revoke"),
]
