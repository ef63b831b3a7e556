"""Demo step: two time-boxed campaigns — a 迎检冲刺 running now and a finished 专项整治行动 — whose daily
progress is computed from the demo's cases and inspections."""

import datetime
from decimal import Decimal

from django.utils import timezone

from wenming.demo.context import DemoContext


def load_campaigns(ctx: DemoContext) -> None:
    from wenming.accounts.models import User
    from wenming.inspections.campaigns import campaign_summary
    from wenming.inspections.choices import CampaignKind
    from wenming.inspections.models import Campaign
    from wenming.inspections.services.campaigns import save_campaign
    from wenming.standards.models import ProblemCategory

    office = User.objects.filter(is_demo=True, username__startswith="office").order_by("username").first()
    if office is None:
        ctx.log("  限时行动: no demo office account, skipped")
        return
    now = ctx.extra.get("cases_now") or timezone.now()
    today = timezone.localtime(now).date()
    tops = {c.code: c for c in ProblemCategory.objects.filter(parent__isnull=True)}
    plans = [
        dict(name="迎接全国文明城市测评冲刺行动", kind=CampaignKind.SPRINT,
             start_date=today - datetime.timedelta(days=20), end_date=today + datetime.timedelta(days=10),
             categories=[], goal_close_rate=Decimal("90"), goal_compliance_rate=Decimal("85"),
             note="全区所有类别、所有点位；每日通报办结率和点位符合率。"),
        dict(name="环境卫生专项整治行动", kind=CampaignKind.RECTIFICATION,
             start_date=today - datetime.timedelta(days=75), end_date=today - datetime.timedelta(days=45),
             categories=[tops[c] for c in ("ENV",) if c in tops], goal_close_rate=Decimal("95"),
             goal_compliance_rate=None, note="暴露垃圾、道路不洁等环境卫生问题集中整治。"),
    ]  # fmt: skip
    for plan in plans:
        campaign = Campaign.objects.filter(name=plan["name"]).first()
        if campaign is None:
            categories = plan.pop("categories")
            campaign = save_campaign(actor=office, categories=categories, **plan)
        ctx.log(f"  限时行动: {campaign_summary(campaign, as_of=today)}")
