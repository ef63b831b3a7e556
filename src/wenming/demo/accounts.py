"""Demo step: the ten demo accounts (one shared password, `settings.DEMO_PASSWORD`), each with the scope
that makes its part of the demo tell (README: Demo accounts)."""

from django.conf import settings

from wenming.accounts.choices import Role
from wenming.accounts.services import ensure_demo_accounts
from wenming.demo import huli
from wenming.demo.context import DemoContext
from wenming.demo.organisation import ensure_person

JIANGTOU = next(s for s in huli.STREETS if s.name == "江头")
DEMO_STREET = huli.street_code(JIANGTOU)
DEMO_COMMUNITY = huli.community_code(JIANGTOU, 0)  # 江头社区
DEMO_GRID = f"{DEMO_COMMUNITY}001"
# The unit handler's unit: the city-management bureau answers for the main roads, commercial streets and
# squares all over the district (≈ 60 points), a good "my unit's problems" demo.
DEMO_UNIT = "QS-CGJ"
DEMO_GROUP = "SG01"


def demo_scopes(ctx: DemoContext) -> dict[str, dict]:
    units, areas = ctx.units, ctx.areas
    office = ensure_person(ctx, "account:office", units["QS-WMB"], "创建科科员")
    leader = ensure_person(ctx, "account:leader", units["QS-XCB"], "区委常委、宣传部部长")
    handler = ensure_person(ctx, "account:unit", units[DEMO_UNIT], "综合科经办人")
    street_staff = ensure_person(ctx, "account:street", areas[DEMO_STREET].unit, "街道创建办工作人员")
    inspector = ensure_person(ctx, "account:inspector", units["QS-WMB"], "督查员")
    group_lead = ctx.people[f"category_lead:{DEMO_GROUP}"]
    community_lead = ctx.people[f"community_lead:{DEMO_COMMUNITY}"]
    grid_worker = ctx.people[f"grid_worker:{DEMO_GRID}:1"]
    return {
        "admin": {"role": Role.ADMIN, "display_name": "系统管理员"},
        "office": {"role": Role.OFFICE, "unit": units["QS-WMB"], "person": office,
                   "display_name": f"{office.name}（区文明办）"},
        "leader": {"role": Role.LEADER, "person": leader, "display_name": f"{leader.name}（区委宣传部）"},
        "group": {"role": Role.GROUP_LEAD, "special_group": ctx.groups[DEMO_GROUP], "person": group_lead,
                  "display_name": f"{group_lead.name}（{ctx.groups[DEMO_GROUP].name}）"},
        "unit": {"role": Role.UNIT_HANDLER, "unit": units[DEMO_UNIT], "person": handler,
                 "display_name": f"{handler.name}（{units[DEMO_UNIT].short_name}）"},
        "street": {"role": Role.STREET, "area": areas[DEMO_STREET], "person": street_staff,
                   "display_name": f"{street_staff.name}（江头街道）"},
        "community": {"role": Role.COMMUNITY, "area": areas[DEMO_COMMUNITY], "person": community_lead,
                      "display_name": f"{community_lead.name}（{areas[DEMO_COMMUNITY].name}）"},
        "grid": {"role": Role.GRID, "area": areas[DEMO_GRID], "person": grid_worker,
                 "display_name": f"{grid_worker.name}（{areas[DEMO_GRID].name}）"},
        "inspector": {"role": Role.INSPECTOR, "person": inspector, "display_name": f"{inspector.name}（督查员）"},
        "auditor": {"role": Role.AUDITOR, "display_name": "审计（只读）"},
    }  # fmt: skip


def load_accounts(ctx: DemoContext) -> None:
    ctx.extra["accounts"] = ensure_demo_accounts(password=settings.DEMO_PASSWORD, scopes=demo_scopes(ctx))
