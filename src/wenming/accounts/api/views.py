"""Accounts API: token sign-in, the current user, user administration (admins only)."""

from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from wenming.accounts import services
from wenming.accounts.api import serializers as s
from wenming.accounts.api.permissions import IsAdminRole
from wenming.accounts.filtersets import UserFilterSet
from wenming.accounts.models import Membership, User


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's Django ValidationError as the API's 400 body."""
    if hasattr(exc, "error_dict"):
        errors = dict(exc.message_dict)
        if NON_FIELD_ERRORS in errors:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        return serializers.ValidationError(errors)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class TokenView(APIView):
    """Exchange a username and password for the user's API token.

    Failed attempts count towards the sign-in lockout (django-axes), like the login page: after too many
    failures the answer is 429 with a Chinese message, even for the right password.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="用户名和密码换取 API 令牌（失败计入登录锁定）",
        tags=["auth"],
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenSerializer,
            400: OpenApiResponse(description="用户名或密码错误"),
            429: OpenApiResponse(description="登录失败次数过多，已暂时锁定"),
        },
        auth=[],
    )
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Axes reads and flags the plain HttpRequest (its middleware turns the flag into the lockout answer).
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            raise serializers.ValidationError({"non_field_errors": [_("用户名或密码错误。")]})
        # Getting a token is a sign-in: django-axes writes the login record (AccessLog) and resets the
        # failure counters, Django stamps last_login, exactly as for the login page.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token = services.issue_token(user=user, request=request._request)
        expires = services.token_expires_at(token)
        return Response({"token": token.key, "expires_at": expires.isoformat() if expires else None})


class MeView(APIView):
    """The signed-in user with roles and a summary of the data scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="当前用户：角色与数据范围", tags=["auth"], responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(summary="用户列表（仅系统管理员）"), retrieve=extend_schema(summary="用户详情")
)
class UserViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """User accounts (system administrators only). Roles are granted and revoked with the two actions."""

    permission_classes = [IsAdminRole]
    serializer_class = s.UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ["username", "last_login", "date_joined"]
    ordering = ["username"]

    def get_queryset(self):
        active = (
            Membership.objects.active().select_related("unit", "area", "special_group").order_by("role", "pk")
        )
        return (
            User.objects.restrict(self.request.user, "view")
            .select_related("person__unit")
            .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_memberships"))
            .order_by("username")
        )

    @extend_schema(summary="新建用户", request=s.UserCreateSerializer, responses={201: s.UserSerializer})
    def create(self, request, *args, **kwargs):
        data = s.UserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.create_user(actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc)
        return Response(s.UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="授予角色（含范围）",
        request=s.MembershipGrantSerializer,
        responses={201: s.MembershipSerializer},
    )
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        user = self.get_object()
        data = s.MembershipGrantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            membership = services.grant_membership(actor=request.user, user=user, **data.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc)
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="撤销授权", request=s.MembershipRevokeSerializer, responses={200: s.MembershipSerializer}
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        user = self.get_object()
        data = s.MembershipRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = get_object_or_404(
            Membership.objects.restrict(request.user, "change"),
            pk=data.validated_data["membership"],
            user=user,
        )
        try:
            membership = services.revoke_membership(actor=request.user, membership=membership)
        except DjangoValidationError as exc:
            raise as_drf_error(exc)
        return Response(s.MembershipSerializer(membership).data)


@extend_schema_view(
    list=extend_schema(summary="API 令牌列表（本人的；系统管理员看全部）"),
    retrieve=extend_schema(summary="某用户的 API 令牌（本人或系统管理员）"),
    destroy=extend_schema(summary="吊销 API 令牌（本人或系统管理员；记入审计日志）", responses={204: None}),
)
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """API tokens by holder (`/tokens/{user}/`): everyone sees and revokes their own, a system administrator
    everyone's; other tokens are 404. The key itself is never shown (it is given once, at sign-in).
    Revoking calls `services.revoke_token` (audited)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ApiTokenSerializer
    lookup_field = "user"
    filter_backends: list = []

    def get_queryset(self):
        return services.visible_tokens(self.request.user)

    def perform_destroy(self, instance):
        try:
            services.revoke_token(actor=self.request.user, user=instance.user, request=self.request._request)
        except DjangoValidationError as exc:  # the service's own rule (only the holder or an administrator)
            raise as_drf_error(exc)
