"""Demo step: bulletins and appraisal, so the documents can be downloaded on first start.

* a published weekly bulletin (last complete ISO week) and a published monthly bulletin (last complete
  month), each numbered 湖文明办〔YYYY〕n号 with its Word, Excel and PDF rendered here, synchronously;
* a draft: the inspection bulletin of the latest closed round (figures and Word/Excel generated, not submitted);
* the shipped appraisal schemes, and the street competition and unit handling results of the last month
  (the street competition published, so the street and unit accounts see their own result).

Runs after the inspections and cases steps (it reads their rows). Idempotent: a bulletin of the same kind and
period, or a run of the same scheme and period, is not made twice. The lead registers it in `demo/steps.py`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from wenming.demo.context import DemoContext

MARK = "【演示数据】"


def _users():
    from wenming.accounts.models import User

    return User.objects.get(username="office"), User.objects.get(username="leader")


def _last_week_and_month(today: datetime.date) -> tuple[str, str]:
    from wenming.bulletins.periods import default_code

    return default_code("weekly", today), default_code("monthly", today)


def _bulletin(
    ctx: DemoContext, office, leader, *, kind: str, period_code: str = "", round=None, publish: bool
):  # noqa: A002
    from wenming.bulletins import services
    from wenming.bulletins.models import Bulletin

    existing = Bulletin.objects.filter(
        kind=kind, period_code=period_code if round is None else "", round=round
    ).first()
    if existing is not None:
        return existing, False
    bulletin = services.create_bulletin(actor=office, kind=kind, period_code=period_code, round=round)
    services.update_bulletin(
        actor=office, bulletin=bulletin, remarks=f"{MARK}由演示数据自动生成。", cc="区委办、区政府办、区委宣传部",
        requirements="各责任单位对通报问题立即组织整改，按时限在平台反馈整改结果并上传整改后照片。\n"
        "各街道落实属地兜底责任，对超期未整改问题逐一督办。\n对反弹问题举一反三，开展“回头看”。",
    )  # fmt: skip
    services.generate_now(actor=office, bulletin=bulletin)
    if publish:
        bulletin = services.publish_now(actor=office, bulletin=bulletin, signer=leader)
    return bulletin, True


def _test_dates(office, today) -> None:
    """The next tests the office is preparing for, so the leadership countdown has a target."""
    from wenming.dashboard.models import TestDate
    from wenming.dashboard.services import add_test_date

    quarter_end_month = ((today.month - 1) // 3 + 1) * 3
    city_test = today.replace(day=1, month=quarter_end_month) + datetime.timedelta(days=14)
    if city_test <= today:
        city_test = today + datetime.timedelta(days=21)
    for name, date in (
        (f"{city_test.year}年第{(city_test.month - 1) // 3 + 1}季度全市文明城区测评", city_test),
        (f"{today.year + 1}年全国文明城市年度测评（预计）", datetime.date(today.year + 1, 5, 20)),
    ):
        if not TestDate.objects.filter(name=name).exists():
            add_test_date(actor=office, name=name, date=date, note=f"{MARK}演示测评日期")


def load_bulletins(ctx: DemoContext) -> None:
    from wenming.bulletins import appraisal
    from wenming.bulletins.models import AppraisalRun, AppraisalScheme
    from wenming.inspections.models import Round

    office, leader = _users()
    today = timezone.localdate()
    _test_dates(office, today)
    week, month = _last_week_and_month(today)
    made = []
    for kind, code in (("weekly", week), ("monthly", month)):
        bulletin, new = _bulletin(ctx, office, leader, kind=kind, period_code=code, publish=True)
        if new:
            made.append(f"{bulletin.doc_number} {bulletin.title}")
    latest = Round.objects.filter(state="closed").order_by("-period_end", "-pk").first()
    if latest is not None:
        bulletin, new = _bulletin(ctx, office, leader, kind="inspection", round=latest, publish=False)
        if new:
            made.append(f"（草稿）{bulletin.title}")
    appraisal.ensure_template_schemes()
    runs = 0
    for key, publish in (("street_competition", True), ("unit_handling", False)):
        scheme = AppraisalScheme.objects.get(template_key=key)
        if AppraisalRun.objects.filter(scheme=scheme, period_code=month).exists():
            continue
        run = appraisal.run_appraisal(actor=office, scheme=scheme, period_code=month, note=f"{MARK}")
        if publish:
            appraisal.publish_run(actor=office, run=run)
        runs += 1
    for line in made:
        ctx.log(f"  bulletins: {line}")
    ctx.log(f"  bulletins: {len(made)} new bulletins, {runs} appraisal runs for {month}")
