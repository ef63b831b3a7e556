"""回头看: the daily draw of closed cases and a failed re-check turned into a rebound (docs/domain-rules.md)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.cases.helpers import build_world, case_in, local
from wenming.cases.choices import CaseState, EventKind, ReopenReason, Severity
from wenming.cases.models import Case
from wenming.core.services import seed_calendar
from wenming.inspections.choices import RecheckPriority, RecheckState
from wenming.inspections.models import Recheck, RecheckPolicy
from wenming.inspections.services import InspectionError
from wenming.inspections.services.rechecks import draw_rechecks, draw_size, record_recheck


@pytest.fixture
def cw(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_calendar(years=range(2025, 2027))
    return build_world()


def test_draw_size_is_the_share_rounded_up_and_capped():
    assert draw_size(12, Decimal("20"), 50) == 3  # 2.4 → 3
    assert draw_size(10, Decimal("20"), 50) == 2
    assert draw_size(0, Decimal("20"), 50) == 0
    assert draw_size(300, Decimal("20"), 50) == 50


def test_the_worked_example_draws_the_riskiest_three_of_twelve_and_a_failure_is_a_rebound(cw):
    w = cw
    RecheckPolicy.objects.create(
        share_percent=20, delay_days=14, due_days=3, priority=RecheckPriority.RISK, seed=7
    )
    # Twelve cases closed on Monday 2026-03-02 (each one closed 5 hours after its report at 09:00).
    cases = [case_in(w, "closed", at=local(2026, 3, 2, 9, 0)) for _ in range(12)]
    urgent, rebounded, recurring = cases[3], cases[7], cases[10]
    Case.objects.filter(pk=urgent.pk).update(severity=Severity.URGENT)  # risk 3
    Case.objects.filter(pk=rebounded.pk).update(severity=Severity.SERIOUS, rebounds=1)  # risk 2 + 2 = 4
    Case.objects.filter(pk=recurring.pk).update(is_recurrence=True)  # risk 1
    # Nothing is due before 14 days after closure.
    assert draw_rechecks(now=local(2026, 3, 16, 6, 0)) == []
    drawn = draw_rechecks(now=local(2026, 3, 17, 6, 0))

    assert [r.case_id for r in drawn] == [rebounded.pk, urgent.pk, recurring.pk]
    assert [r.reason for r in drawn] == ["风险分 4", "风险分 3", "风险分 1"]
    # due 3 working days after Tuesday 06:00: the clock starts 08:30 → Friday 2026-03-20 08:30
    assert drawn[0].due_at == local(2026, 3, 20, 8, 30)
    assert draw_rechecks(now=local(2026, 3, 17, 6, 0)) == []  # each closure is in exactly one cohort
    assert draw_rechecks(now=local(2026, 3, 18, 6, 0)) == []

    # A failed re-check reopens the case through the workflow as a rebound against its unit.
    failed = record_recheck(
        drawn[1], actor=w.inspector, passed=False, note="垃圾再次堆放", at=local(2026, 3, 18, 10, 0)
    )
    assert failed.state == RecheckState.FAILED
    urgent.refresh_from_db()
    assert (urgent.state, urgent.rebounds, urgent.unit_id) == (CaseState.DISPATCHED, 1, w.bureau.pk)
    event = urgent.events.get(kind=EventKind.REOPENED)
    assert event.data["reason"] == ReopenReason.RECHECK and event.data["rebound"] is True
    assert event.actor == w.inspector and "回头看复查" in event.note

    passed = record_recheck(drawn[2], actor=w.inspector, passed=True, at=local(2026, 3, 18, 11, 0))
    recurring.refresh_from_db()
    assert passed.state == RecheckState.PASSED and recurring.state == CaseState.CLOSED

    with pytest.raises(InspectionError, match="已处理"):
        record_recheck(drawn[2], actor=w.inspector, passed=True)
    with pytest.raises(InspectionError, match="说明"):
        record_recheck(drawn[0], actor=w.inspector, passed=False, note="")
    with pytest.raises(PermissionDenied):
        record_recheck(drawn[0], actor=w.handler, passed=True)


def test_a_case_reopened_before_its_recheck_cancels_the_task(cw):
    w = cw
    RecheckPolicy.objects.create(share_percent=100, delay_days=14)
    case = case_in(w, "closed", at=local(2026, 3, 2, 9, 0))
    (recheck,) = draw_rechecks(now=local(2026, 3, 17, 6, 0))
    from wenming.cases import services

    services.transition(case, "reopen", actor=w.office, note="群众异议", reason=ReopenReason.DISPUTE)
    done = record_recheck(recheck, actor=w.office, passed=True)
    assert done.state == RecheckState.CANCELLED
    assert Recheck.objects.get(pk=recheck.pk).state == RecheckState.CANCELLED


def test_the_recheck_page_lists_the_drawn_cases_and_records_a_result(cw, client):
    w = cw
    RecheckPolicy.objects.create(share_percent=100, delay_days=14)
    case = case_in(w, "closed", at=local(2026, 3, 2, 9, 0))
    (recheck,) = draw_rechecks(now=local(2026, 3, 17, 6, 0))
    client.force_login(w.handler)
    assert client.get("/inspections/rechecks/").status_code == 403
    client.force_login(w.inspector)
    html = client.get("/inspections/rechecks/").content.decode()
    assert case.code in html and "结案满 14 天" in html
    response = client.post(
        f"/inspections/rechecks/{recheck.pk}/record/", {"result": "failed", "note": "又脏了"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.rebounds == 1


def test_the_demo_step_replays_the_draws_records_results_and_is_idempotent(cw):
    import io

    from wenming.demo.context import DemoContext
    from wenming.demo.rechecks import load_rechecks

    w = cw
    type(w.inspector).objects.filter(pk=w.inspector.pk).update(is_demo=True)
    for day in range(2, 12):  # ten cases closed on ten days in March 2026
        case_in(w, "closed", at=local(2026, 3, day, 9, 0))
    now = local(2026, 4, 6, 12, 0)
    ctx = DemoContext(seed=2026, stdout=io.StringIO(), extra={"cases_now": now})
    ctx.reseed("load_rechecks")
    load_rechecks(ctx)
    # 28 daily draws up to 6 April; the first considers 30 days before its cutoff, so every closure is in a
    # cohort: one case a day → ⌈20 % × 1⌉ = 1 drawn per cohort of one → all ten drawn, once each.
    rechecks = list(Recheck.objects.order_by("pk"))
    assert len(rechecks) == 10 and len({r.case_id for r in rechecks}) == 10
    done = [r for r in rechecks if r.state != RecheckState.PENDING]
    assert done and all(r.checked_at <= now for r in done)
    # the latest draw (26 March, for the closure of 11 March) is left in the inspectors' queue
    latest = max(r.drawn_at for r in rechecks)
    assert [r.state for r in rechecks if r.drawn_at == latest] == [RecheckState.PENDING]
    assert all(r.state != RecheckState.PENDING for r in rechecks if r.drawn_at != latest)
    failed = [r for r in rechecks if r.state == RecheckState.FAILED]
    assert all(Case.objects.get(pk=r.case_id).rebounds == 1 for r in failed)
    before = [(r.pk, r.state) for r in Recheck.objects.order_by("pk")]
    load_rechecks(ctx)
    assert [(r.pk, r.state) for r in Recheck.objects.order_by("pk")] == before
    assert "回头看" in ctx.stdout.getvalue()


def test_an_inspector_records_only_the_rechecks_of_cases_they_may_see(cw, client):
    from tests.factories import make_user

    w = cw
    RecheckPolicy.objects.create(share_percent=100, delay_days=14)
    case_in(w, "closed", at=local(2026, 3, 2, 9, 0))  # reported by w.inspector
    (recheck,) = draw_rechecks(now=local(2026, 3, 17, 6, 0))
    other = make_user("inspector", username="inspector9")
    with pytest.raises(InspectionError, match="不在您的权限范围内"):
        record_recheck(recheck, actor=other, passed=False, note="又脏了")
    client.force_login(other)
    assert recheck.case.code not in client.get("/inspections/rechecks/").content.decode()
    assert Recheck.objects.get(pk=recheck.pk).state == RecheckState.PENDING
