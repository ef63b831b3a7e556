"""Time-boxed campaigns: daily progress from cases and observations (docs/domain-rules.md, 限时行动)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.helpers import build_world, case_in, local
from tests.factories import make_category
from tests.inspections.factories import payload
from wenming.cases import services as case_services
from wenming.cases.choices import ReopenReason
from wenming.core.services import seed_calendar
from wenming.inspections import services
from wenming.inspections.campaigns import campaign_progress, campaign_summary
from wenming.inspections.choices import CampaignKind
from wenming.inspections.services.campaigns import save_campaign

D = datetime.date


@pytest.fixture
def cw(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_calendar(years=range(2025, 2027))
    return build_world()


def test_the_worked_example_of_daily_progress_and_the_bulletin_sentence(cw, client):
    w = cw
    campaign = save_campaign(
        actor=w.office, name="环境卫生专项整治", kind=CampaignKind.RECTIFICATION,
        start_date=D(2026, 3, 2), end_date=D(2026, 3, 6), categories=[w.top], goal_close_rate=Decimal("75"),
    )  # fmt: skip
    a = case_in(w, "closed", at=local(2026, 3, 2, 9, 0))  # reported 03-02, closed 03-02 14:00
    b = case_in(w, "closed", at=local(2026, 3, 3, 9, 0))  # reported 03-03, closed 03-03 14:00 …
    case_services.transition(b, "reopen", actor=w.office, note="反弹", reason=ReopenReason.RECHECK,
                             at=local(2026, 3, 5, 10, 0))  # fmt: skip  # … reopened 03-05
    case_in(w, "dispatched", at=local(2026, 3, 4, 9, 0))  # reported 03-04, still open
    case_in(w, "rejected", at=local(2026, 3, 4, 9, 0))  # not a problem: left out
    other = make_category(parent=make_category(name="交通秩序"), name="乱停车")
    case_in(w, "closed", at=local(2026, 3, 2, 9, 0), category=other)  # not a target category
    case_in(w, "closed", at=local(2026, 3, 9, 9, 0))  # after the campaign
    assert a.pk

    progress = campaign_progress(campaign, as_of=D(2026, 3, 20))
    rows = [(d.date.day, d.new, d.found, d.closed, d.close_rate_shown) for d in progress.days]
    assert rows == [
        (2, 1, 1, 1, "100.0%"),
        (3, 1, 2, 2, "100.0%"),
        (4, 1, 3, 2, "66.7%"),
        (5, 0, 3, 1, "33.3%"),
        (6, 0, 3, 1, "33.3%"),
    ]
    assert progress.close_goal_met is False
    assert [d.date for d in campaign_progress(campaign, as_of=D(2026, 3, 3)).days] == [
        D(2026, 3, 2),
        D(2026, 3, 3),
    ]
    assert campaign_summary(campaign, as_of=D(2026, 3, 20)) == (
        "环境卫生专项整治（2026-03-02 至 2026-03-06），截至 2026-03-06 发现问题 3 个，已办结 1 个，办结率 33.3%"
        "（目标 75.0%，未达成）；点位符合率 —。"
    )
    client.force_login(w.leader)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "66.7%" in html and "环境卫生专项整治" in html
    assert client.get("/inspections/campaigns/").status_code == 200
    client.force_login(w.handler)
    assert client.get(campaign.get_absolute_url()).status_code == 404


def test_only_the_office_sets_up_campaigns_with_sane_goals(cw):
    w = cw
    with pytest.raises(PermissionDenied):
        save_campaign(
            actor=w.leader,
            name="x",
            kind=CampaignKind.SPRINT,
            start_date=D(2026, 3, 1),
            end_date=D(2026, 3, 2),
        )
    with pytest.raises(ValidationError):
        save_campaign(
            actor=w.office,
            name="x",
            kind=CampaignKind.SPRINT,
            start_date=D(2026, 3, 2),
            end_date=D(2026, 3, 1),
        )
    with pytest.raises(ValidationError):
        save_campaign(actor=w.office, name="x", kind=CampaignKind.SPRINT, start_date=D(2026, 3, 1),
                      end_date=D(2026, 3, 2), goal_close_rate=Decimal("120"))  # fmt: skip


def test_compliance_counts_the_target_points_observations(world):
    today = timezone.localdate()
    target, other = world.points[0], world.points[1]
    criterion = next(iter(world.criteria.values()))
    campaign = save_campaign(
        actor=world.office, name="迎检冲刺", kind=CampaignKind.SPRINT, start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1), points=[target], categories=[criterion.category.parent],
        goal_compliance_rate=Decimal("90"),
    )  # fmt: skip
    for point in (target, other):
        task = world.tasks[point.pk]
        sub = services.parse_submission(payload(task, world.criteria, lat=point.lat, lon=point.lon), {}, {})
        services.submit_inspection(actor=world.inspector, submission=sub)
    last = campaign_progress(campaign).last
    assert (last.applicable, last.compliant, last.compliance_rate_shown) == (6, 6, "100.0%")
    assert campaign_progress(campaign).compliance_goal_met is True


def test_the_demo_step_creates_two_campaigns_once(cw):
    import io

    from wenming.demo.campaigns import load_campaigns
    from wenming.demo.context import DemoContext
    from wenming.inspections.models import Campaign

    w = cw
    type(w.office).objects.filter(pk=w.office.pk).update(is_demo=True)
    ctx = DemoContext(seed=2026, stdout=io.StringIO(), extra={"cases_now": local(2026, 3, 20, 12, 0)})
    load_campaigns(ctx)
    load_campaigns(ctx)
    assert Campaign.objects.count() == 2
    sprint = Campaign.objects.get(kind=CampaignKind.SPRINT)
    assert (sprint.start_date, sprint.end_date) == (D(2026, 2, 28), D(2026, 3, 30))
    assert (
        "迎接全国文明城市测评冲刺行动（2026-02-28 至 2026-03-30），截至 2026-03-20" in ctx.stdout.getvalue()
    )
