"""Campaigns in bulletins (docs/domain-rules.md §10, "In bulletins"): each campaign active in the bulletin's period,
its progress as of the period's end, and the daily table; later events do not change a past period's figures."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.cases.helpers import build_world, case_in, jpeg, local
from wenming.bulletins import collect, services
from wenming.bulletins.choices import BulletinKind
from wenming.bulletins.periods import window_of
from wenming.cases import services as case_services
from wenming.cases.choices import ReopenReason
from wenming.core.services import seed_calendar
from wenming.inspections.choices import CampaignKind
from wenming.inspections.services.campaigns import save_campaign

D = datetime.date

W10_DAYS = [
    # date, new, found, closed, 办结率
    ("2026-03-02", 1, 1, 1, "100.0%"),
    ("2026-03-03", 1, 2, 2, "100.0%"),
    ("2026-03-04", 1, 3, 2, "66.7%"),
    ("2026-03-05", 1, 4, 2, "50.0%"),
    ("2026-03-06", 0, 4, 2, "50.0%"),
    ("2026-03-07", 0, 4, 2, "50.0%"),
    ("2026-03-08", 0, 4, 2, "50.0%"),
]
W10_SENTENCE = (
    "环境卫生专项整治（2026-03-02 至 2026-03-13），截至 2026-03-08 发现问题 4 个，已办结 2 个，办结率 50.0%"
    "（目标 75.0%，未达成）；点位符合率 —。"
)


@pytest.fixture
def cw(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GENERATED_ROOT = tmp_path / "generated"
    seed_calendar(years=range(2025, 2027))
    return build_world()


def _days(campaign: dict) -> list[tuple]:
    return [(d["date"], d["new"], d["found"], d["closed"], d["close_rate"]) for d in campaign["days"]]


def _close(w, case, at):
    case = case_services.transition(case, "acknowledge", actor=w.handler, at=at)
    case = case_services.transition(
        case, "start_fix", actor=w.handler, at=at + datetime.timedelta(minutes=10)
    )
    case = case_services.report_fix(
        case, actor=w.handler, photos=[jpeg()], note="已清理", at=at + datetime.timedelta(minutes=20)
    )
    return case_services.verify_fix(case, actor=w.office, passed=True, at=at + datetime.timedelta(minutes=30))


def test_the_worked_example_weekly_bulletins_print_the_campaign_as_of_their_period_end(cw):
    w = cw
    save_campaign(
        actor=w.office, name="环境卫生专项整治", kind=CampaignKind.RECTIFICATION, start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 13), categories=[w.top], goal_close_rate=Decimal("75"),
    )  # fmt: skip
    save_campaign(  # over before the bulletin's week: not printed
        actor=w.office, name="春节前专项整治", kind=CampaignKind.RECTIFICATION, start_date=D(2026, 2, 2),
        end_date=D(2026, 2, 27), categories=[w.top],
    )  # fmt: skip
    case_in(w, "closed", at=local(2026, 3, 2, 9, 0))  # A: closed 03-02 14:00
    b = case_in(w, "closed", at=local(2026, 3, 3, 9, 0))  # B: closed 03-03 14:00
    c = case_in(w, "dispatched", at=local(2026, 3, 4, 9, 0))  # C: dispatched, open
    d = case_in(w, "reported", at=local(2026, 3, 5, 9, 0))  # D: awaiting triage

    week10 = collect.Spec(BulletinKind.WEEKLY, window_of("2026-W10"))
    before = collect.collect(week10, now=local(2026, 3, 9, 12, 0))["campaigns"]
    assert [x["name"] for x in before] == ["环境卫生专项整治"]
    (campaign,) = before
    assert _days(campaign) == W10_DAYS
    assert campaign["summary"] == W10_SENTENCE
    assert (campaign["as_of"], campaign["categories"], campaign["points"]) == ("2026-03-08", ["环境卫生"], 0)
    assert (campaign["goal_close_rate"], campaign["close_goal_met"]) == ("75.0%", False)

    # later events: C closed and D rejected on 03-10, a new case E on 03-10, B reopened by 回头看 on 03-11
    _close(w, c, local(2026, 3, 10, 9, 0))
    case_services.reject_case(d, actor=w.office, note="不属于创城问题", at=local(2026, 3, 10, 10, 0))
    case_in(w, "dispatched", at=local(2026, 3, 10, 11, 0))
    case_services.transition(
        b, "reopen", actor=w.office, note="回头看发现反弹", reason=ReopenReason.RECHECK, at=local(2026, 3, 11, 10, 0)
    )  # fmt: skip

    after = collect.collect(week10, now=local(2026, 3, 16, 12, 0))["campaigns"]
    assert after == before  # the past week's figures do not move

    week11 = collect.collect(
        collect.Spec(BulletinKind.WEEKLY, window_of("2026-W11")), now=local(2026, 3, 16, 12, 0)
    )
    (campaign,) = week11["campaigns"]
    assert _days(campaign) == [
        ("2026-03-09", 0, 4, 2, "50.0%"),
        ("2026-03-10", 1, 4, 3, "75.0%"),  # E in, D out (rejected), C closed
        ("2026-03-11", 0, 4, 2, "50.0%"),  # B reopened
        ("2026-03-12", 0, 4, 2, "50.0%"),
        ("2026-03-13", 0, 4, 2, "50.0%"),  # the campaign's last day: no rows after it
    ]
    assert campaign["summary"].startswith(
        "环境卫生专项整治（2026-03-02 至 2026-03-13），截至 2026-03-13 发现问题 4 个"
    )


def test_the_bulletin_documents_print_the_campaign_sentence_and_daily_table(cw, client):
    w = cw
    save_campaign(
        actor=w.office, name="环境卫生专项整治", kind=CampaignKind.RECTIFICATION, start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 13), categories=[w.top], goal_close_rate=Decimal("75"),
    )  # fmt: skip
    case_in(w, "closed", at=local(2026, 3, 2, 9, 0))
    b = case_in(w, "closed", at=local(2026, 3, 3, 9, 0))
    case_in(w, "dispatched", at=local(2026, 3, 4, 9, 0))
    case_in(w, "reported", at=local(2026, 3, 5, 9, 0))
    case_services.transition(
        b, "reopen", actor=w.office, note="回头看发现反弹", reason=ReopenReason.RECHECK, at=local(2026, 3, 11, 10, 0)
    )  # fmt: skip  # after the week: the week's bulletin, generated later, still prints B as closed

    bulletin = services.create_bulletin(actor=w.office, kind=BulletinKind.WEEKLY, period_code="2026-W10")
    bulletin = services.generate_now(actor=w.office, bulletin=bulletin)
    assert _days(bulletin.data["campaigns"][0]) == W10_DAYS

    book = openpyxl.load_workbook(io.BytesIO(bulletin.xlsx.read()))
    sheet = book["环境卫生专项整治每日进展"]
    rows = [
        tuple(c for c in row) for row in sheet.iter_rows(min_row=3, max_row=9, max_col=5, values_only=True)
    ]
    assert rows == [tuple(r) for r in W10_DAYS]

    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(bulletin.docx.read())).paragraphs)
    assert "限时行动进展" in text and W10_SENTENCE in text
    assert "目标问题类别：环境卫生；目标点位：全区；办结率目标 75.0%，未达成" in text

    from wenming.bulletins.render import document, pdf

    printed = pdf.html(document.outline(bulletin))  # the PDF's HTML: the same table
    assert (
        "环境卫生专项整治每日进展" in printed
        and "<td>2026-03-05</td><td>1</td><td>4</td><td>2</td><td>50.0%</td>" in printed
    )

    client.force_login(w.office)
    html = client.get(bulletin.get_absolute_url()).content.decode()
    assert 'id="bulletin-campaigns"' in html and W10_SENTENCE in html and "2026-03-05" in html


def test_the_demo_bulletins_periods_show_the_demo_campaigns(cw):
    """The demo's campaigns step runs before its bulletins step; the bulletins of the demo's last complete week
    and month print the campaigns active in them."""
    from wenming.bulletins.periods import default_code
    from wenming.demo.campaigns import load_campaigns
    from wenming.demo.context import DemoContext

    w = cw
    type(w.office).objects.filter(pk=w.office.pk).update(is_demo=True)
    now = local(2026, 3, 20, 12, 0)
    load_campaigns(DemoContext(seed=2026, stdout=io.StringIO(), extra={"cases_now": now}))
    today = D(2026, 3, 20)
    week = collect.collect(
        collect.Spec(BulletinKind.WEEKLY, window_of(default_code("weekly", today))), now=now
    )
    month = collect.collect(
        collect.Spec(BulletinKind.MONTHLY, window_of(default_code("monthly", today))), now=now
    )
    assert [c["name"] for c in week["campaigns"]] == ["迎接全国文明城市测评冲刺行动"]  # 02-28 – 03-30
    assert [c["name"] for c in month["campaigns"]] == ["环境卫生专项整治行动", "迎接全国文明城市测评冲刺行动"]
    sprint = week["campaigns"][0]
    assert [d["date"] for d in sprint["days"]] == [f"2026-03-{d:02d}" for d in range(9, 16)]
    assert sprint["summary"].startswith(
        "迎接全国文明城市测评冲刺行动（2026-02-28 至 2026-03-30），截至 2026-03-15"
    )
    assert [d["date"] for d in month["campaigns"][1]["days"]] == ["2026-02-28"]
