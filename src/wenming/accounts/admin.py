from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from wenming.accounts import audit, services
from wenming.accounts.models import AuditEvent, Membership, User
from wenming.core.admin import ReadOnlyAdminMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit", "area", "special_group"]
    fields = ["role", "unit", "area", "special_group", "is_third_party", "is_active", "valid_until"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "phone", "is_active", "is_demo", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_demo", "is_superuser", "memberships__role"]
    search_fields = ["username", "display_name", "phone", "email"]
    autocomplete_fields = ["person"]
    inlines = [MembershipInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("文明创建"), {"fields": ["display_name", "phone", "person", "is_demo"]}),
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            audit.record(request.user, audit.PERSONAL_VIEW, f"accounts.User:{object_id}", {"page": "admin"}, request=request)  # fmt: skip
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target", "path"]
    date_hierarchy = "at"


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "area", "special_group", "is_active", "valid_until"]
    list_filter = ["role", "is_active", "is_third_party"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user", "unit", "area", "special_group"]


# Sign-in logs are evidence: visible, never edited or removed in the admin (unlocking happens on the
# sign-in log page, which clears the failure counters of AccessAttempt).
for _log_model in (AccessLog, AccessFailureLog):
    _base = admin.ModelAdmin
    if admin.site.is_registered(_log_model):
        _base = type(admin.site._registry[_log_model])
        admin.site.unregister(_log_model)
    admin.site.register(
        _log_model, type(f"ReadOnly{_log_model.__name__}Admin", (ReadOnlyAdminMixin, _base), {})
    )


# API tokens: listed for administrators, revoked through the service (audited); never created or edited here.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "created", "expires_at"]
    search_fields = ["user__username"]
    actions = ["revoke"]
    fields = ["user", "created"]

    @admin.display(description=_("过期时间"))
    def expires_at(self, obj):
        return services.token_expires_at(obj) or "—"

    @admin.action(description=_("吊销所选 API 令牌"))
    def revoke(self, request, queryset):
        # DRF's TokenProxy shows the user id as the row's pk (the checkbox value), while the table's key is
        # the token string: select the rows by user id unless "select all" was used.
        ids = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if ids and request.POST.get("select_across") != "1":
            queryset = TokenProxy.objects.filter(user_id__in=[i for i in ids if i.isdigit()])
        for token in queryset.select_related("user"):
            services.revoke_token(actor=request.user, user=token.user, request=request)
        self.message_user(request, _("API 令牌已吊销。"))
