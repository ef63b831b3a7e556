"""Demo step: 回头看 — the re-check policy, the daily draws of the last weeks replayed, and their results
(most pass; a seeded share fails and reopens the case as a rebound through the cases workflow)."""

import datetime

from django.utils import timezone

from wenming.demo.context import DemoContext

REPLAY_DAYS = 28
FAIL_SHARE = 0.2


def load_rechecks(ctx: DemoContext) -> None:
    from wenming.accounts.models import User
    from wenming.inspections.choices import RecheckPriority, RecheckState
    from wenming.inspections.models import Recheck, RecheckPolicy
    from wenming.inspections.services.rechecks import draw_rechecks, record_recheck

    if Recheck.objects.exists():
        ctx.log("  回头看: already drawn")
        return
    RecheckPolicy.objects.get_or_create(
        pk=1,
        defaults={"share_percent": 20, "delay_days": 14, "due_days": 3, "priority": RecheckPriority.RISK,
                  "seed": ctx.seed, "first_lookback_days": 30},
    )  # fmt: skip
    now = ctx.extra.get("cases_now") or timezone.now()
    today = timezone.localtime(now).date()
    for back in range(REPLAY_DAYS, -1, -1):  # the daily job at 06:00, replayed
        day = today - datetime.timedelta(days=back)
        at = datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=timezone.get_current_timezone())
        if at <= now:
            draw_rechecks(now=at)
    inspectors = list(
        User.objects.filter(is_demo=True, username__startswith="inspector").order_by("username")
    )
    office = User.objects.filter(is_demo=True, username__startswith="office").order_by("username").first()
    rng = ctx.rng
    outcome = {RecheckState.PASSED: 0, RecheckState.FAILED: 0, RecheckState.CANCELLED: 0}
    # the latest draw that drew anything stays in the inspectors' queue, so the demo always shows open
    # re-check tasks (the days just before a Monday often have empty cohorts: nothing closes at weekends)
    latest = max(Recheck.objects.values_list("drawn_at", flat=True), default=None)
    for recheck in (
        Recheck.objects.filter(state=RecheckState.PENDING).select_related("case__reported_by").order_by("pk")
    ):
        checked = recheck.drawn_at + datetime.timedelta(days=rng.choice((1, 2)), hours=rng.randrange(3, 9))
        if checked > now or recheck.drawn_at == latest:
            continue  # still in the inspectors' queue
        # the inspector who found the problem re-checks it (they see their own cases); otherwise the office
        reporter = recheck.case.reported_by
        actor = reporter if reporter in inspectors else office
        if actor is None:
            continue
        failed = rng.random() < FAIL_SHARE
        done = record_recheck(
            recheck, actor=actor, passed=not failed, at=checked,
            note="复查发现问题反弹，重新派遣。" if failed else "",
        )  # fmt: skip
        outcome[done.state] += 1
    pending = Recheck.objects.filter(state=RecheckState.PENDING).count()
    ctx.log(
        f"  回头看: {Recheck.objects.count()} drawn · {outcome[RecheckState.PASSED]} passed · "
        f"{outcome[RecheckState.FAILED]} rebounds · {outcome[RecheckState.CANCELLED]} cancelled · {pending} pending"
    )
