"""Account pages: user administration (admin only), own profile and password, the sign-in event log."""

import json
from functools import cached_property

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from wenming.accounts import audit, services
from wenming.accounts.choices import Role
from wenming.accounts.filtersets import AuditEventFilterSet, UserFilterSet
from wenming.accounts.forms import (
    AdminSetPasswordForm,
    MembershipForm,
    ProfileForm,
    UnlockForm,
    UserCreateForm,
    UserEditForm,
)
from wenming.accounts.mixins import AdminRequiredMixin, RoleRequiredMixin
from wenming.accounts.models import AuditEvent, Membership, User


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _scope_label(membership: Membership) -> str:
    target = membership.unit or membership.area or membership.special_group
    return f"{membership.get_role_display()}" + (f"（{target}）" if target else _("（全区）"))


# --- user administration ---------------------------------------------------------------------------


class UserScopedMixin(AdminRequiredMixin):
    action = "view"

    def get_user_object(self) -> User:
        return get_object_or_404(User.objects.restrict(self.request.user, self.action), pk=self.kwargs["pk"])


def _user_list_queryset(request):
    active = (
        Membership.objects.active().select_related("unit", "area", "special_group").order_by("role", "pk")
    )
    queryset = (
        User.objects.restrict(request.user, "view")
        .select_related("person")
        .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_memberships"))
        .order_by("username")
    )
    return UserFilterSet(request.GET or None, queryset=queryset, request=request)


