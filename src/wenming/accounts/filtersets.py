"""The user list's filters, shared by the HTML page and `/api/v1/users/`."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wenming.accounts.choices import AuditAction, Role
from wenming.accounts.models import AuditEvent, User


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q", help_text=_("用户名、姓名、手机号或邮箱")
    )
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="filter_role")
    is_active = django_filters.BooleanFilter(label=_("启用"))
    is_demo = django_filters.BooleanFilter(label=_("演示账号"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active", "is_demo"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_role(self, queryset, name, value):
        return queryset.with_role(value)


class AuditEventFilterSet(django_filters.FilterSet):
    """Filters of the audit log page (/accounts/audit/) and its XLSX export."""

    action = django_filters.ChoiceFilter(label=_("类型"), choices=AuditAction.choices)
    actor = django_filters.CharFilter(label=_("用户名"), field_name="actor_name", lookup_expr="icontains")
    target = django_filters.CharFilter(label=_("对象"), field_name="target", lookup_expr="icontains")
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target", "since", "until"]
