"""The coordination clock (docs/domain-rules.md §5): cases at 央属/省属/市属 units get a coordination deadline,
a reminder to the office, escalation to the leaders, and the KPI 协调办结率."""

from tests.cases.helpers import jpeg, local, new_case
from wenming.cases import kpis, services
from wenming.cases.alerts import planned_alerts, run_case_alerts
from wenming.cases.choices import CaseState, EventKind
from wenming.cases.models import Case
from wenming.core.models import Notification

HANDED = local(2025, 10, 13, 10, 0)  # Monday
DEADLINE = local(2025, 11, 3, 10, 0)  # 15 working days later (no holiday in between)


def _coordinating(w):
    case = new_case(w, at=HANDED)
    return services.dispatch(case, actor=w.office, unit=w.city_unit, at=HANDED)


def test_a_case_handed_to_coordination_gets_a_deadline_reminder_and_escalation_to_the_leaders(
    world, django_capture_on_commit_callbacks
):
    case = _coordinating(world)
    assert case.state == CaseState.COORDINATING and case.fix_deadline is None
    assert case.coordination_deadline == DEADLINE
    alerts = planned_alerts(case)
    assert [(a.kind, a.level, a.audience) for a in alerts] == [
        (EventKind.REMINDED, 1, ("office",)),
        (EventKind.ESCALATED, 1, ("leaders", "office")),
        (EventKind.ESCALATED, 2, ("leaders", "office")),
    ]
    assert HANDED < alerts[0].at < DEADLINE == alerts[1].at
    with django_capture_on_commit_callbacks(execute=True):
        assert run_case_alerts(local(2025, 11, 3, 10, 30)) == 2  # the reminder and the first escalation
    case = Case.objects.get(pk=case.pk)
    assert case.escalation_level == 1
    title = Notification.objects.get(recipient=world.leader, kind="case.escalated").title
    assert title == f"【协调督办1级】案件 {case.code}（市供电公司）已超过协调时限，请领导协调"
    assert run_case_alerts(local(2025, 11, 3, 10, 30)) == 0  # never twice


def test_coordination_kpi_counts_due_done_and_on_time(world):
    """Due in November (deadline 3 Nov); done on 5 Nov (late): 协调办结率 1 ÷ 1 = 100 %, 按期 0 ÷ 1 = 0 %.
    October has nothing due; before the fix report November's rate is 0 ÷ 1."""
    case = _coordinating(world)
    nov, now = kpis.parse_period("2025-11"), local(2025, 11, 15, 12, 0)
    rows = {r.key: r for r in kpis.compute("unit", nov, now=local(2025, 11, 4, 12, 0), formulas=[])}
    assert (
        rows[world.city_unit.pk].counts["coordination_due"],
        rows[world.city_unit.pk].rates["coordination_rate"],
    ) == (1, 0.0)
    services.transition(case, "coordinate_done", actor=world.office, note="经市供电公司协调已修复",
                        photos=[jpeg()], at=local(2025, 11, 5, 9, 0))  # fmt: skip
    row = {r.key: r for r in kpis.compute("unit", nov, now=now, formulas=[])}[world.city_unit.pk]
    assert (
        row.counts["coordination_due"],
        row.counts["coordination_done"],
        row.counts["coordination_on_time"],
    ) == (1, 1, 0)
    assert (row.rates["coordination_rate"], row.rates["coordination_on_time_rate"]) == (1.0, 0.0)
    assert row.counts["due"] == 0  # coordination cases never enter the unit-clock KPIs
    octo = {r.key: r for r in kpis.compute("unit", kpis.parse_period("2025-10"), now=now, formulas=[])}
    assert world.city_unit.pk not in octo or octo[world.city_unit.pk].counts["coordination_due"] == 0
    assert kpis.case_ids("coordination_done", nov, now) == [case.pk]