class UserListView(AdminRequiredMixin, ListView):
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = _user_list_queryset(self.request)
        return self.filterset.qs

    def get_template_names(self):
        return ["accounts/user_list.html#table"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class UserExportView(AdminRequiredMixin, View):
    """The filtered user list as XLSX."""

    def get(self, request):
        from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

        workbook = SafeWorkbook()
        sheet = workbook.active
        sheet.title = _("用户")
        sheet.append(
            [
                _("用户名"),
                _("显示名称"),
                _("手机号"),
                _("电子邮箱"),
                _("角色与范围"),
                _("启用"),
                _("演示账号"),
                _("最后登录"),
            ]
        )
        for user in _user_list_queryset(request).qs:
            last = timezone.localtime(user.last_login).strftime("%Y-%m-%d %H:%M") if user.last_login else ""
            sheet.append(
                [
                    user.username,
                    user.display_name,
                    user.phone,
                    user.email,
                    "；".join(_scope_label(m) for m in user.active_memberships),
                    _("是") if user.is_active else _("否"),
                    _("是") if user.is_demo else _("否"),
                    last,
                ]
            )
        response = HttpResponse(
            workbook_bytes(workbook),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        audit.record(request.user, audit.EXPORT, "accounts.User", {"query": request.GET.urlencode()}, request=request)  # fmt: skip
        response["Content-Disposition"] = 'attachment; filename="users.xlsx"'
        return response


class UserDetailView(UserScopedMixin, DetailView):
    template_name = "accounts/user_detail.html"
    context_object_name = "account"

    def get_object(self, queryset=None):
        return self.get_user_object()

    def get_context_data(self, **kwargs):
        account = self.object
        audit.record(self.request.user, audit.PERSONAL_VIEW, account, {"page": "user_detail"}, request=self.request)  # fmt: skip
        token = services.current_token(account)
        return super().get_context_data(
            token=token,
            token_expires_at=services.token_expires_at(token) if token else None,
            memberships=account.memberships.select_related("unit", "area", "special_group").order_by(
                "-is_active", "role"
            ),
            logins=AccessLog.objects.filter(username=account.username).order_by("-attempt_time")[:10],
            failures=AccessFailureLog.objects.filter(username=account.username).order_by("-attempt_time")[
                :10
            ],
            **kwargs,
        )


class UserCreateView(AdminRequiredMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = UserCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.create_user(
                    actor=self.request.user,
                    username=data["username"],
                    password=data["password1"],
                    display_name=data["display_name"],
                    phone=data["phone"],
                    email=data["email"],
                    person=data["person"],
                )
                if data["role"]:
                    services.grant_membership(
                        actor=self.request.user,
                        user=user,
                        role=data["role"],
                        unit=data["unit"],
                        area=data["area"],
                        special_group=data["special_group"],
                    )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已创建用户“%(name)s”。") % {"name": user.username})
        return redirect("accounts:user_detail", pk=user.pk)


class UserEditView(UserScopedMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = UserEditForm
    action = "change"

    @cached_property
    def account(self) -> User:
        return self.get_user_object()

    def get_initial(self):
        a = self.account
        return {
            "display_name": a.display_name,
            "phone": a.phone,
            "email": a.email,
            "person": a.person,
            "is_active": a.is_active,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_user(
                actor=self.request.user,
                user=self.account,
                display_name=data["display_name"],
                phone=data["phone"],
                email=data["email"],
                person=data["person"],
                clear_person=data["person"] is None,
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect("accounts:user_detail", pk=self.account.pk)


class MembershipGrantView(UserEditView):
    template_name = "accounts/membership_form.html"
    form_class = MembershipForm

    def get_initial(self):
        return {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.grant_membership(actor=self.request.user, user=self.account, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已授权。"))
        return redirect("accounts:user_detail", pk=self.account.pk)


class MembershipRevokeView(UserScopedMixin, TemplateView):
    """GET asks for confirmation; POST revokes (the grant is kept, inactive, in the record)."""

    template_name = "accounts/membership_revoke.html"
    action = "change"

    def get_membership(self) -> Membership:
        account = self.get_user_object()
        queryset = Membership.objects.restrict(self.request.user, "change").select_related(
            "unit", "area", "special_group"
        )
        return get_object_or_404(queryset, pk=self.kwargs["membership_pk"], user=account)

    def get(self, request, *args, **kwargs):
        membership = self.get_membership()
        return self.render_to_response(self.get_context_data(membership=membership, account=membership.user))

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        try:
            services.revoke_membership(actor=request.user, membership=membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已撤销授权：%(grant)s。") % {"grant": _scope_label(membership)})
        return redirect("accounts:user_detail", pk=membership.user_id)


class UserPasswordView(UserEditView):
    template_name = "accounts/password_form.html"
    form_class = AdminSetPasswordForm

    def get_initial(self):
        return {}

    def form_valid(self, form):
        try:
            services.set_password(
                actor=self.request.user, user=self.account, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc.messages)
            return self.form_invalid(form)
        if self.account.pk == self.request.user.pk:
            update_session_auth_hash(self.request, self.account)
        messages.success(
            self.request, _("已重置“%(name)s”的密码，其 API 令牌已作废。") % {"name": self.account.username}
        )
        return redirect("accounts:user_detail", pk=self.account.pk)


# --- own profile ----------------------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_initial(self):
        u = self.request.user
        return {"display_name": u.display_name, "phone": u.phone, "email": u.email}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            memberships=Membership.objects.restrict(user, "view")
            .filter(user=user)
            .active()
            .select_related("unit", "area", "special_group")
            .order_by("role", "pk"),
            scope_summary=user.scope().summary(),
            token=(token := services.current_token(user)),
            token_expires_at=services.token_expires_at(token) if token else None,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_user(actor=self.request.user, user=self.request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("个人资料已保存。"))
        return redirect("accounts:profile")


class PasswordChangeView(LoginRequiredMixin, FormView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        try:
            services.set_password(actor=user, user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc.messages)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。"))
        return redirect("accounts:profile")


# --- sign-in events (django-axes) ---------------------------------------------------------------------

AUTH_LOG_KINDS = {"login": AccessLog, "failure": AccessFailureLog}


class AuthLogView(AdminRequiredMixin, TemplateView):
    """Successful sign-ins/outs and failed attempts (django-axes records), plus current lock counters."""

    template_name = "accounts/auth_log.html"
    paginate_by = 50

    def get_template_names(self):
        return ["accounts/auth_log.html#table"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind")
        kind = kind if kind in AUTH_LOG_KINDS else "login"
        q = (self.request.GET.get("q") or "").strip()
        events = AUTH_LOG_KINDS[kind].objects.order_by("-attempt_time")
        attempts = AccessAttempt.objects.order_by("-attempt_time")
        if q:
            events = events.filter(username__icontains=q)
            attempts = attempts.filter(username__icontains=q)
        page_obj = Paginator(events, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            kind=kind,
            q=q,
            page_obj=page_obj,
            events=page_obj.object_list,
            attempts=attempts[:50],
            failure_limit=settings.AXES_FAILURE_LIMIT,
            unlock_form=UnlockForm(),
            **kwargs,
        )


class AuthUnlockView(AdminRequiredMixin, View):
    """POST: clear the failure counters of a username and/or IP address."""

    def post(self, request):
        form = UnlockForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("IP 地址格式不正确。"))
            return redirect("accounts:auth_log")
        try:
            count = services.unlock_login(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已清除 %(n)d 条失败计数。") % {"n": count})
        return redirect(reverse("accounts:auth_log"))


# --- audit log (auditor and administrator) --------------------------------------------------------------


class AuditorRequiredMixin(RoleRequiredMixin):
    roles = frozenset({Role.AUDITOR, Role.ADMIN})


def _audit_filterset(request):
    base = AuditEvent.objects.restrict(request.user, "view").select_related("actor")
    filterset = AuditEventFilterSet(request.GET or None, queryset=base)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else base.none()
    return filterset, qs.order_by("-at", "-id")


class AuditLogView(AuditorRequiredMixin, TemplateView):
    """The audit log: exports, personal-data views, denials, configuration changes, tokens; filtered and paged."""

    template_name = "accounts/audit_log.html"
    paginate_by = 50

    def get_template_names(self):
        return ["accounts/audit_log.html#table"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        filterset, events = _audit_filterset(self.request)
        page_obj = Paginator(events, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filterset=filterset,
            page_obj=page_obj,
            events=page_obj.object_list,
            querystring=self.request.GET.urlencode(),
            **kwargs,
        )


AUDIT_EXPORT_MAX_ROWS = 100_000


class AuditExportView(AuditorRequiredMixin, View):
    """The filtered audit log as XLSX (at most AUDIT_EXPORT_MAX_ROWS rows, newest first)."""

    def get(self, request):
        from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

        _filterset, events = _audit_filterset(request)
        workbook = SafeWorkbook(write_only=True)
        sheet = workbook.create_sheet(_("审计日志"))
        sheet.append([_("时间"), _("用户名"), _("类型"), _("对象"), _("详情"), _("IP 地址"), _("请求路径")])
        rows = 0
        for event in events[:AUDIT_EXPORT_MAX_ROWS].iterator(chunk_size=2000):
            sheet.append(
                [
                    timezone.localtime(event.at).replace(tzinfo=None),
                    event.actor_name,
                    str(event.get_action_display()),
                    event.target,
                    json.dumps(event.detail, ensure_ascii=False),
                    event.ip_address,
                    event.path,
                ]
            )
            rows += 1
        audit.record(request.user, audit.EXPORT, "accounts.AuditEvent", {"rows": rows, "query": request.GET.urlencode()}, request=request)  # fmt: skip
        response = HttpResponse(
            workbook_bytes(workbook),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.xlsx"'
        return response


# --- API tokens: the holder or an administrator revokes ---------------------------------------------------


class OwnTokenRevokeView(LoginRequiredMixin, View):
    """POST: revoke my own API token (programs using it must sign in again)."""

    def post(self, request):
        count = services.revoke_token(actor=request.user, user=request.user, request=request)
        messages.success(request, _("API 令牌已吊销。") if count else _("当前没有有效的 API 令牌。"))
        return redirect("accounts:profile")


class UserTokenRevokeView(UserScopedMixin, View):
    """POST: an administrator revokes a user's API token."""

    action = "change"

    def post(self, request, pk: int):
        account = self.get_user_object()
        count = services.revoke_token(actor=request.user, user=account, request=request)
        messages.success(request, _("API 令牌已吊销。") if count else _("当前没有有效的 API 令牌。"))
        return redirect("accounts:user_detail", pk=account.pk)
