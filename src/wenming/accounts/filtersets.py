"""The user list's filters, shared by the HTML page and `/api/v1/users/`."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wenming.accounts.choices import Role
from wenming.accounts.models import User


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
