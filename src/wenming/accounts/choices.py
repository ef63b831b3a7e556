from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles; a membership gives a role plus a scope (unit, area subtree or special group)."""

    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("文明办")
    LEADER = "leader", _("领导")
    GROUP_LEAD = "group_lead", _("专项组负责人")
    UNIT_HANDLER = "unit_handler", _("责任单位经办人")
    STREET = "street", _("街道工作人员")
    COMMUNITY = "community", _("社区工作人员")
    GRID = "grid", _("网格员")
    INSPECTOR = "inspector", _("督查员/测评员")
    AUDITOR = "auditor", _("只读审计")
    # The system account through which citizens' own actions (dispute, rating) reach the cases workflow.
    PORTAL = "portal", _("公众参与平台（系统）")


# Roles that see the whole district (read); of these, only admin and office may change things district-wide.
DISTRICT_READERS = frozenset({Role.ADMIN, Role.OFFICE, Role.LEADER, Role.AUDITOR, Role.PORTAL})
DISTRICT_WRITERS = frozenset({Role.ADMIN, Role.OFFICE})


class AuditAction(models.TextChoices):
    """Kinds of rows in the audit log (审计日志)."""

    EXPORT = "export", _("导出数据")
    PERSONAL_VIEW = "personal_view", _("查看个人信息")
    DENIED = "denied", _("越权访问被拒")
    CONFIG_CHANGE = "config_change", _("配置变更")
    TOKEN_ISSUED = "token_issued", _("签发 API 令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销 API 令牌")
