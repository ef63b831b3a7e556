"""Confirming a year recomputes every calendar-based deadline, not only the fix deadline (docs/domain-rules.md §8,
"Provisional deadlines"): 派遣时限, 退回审核时限, 协调时限 and the 回头看 due dates — the rule-computed ones; a deadline
that differs from its rule is kept. The office's message and the import report list each change with its name."""

from tests.cases.helpers import case_in, dispatched_case, local, new_case
from tests.cases.test_provisional_deadlines import NOTICE_2027
from wenming.cases import services
from wenming.cases.choices import CaseState, EventKind
from wenming.cases.models import Case
from wenming.core.holidays import parse_notice
from wenming.core.models import Notification
from wenming.core.services import import_calendar_year, seed_provisional_year
from wenming.inspections.services.rechecks import draw_rechecks

# 2027 provisional: 春节 5–8 Feb off (除夕–初三). The notice: 5–13 Feb off, Saturday 20 Feb worked.
# Working hours 08:30–12:00, 14:30–18:00.


def test_dispatch_transfer_coordination_and_recheck_deadlines_move_with_the_notice(world):
    w = world
    seed_provisional_year(actor=w.office, year=2027)

    # 派遣时限: reported on 初三 (a provisional holiday) 10:00 + 1 working hour → Tue 02-09 09:30; after the
    # notice 9–13 Feb are off too → Mon 02-15 09:30.
    intake = new_case(w, at=local(2027, 2, 8, 10, 0))
    assert intake.dispatch_deadline == local(2027, 2, 9, 9, 30)
    # 退回审核时限: "not ours" requested on 02-08 10:00 + 1 working hour → 02-09 09:30 → 02-15 09:30.
    returned = dispatched_case(w, at=local(2027, 2, 3, 10, 0))
    returned = services.transition(
        returned, "transfer", actor=w.handler, note="不是我单位职责", at=local(2027, 2, 8, 10, 0)
    )
    assert (returned.state, returned.transfer_deadline) == (CaseState.RETURNED, local(2027, 2, 9, 9, 30))
    # 协调时限: handed to coordination Wed 02-03 10:00 + 15 working days. Provisional: 02-04 (1), 02-09–12 (2–5),
    # 02-15–19 (6–10), 02-22–26 (11–15) → Fri 02-26 10:00. Notice: 02-04 (1), 02-15–19 (2–6), Sat 02-20 (7),
    # 02-22–26 (8–12), 03-01–03 (13–15) → Wed 03-03 10:00.
    coordinating = services.dispatch(
        new_case(w, at=local(2027, 2, 3, 9, 0)), actor=w.office, unit=w.city_unit, at=local(2027, 2, 3, 10, 0)
    )
    assert (coordinating.state, coordinating.coordination_deadline) == (
        CaseState.COORDINATING,
        local(2027, 2, 26, 10, 0),
    )
    # the same clock with a deadline that is not the rule's (set by hand): kept
    kept = services.dispatch(
        new_case(w, at=local(2027, 2, 3, 9, 0)), actor=w.office, unit=w.city_unit, at=local(2027, 2, 3, 10, 0)
    )
    Case.objects.filter(pk=kept.pk).update(coordination_deadline=local(2027, 3, 31, 18, 0))
    # 回头看: a case closed on 01-15 is drawn on Wed 02-03 10:00, due in 3 working days: 02-04 (1), 02-09 (2),
    # 02-10 (3) → 02-10 10:00; after the notice 02-04, 02-15, 02-16 → 02-16 10:00.
    closed = case_in(w, "closed", at=local(2027, 1, 15, 9, 0))
    (recheck,) = draw_rechecks(now=local(2027, 2, 3, 10, 0))
    assert (recheck.case_id, recheck.due_at) == (closed.pk, local(2027, 2, 10, 10, 0))
    # a case whose clocks lie before 2027: not read, not moved
    early = new_case(w, at=local(2026, 12, 1, 10, 0))

    inbox_before = Notification.objects.filter(recipient=w.office).count()
    report = import_calendar_year(actor=w.office, year=2027, days=parse_notice(NOTICE_2027, 2027))

    for case in (intake, returned, coordinating, kept, early):
        case.refresh_from_db()
    recheck.refresh_from_db()
    assert intake.dispatch_deadline == local(2027, 2, 15, 9, 30)
    assert returned.transfer_deadline == local(2027, 2, 15, 9, 30)
    assert coordinating.coordination_deadline == local(2027, 3, 3, 10, 0)
    assert kept.coordination_deadline == local(2027, 3, 31, 18, 0)
    assert early.dispatch_deadline == local(2026, 12, 1, 11, 0)
    assert recheck.due_at == local(2027, 2, 16, 10, 0)

    listed = {(c.code, c.what, c.new) for c in report.recomputed}
    assert listed == {
        (intake.code, "派遣时限", local(2027, 2, 15, 9, 30)),
        (returned.code, "退回审核时限", local(2027, 2, 15, 9, 30)),
        (coordinating.code, "协调时限", local(2027, 3, 3, 10, 0)),
        (closed.code, "回头看复查期限", local(2027, 2, 16, 10, 0)),
    }
    event = intake.events.get(kind=EventKind.DEADLINE_RECOMPUTED)
    assert event.data["deadline"] == "dispatch_deadline" and "派遣时限" in event.note
    assert coordinating.events.filter(kind=EventKind.DEADLINE_RECOMPUTED).count() == 1
    assert not kept.events.filter(kind=EventKind.DEADLINE_RECOMPUTED).exists()
    # the alerts follow the moved deadlines
    assert intake.next_alert_at == intake.dispatch_deadline
    # one message for the cases' clocks, one for the re-checks, each listing its changes
    inbox = list(Notification.objects.filter(recipient=w.office).order_by("pk"))[inbox_before:]
    assert len(inbox) == 2
    cases_msg, recheck_msg = inbox
    assert f"{intake.code} 派遣时限: 2027-02-09 09:30 → 2027-02-15 09:30" in cases_msg.body
    assert f"{coordinating.code} 协调时限: 2027-02-26 10:00 → 2027-03-03 10:00" in cases_msg.body
    assert f"{closed.code} 回头看复查期限: 2027-02-10 10:00 → 2027-02-16 10:00" in recheck_msg.body


def test_the_import_page_lists_each_moved_deadline_with_its_name(world, client):
    w = world
    seed_provisional_year(actor=w.office, year=2027)
    intake = new_case(w, at=local(2027, 2, 8, 10, 0))
    client.force_login(w.office)
    preview = client.post("/calendar/import/", {"step": "preview", "year": 2027, "text": NOTICE_2027})
    assert preview.status_code == 200
    applied = client.post(
        "/calendar/import/", {"step": "apply", "year": 2027, "payload": preview.context["payload"]}
    )
    assert applied.status_code == 200
    page = applied.content.decode()
    intake.refresh_from_db()
    assert intake.dispatch_deadline == local(2027, 2, 15, 9, 30)
    assert intake.code in page and "派遣时限" in page and "2027-02-15 09:30" in page
