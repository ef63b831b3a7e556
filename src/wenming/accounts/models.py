"""Accounts: the custom user, memberships (role + scope) and the scope every list is restricted by."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.accounts.choices import AuditAction, Role
from wenming.accounts.querysets import AuditEventQuerySet, MembershipQuerySet, UserManager
from wenming.core.appendonly import AppendOnlyModel


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


class AuditEvent(AppendOnlyModel):
    """One row of the audit log (审计日志): who exported, viewed personal data, was refused, or changed
    configuration. Append-only (`core.appendonly`): rows are never changed or removed. Written only through
    `accounts.audit.record`."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The user name at the time (kept even if the account is renamed); empty for anonymous callers.
    actor_name = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("类型"), max_length=20, choices=AuditAction.choices, db_index=True)
    target = models.CharField(_("对象"), max_length=200, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.CharField(_("IP 地址"), max_length=45, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "at"], name="audit_action_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target}"
