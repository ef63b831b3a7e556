"""Accounts: the custom user, memberships (role + scope) and the scope every list is restricted by."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.accounts.choices import Role
from wenming.accounts.querysets import MembershipQuerySet, UserManager


class User(AbstractUser):
    """A person who signs in: office staff, leaders, inspectors, unit handlers … (用户)."""

    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("对应人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    is_demo = models.BooleanField(_("演示账号"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def scope(self):
        """The user's reach, computed once per object (one request)."""
        cached = getattr(self, "_scope_cache", None)
        if cached is None:
            from wenming.accounts.scope import build_scope

            cached = self._scope_cache = build_scope(self)
        return cached

    def role_codes(self) -> frozenset[str]:
        return self.scope().roles | ({Role.ADMIN.value} if self.is_superuser else set())


class Membership(models.Model):
    """A role held by a user within a scope: a unit, an area subtree or a special group (角色与范围)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE
    )
    special_group = models.ForeignKey(
        "org.SpecialGroup", verbose_name=_("专项组"), null=True, blank=True, on_delete=models.CASCADE
    )
    is_third_party = models.BooleanField(_("第三方测评机构"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        target = self.unit or self.area or self.special_group or _("全区")
        return f"{self.user} · {self.get_role_display()} · {target}"

    def clean(self) -> None:
        needs = {
            Role.UNIT_HANDLER: "unit",
            Role.STREET: "area",
            Role.COMMUNITY: "area",
            Role.GRID: "area",
            Role.GROUP_LEAD: "special_group",
        }.get(self.role)
        if needs and not getattr(self, f"{needs}_id"):
            raise ValidationError(_("该角色必须指定范围（单位、区域或专项组）。"))
