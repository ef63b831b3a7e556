from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from wenming.accounts import audit
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
