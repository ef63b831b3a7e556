"""The navigation menu, declared once; entries whose URL is not (yet) installed are skipped.

Each entry: (label, url name, roles allowed or None for any signed-in user). Roles are the codes of
`wenming.accounts.choices.Role`.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None
    icon: str = ""


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]


OFFICE = frozenset({"admin", "office"})
OVERSIGHT = frozenset({"admin", "office", "leader", "auditor"})
ORG_VIEWERS = frozenset({"admin", "office", "leader", "group_lead", "auditor", "street", "community"})

MENU: tuple[NavGroup, ...] = (
    NavGroup(
        _("工作台"),
        (
            NavItem(_("我的工作台"), "dashboard:home"),
            NavItem(_("领导驾驶舱"), "dashboard:leader", OVERSIGHT | {"group_lead"}),
            NavItem(_("预估测评得分"), "forecast:forecast", OVERSIGHT | {"group_lead"}),
            NavItem(_("消息"), "core:inbox"),
        ),
    ),
    NavGroup(
        _("问题处置"),
        (
            NavItem(_("问题案件"), "cases:case_list"),
            NavItem(_("派遣队列"), "cases:dispatch_queue", OFFICE),
            NavItem(_("超期督办"), "cases:overdue_board"),
            NavItem(_("案件地图"), "cases:case_map"),
            NavItem(_("考核指标"), "cases:kpi", OVERSIGHT | {"group_lead", "street"}),
            NavItem(_("群众上报审核"), "participation:triage", OFFICE),
        ),
    ),
    NavGroup(
        _("测评督查"),
        (
            NavItem(_("测评轮次"), "inspections:round_list"),
            NavItem(_("我的任务"), "inspections:task_list", frozenset({"inspector", "admin", "office"})),
            NavItem(_("回头看复查"), "inspections:recheck_list", frozenset({"inspector", "admin", "office"})),
            NavItem(_("限时行动"), "inspections:campaign_list", OVERSIGHT),
            NavItem(_("今日路线"), "planning:my_route", frozenset({"inspector"})),
            NavItem(_("巡查排程"), "planning:plan_list", OVERSIGHT),
            NavItem(_("测评记录"), "inspections:inspection_list"),
            NavItem(_("排名"), "scoring:rankings"),
            NavItem(_("易扣分点"), "scoring:pareto"),
        ),
    ),
    NavGroup(
        _("台账"),
        (
            NavItem(_("测评点位"), "geo:point_list"),
            NavItem(_("点位地图"), "geo:point_map"),
            NavItem(_("区域网格"), "geo:area_list"),
            NavItem(_("测评体系"), "standards:standard_list"),
            NavItem(_("问题分类"), "standards:category_list"),
            NavItem(_("工作日历"), "core:calendar"),
            NavItem(_("责任单位"), "org:unit_list", ORG_VIEWERS),
            NavItem(_("专项整治组"), "org:group_list", ORG_VIEWERS),
            NavItem(_("人员"), "org:person_list", ORG_VIEWERS),
            NavItem(_("定人定岗定责"), "geo:duty_matrix", ORG_VIEWERS),
        ),
    ),
    NavGroup(
        _("成果"),
        (
            NavItem(_("通报"), "bulletins:bulletin_list", OVERSIGHT | {"group_lead"}),
            NavItem(_("考核"), "bulletins:appraisal_list", OVERSIGHT),
            NavItem(_("问卷调查"), "surveys:survey_list", OVERSIGHT | {"inspector"}),
            NavItem(_("问卷模板"), "surveys:questionnaire_list", OVERSIGHT),
            NavItem(_("培训"), "surveys:training_list"),
            NavItem(_("培训覆盖"), "surveys:training_coverage"),
            NavItem(_("典型示例"), "surveys:example_list"),
        ),
    ),
    NavGroup(
        _("系统"),
        (
            NavItem(_("用户与权限"), "accounts:user_list", frozenset({"admin"})),
            NavItem(_("审计日志"), "accounts:audit_log", frozenset({"admin", "auditor"})),
            NavItem(_("API 文档"), "api-docs", frozenset({"admin", "office"})),
            NavItem(_("后台管理"), "admin:index", frozenset({"admin"})),
        ),
    ),
)


def menu_for(user, current_path: str = "") -> list[dict]:
    """The menu groups this user may see, with resolved URLs."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = set(user.role_codes()) if hasattr(user, "role_codes") else set()
    if user.is_superuser:
        roles.add("admin")
    groups = []
    for group in MENU:
        items = []
        for item in group.items:
            if item.roles is not None and not (roles & item.roles):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "active": False})
        if items:
            groups.append({"label": group.label, "items": items})
    # Only the most specific entry is highlighted (/cases/map/ is 案件地图, not also 问题案件).
    matches = [i for g in groups for i in g["items"] if i["url"] != "/" and current_path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    elif current_path == "/":
        for g in groups:
            for i in g["items"]:
                i["active"] = i["url"] == "/"
    return groups
