"""Demo step: today's published day plan (巡查排程), so the demo `inspector` account sees a route.

The demo's inspectors in pairs (the demo `inspector` with `inspector2`, …) on e-bikes, 08:30–17:30, leaving
from and returning to the district's centre; points chosen by the risk of the records the inspections step
made (`wenming.planning.risk.point_risk`), published through the planning services as a daily round.
Idempotent per day: a plan of today carrying the demo mark is not made twice.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from wenming.demo.context import DemoContext

MARK = "【演示数据】"
TEAM_SIZE = 2


def load_planning(ctx: DemoContext) -> None:
    from django.db.models import Avg

    from wenming.accounts.models import User
    from wenming.geo.models import Point
    from wenming.planning import services
    from wenming.planning.models import DayPlan

    today = timezone.localdate()
    if DayPlan.objects.filter(date=today, name__startswith=MARK).exists():
        ctx.log("  planning: today's plan exists")
        return
    office = User.objects.filter(username="office").first()
    inspectors = list(
        User.objects.filter(username__regex=r"^inspector[0-9]*$", is_active=True).order_by("username")
    )
    if office is None or not inspectors:
        ctx.log("  planning: no office or inspector accounts, skipped")
        return
    inspectors.sort(key=lambda u: (u.username != "inspector", len(u.username), u.username))
    centre = Point.objects.active().aggregate(lat=Avg("lat"), lon=Avg("lon"))
    if centre["lat"] is None:
        ctx.log("  planning: no points, skipped")
        return
    start = (centre["lat"], centre["lon"])
    teams = [
        services.TeamSpec(
            inspectors[i : i + TEAM_SIZE], start, start, datetime.time(8, 30), datetime.time(17, 30)
        )
        for i in range(0, len(inspectors), TEAM_SIZE)
    ]
    plan = services.create_plan(
        actor=office,
        date=today,
        teams=teams,
        name=f"{MARK}{today:%m月%d日}智能巡查排程",
        travel_mode="ebike",
    )
    services.publish_plan(actor=office, plan=plan)
    stops = sum(r.stops.count() for r in plan.routes.all())
    ctx.log(
        f"  planning: {len(teams)} teams, {stops} stops, {plan.expected_marks:.1f} expected marks at risk"
    )
