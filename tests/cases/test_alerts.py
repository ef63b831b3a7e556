"""Reminders before the deadline and escalation after it; idempotent however often the job runs."""

import datetime

import pytest

from tests.cases.helpers import case_in, jpeg, local, new_case
from wenming.cases import services
from wenming.cases.alerts import planned_alerts, run_case_alerts
from wenming.cases.models import Case, CaseEvent
from wenming.core.models import Notification


@pytest.fixture
def dispatched(world):
    # dispatched Friday 10:00, 1 working day → deadline Sunday 2025-09-28 10:00 (7 working hours later)
    return services.dispatch(
        new_case(world), actor=world.office, unit=world.bureau, at=local(2025, 9, 26, 10, 0)
    )


def test_the_plan_of_alerts_for_a_running_clock(world, dispatched):
    plan = [(a.kind, a.level, a.at, a.key, a.audience) for a in planned_alerts(dispatched)]

    assert plan == [
        ("reminded", 1, local(2025, 9, 26, 17, 45), "remind:1:c1", ("unit",)),  # 75 % of 7 working hours
        ("escalated", 1, local(2025, 9, 28, 10, 0), "escalate:1:c1", ("office", "unit")),
        ("reminded", 2, local(2025, 9, 28, 10, 0), "remind:2:c1", ("unit",)),  # at the deadline
        (
            "escalated",
            2,
            local(2025, 9, 29, 11, 0),
            "escalate:2:c1",
            ("leaders", "office"),
        ),  # + 8 working hours
    ]
    assert dispatched.next_alert_at == local(2025, 9, 26, 17, 45)


def test_reminders_and_escalations_are_sent_once(world, dispatched, django_capture_on_commit_callbacks):
    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            return run_case_alerts(at)

    assert run(local(2025, 9, 26, 17, 0)) == 0
    assert run(local(2025, 9, 26, 17, 50)) == 1
    assert run(local(2025, 9, 26, 17, 55)) == 0
    case = Case.objects.get(pk=dispatched.pk)
    assert (case.reminders, case.escalation_level, case.next_alert_at) == (1, 0, local(2025, 9, 28, 10, 0))
    assert list(Notification.objects.values_list("recipient__username", "title")) == [
        ("handler1", f"【提醒】案件 {case.code} 即将到达处置时限")
    ]

    assert run(local(2025, 9, 28, 10, 5)) == 2
    assert run(local(2025, 9, 29, 11, 0)) == 1
    assert run(local(2025, 9, 29, 12, 0)) == 0
    case.refresh_from_db()
    assert (case.reminders, case.escalation_level, case.next_alert_at) == (2, 2, None)
    events = CaseEvent.objects.filter(case=case).exclude(dedupe_key="").order_by("id")
    assert [(e.kind, e.data["level"], e.dedupe_key) for e in events] == [
        ("reminded", 1, "remind:1:c1"),
        ("escalated", 1, "escalate:1:c1"),
        ("reminded", 2, "remind:2:c1"),
        ("escalated", 2, "escalate:2:c1"),
    ]
    escalations = Notification.objects.filter(kind="case.escalated").order_by("id")
    assert [(n.recipient.username, n.title) for n in escalations] == [
        ("handler1", f"【1级督办】案件 {case.code} 已超过处置时限"),
        ("office1", f"【1级督办】案件 {case.code} 已超过处置时限"),
        ("office2", f"【1级督办】案件 {case.code} 已超过处置时限"),
        ("leader1", f"【2级督办】案件 {case.code} 已超过处置时限"),
        ("office1", f"【2级督办】案件 {case.code} 已超过处置时限"),
        ("office2", f"【2级督办】案件 {case.code} 已超过处置时限"),
    ]


def test_a_stale_schedule_never_sends_twice(world, dispatched):
    run_case_alerts(local(2025, 9, 29, 12, 0))
    counts = (CaseEvent.objects.count(), Notification.objects.count())
    # a second scheduler that read an old next_alert_at runs the same case again
    Case.objects.filter(pk=dispatched.pk).update(next_alert_at=local(2025, 9, 26, 17, 45))

    assert run_case_alerts(local(2025, 9, 29, 12, 0)) == 0
    assert (CaseEvent.objects.count(), Notification.objects.count()) == counts
    assert Case.objects.get(pk=dispatched.pk).next_alert_at is None


def test_a_new_deadline_starts_a_fresh_set_of_alerts(world, dispatched):
    run_case_alerts(local(2025, 9, 28, 10, 5))  # reminder 1, escalation 1, reminder 2
    case = services.transition(
        dispatched,
        "request_extension",
        actor=world.handler,
        note="需采购",
        deadline=local(2025, 10, 10, 18, 0),
        at=local(2025, 9, 28, 11, 0),
    )
    case = services.transition(case, "approve_extension", actor=world.office, at=local(2025, 9, 28, 11, 30))

    assert (case.escalation_level, case.clock_cycle) == (0, 2)
    assert [a.key for a in planned_alerts(case)] == [
        "remind:1:c2",
        "escalate:1:c2",
        "remind:2:c2",
        "escalate:2:c2",
    ]
    assert run_case_alerts(local(2025, 10, 10, 18, 0)) == 3


def test_no_alerts_once_the_fix_is_reported_or_the_case_is_parked(world, dispatched):
    fixed = services.report_fix(
        dispatched, actor=world.handler, photos=[jpeg()], at=local(2025, 9, 26, 11, 0)
    )
    parked = services.transition(
        case_in(world, "fixing"),
        "park",
        actor=world.office,
        note="需改造",
        park_until=datetime.date(2025, 12, 1),
        at=local(2025, 9, 26, 12, 0),
    )

    assert (fixed.next_alert_at, parked.next_alert_at) == (None, None)
    assert run_case_alerts(local(2025, 11, 1, 9, 0)) == 0


def test_the_office_is_reminded_of_an_undispatched_case(world, django_capture_on_commit_callbacks):
    case = new_case(world, at=local(2025, 9, 26, 10, 0))

    with django_capture_on_commit_callbacks(execute=True):
        sent = run_case_alerts(local(2025, 9, 26, 11, 0))

    assert sent == 1
    titles = set(
        Notification.objects.filter(kind="case.reminded").values_list("recipient__username", "title")
    )
    assert titles == {(u, f"案件 {case.code} 已到派遣时限，请尽快立案派遣") for u in ("office1", "office2")}


def test_a_manual_reminder_counts_too(world, dispatched):
    case = services.transition(
        dispatched, "remind", actor=world.leader, note="请加快", at=local(2025, 9, 26, 11, 0)
    )
    assert case.reminders == 1


def test_the_job_is_registered_with_the_scheduler():
    from wenming.cases import tasks  # noqa: F401 - registers the job
    from wenming.core.schedule import registered_jobs

    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["cases.send_deadline_alerts"].every == datetime.timedelta(minutes=5)
