"""The declared workflow: every transition allowed for the right person, refused otherwise with nothing changed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.cases.helpers import T0, case_in, jpeg, local, new_case, snapshot
from tests.factories import make_person
from wenming.cases import services
from wenming.cases.models import Case, CaseEvent, CasePhoto
from wenming.cases.workflow import TRANSITIONS, TransitionError, available_actions

LATER = T0 + datetime.timedelta(hours=8)


def _resolve(world, params):
    out = {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("w."):
            value = getattr(world, value[2:])
        out[key] = value
    return out


NOTE = {"note": "说明"}
PHOTOS = {"photos": "photos"}

ALLOWED = [
    ("reported", "register", "office", {}, "registered"),
    ("reported", "reject", "office", NOTE, "rejected"),
    ("registered", "reject", "office", NOTE, "rejected"),
    ("reported", "dispatch", "office", {"unit": "w.bureau"}, "dispatched"),
    ("registered", "dispatch", "office", {"unit": "w.bureau", "person": "w.person"}, "dispatched"),
    ("registered", "dispatch", "office", {"unit": "w.city_unit"}, "coordinating"),
    ("coordinating", "dispatch", "office", {"unit": "w.bureau"}, "dispatched"),
    ("returned", "dispatch", "office", {"unit": "w.other_unit"}, "dispatched"),
    ("dispatched", "acknowledge", "handler", {}, "acknowledged"),
    ("acknowledged", "start_fix", "handler", {}, "fixing"),
    ("fixing", "report_fix", "handler", PHOTOS, "fix_reported"),
    ("dispatched", "report_fix", "handler", PHOTOS, "fix_reported"),
    ("coordinating", "coordinate_done", "office", {**NOTE, **PHOTOS}, "fix_reported"),
    ("fix_reported", "verify", "office", {}, "closed"),
    ("fix_reported", "verify", "inspector", PHOTOS, "closed"),
    ("fix_reported", "rework", "office", {**NOTE, **PHOTOS}, "fixing"),
    ("fixing", "transfer", "handler", NOTE, "returned"),
    ("returned", "reject_transfer", "office", NOTE, "fixing"),
    ("fixing", "request_extension", "handler", {**NOTE, "deadline": local(2025, 10, 20, 18, 0)}, "fixing"),
    ("registered", "park", "office", {**NOTE, "park_until": datetime.date(2025, 12, 31)}, "parked"),
    ("fixing", "park", "office", {**NOTE, "park_until": datetime.date(2025, 12, 31)}, "parked"),
    ("parked", "unpark", "office", {}, "dispatched"),
    ("closed", "reopen", "office", {**NOTE, "reason": "recheck"}, "dispatched"),
    ("closed", "reopen", "inspector", {**NOTE, "reason": "dispute"}, "dispatched"),
    ("fixing", "assign_person", "handler", {"person": "w.person"}, "fixing"),
    ("fixing", "remind", "leader", {}, "fixing"),
    ("fixing", "remind", "group_lead", {}, "fixing"),
    ("closed", "record_satisfaction", "office", {"satisfaction": "basic"}, "closed"),
    ("fixing", "comment", "street_user", NOTE, "fixing"),
]


@pytest.mark.parametrize(("state", "action", "who", "params", "expected"), ALLOWED)
def test_allowed_transition_moves_the_case_and_appends_one_event(world, state, action, who, params, expected):
    # given a case in `state`
    if state == "returned":  # returned from fixing, so rejecting the transfer goes back to fixing
        case = case_in(world, "fixing")
        case = services.transition(case, "transfer", actor=world.handler, note="非本单位", at=LATER)
    else:
        case = case_in(world, state)
    params = _resolve(world, params)
    photos = [jpeg()] if params.pop("photos", None) else []
    events_before = CaseEvent.objects.filter(case=case).count()
    # when the right person runs the action
    result = services.transition(
        case,
        action,
        actor=getattr(world, who),
        photos=photos,
        at=LATER + datetime.timedelta(hours=1),
        **params,
    )
    # then the state is as declared, one event row records it, with the photos attached to it
    assert result.state == expected
    assert Case.objects.get(pk=case.pk).state == expected
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    assert len(events) == events_before + 1
    last = events[-1]
    kind = "coordination" if expected == "coordinating" else TRANSITIONS[action].event
    assert (last.kind, last.action, last.from_state, last.to_state) == (kind, action, state, expected)
    assert last.actor == getattr(world, who)
    assert last.at == LATER + datetime.timedelta(hours=1)
    assert CasePhoto.objects.filter(event=last).count() == len(photos)


def test_a_state_may_be_named_instead_of_the_action(world):
    case = case_in(world, "dispatched")

    case = services.transition(case, "acknowledged", actor=world.handler, at=LATER)

    assert case.state == "acknowledged"
    assert case.events.last().action == "acknowledge"


def test_a_named_person_acts_for_the_case_without_a_unit_role(world):
    case = case_in(world, "registered")
    case = services.dispatch(case, actor=world.office, unit=world.bureau, person=world.person, at=LATER)

    case = services.transition(case, "acknowledge", actor=world.person_user, at=LATER)

    assert case.state == "acknowledged"


REFUSED = [
    # (state, action, who, params, code)
    ("registered", "acknowledge", "handler", {}, "not_found"),  # not dispatched: not in the unit's scope yet
    ("dispatched", "start_fix", "handler", {}, "state"),
    ("closed", "verify", "office", {}, "state"),
    ("rejected", "register", "office", {}, "state"),
    ("merged", "dispatch", "office", {"unit": "w.bureau"}, "state"),
    ("dispatched", "acknowledge", "office", {}, "forbidden"),
    ("fixing", "park", "handler", {**NOTE, "park_until": datetime.date(2025, 12, 31)}, "forbidden"),
    ("fix_reported", "verify", "handler", {}, "forbidden"),
    ("fixing", "comment", "auditor", NOTE, "forbidden"),
    ("fixing", "remind", "street_user", {}, "forbidden"),
    ("fixing", "remind", "other_group_lead", {}, "not_found"),
    ("dispatched", "acknowledge", "other_handler", {}, "not_found"),
    ("dispatched", "acknowledge", "other_street_user", {}, "not_found"),
    ("reported", "register", "leader", {}, "forbidden"),
    ("fixing", "report_fix", "handler", {}, "required"),
    ("fix_reported", "rework", "office", NOTE, "required"),
    ("fix_reported", "rework", "office", PHOTOS, "required"),
    ("reported", "reject", "office", {}, "required"),
    ("fixing", "transfer", "handler", {}, "required"),
    ("fixing", "request_extension", "handler", NOTE, "required"),
    ("fixing", "request_extension", "handler", {**NOTE, "deadline": local(2025, 9, 27, 9, 0)}, "invalid"),
    ("fixing", "park", "office", {**NOTE, "park_until": datetime.date(2025, 9, 1)}, "invalid"),
    ("fixing", "approve_extension", "office", {}, "condition"),
    ("closed", "reopen", "office", {**NOTE, "reason": "because"}, "required"),
    ("closed", "record_satisfaction", "office", {"satisfaction": "great"}, "required"),
    ("fixing", "assign_person", "handler", {"person": "w.other_person"}, "invalid"),
    ("returned", "dispatch", "office", {"unit": "w.bureau"}, "invalid"),
    ("registered", "dispatch", "office", {"unit": "w.bureau", "person": "w.other_person"}, "invalid"),
]


@pytest.mark.parametrize(("state", "action", "who", "params", "code"), REFUSED)
def test_refused_transition_changes_nothing(world, state, action, who, params, code):
    # given a case in `state`
    case = case_in(world, state)
    world.other_person = make_person(name="外单位人员", unit=world.other_unit)
    params = _resolve(world, params)
    photos = [jpeg()] if params.pop("photos", None) else []
    before = snapshot(case)
    # when the action is attempted
    with pytest.raises(TransitionError) as refused:
        services.transition(case, action, actor=getattr(world, who), photos=photos, at=LATER, **params)
    # then it is refused with a Chinese message and nothing changed
    assert refused.value.code == code
    assert refused.value.message and not refused.value.message.isascii()
    assert snapshot(case) == before


def test_the_verifier_must_not_be_the_one_who_reported_the_fix(world):
    # given a coordinated case whose fix the office user office1 reported
    case = case_in(world, "coordinating")
    case = services.transition(
        case, "coordinate_done", actor=world.office, note="市供电公司已修复", photos=[jpeg()], at=LATER
    )
    before = snapshot(case)
    # when the same user verifies, then it is refused and nothing changes
    with pytest.raises(TransitionError, match="核查人不能是整改反馈人本人") as refused:
        services.verify_fix(case, actor=world.office, passed=True, at=LATER)
    assert refused.value.code == "forbidden"
    assert snapshot(case) == before
    with pytest.raises(TransitionError, match="核查人不能是整改反馈人本人"):
        services.verify_fix(case, actor=world.office, passed=False, note="不合格", photos=[jpeg()], at=LATER)
    assert snapshot(case) == before
    # and another office user may verify
    case = services.verify_fix(case, actor=world.office2, passed=True, at=LATER)
    assert case.state == "closed"
    assert case.verified_by == world.office2


def test_verification_records_verifier_result_and_photos(world):
    case = case_in(world, "fix_reported")

    case = services.verify_fix(
        case, actor=world.inspector, passed=False, note="仍有垃圾", photos=[jpeg(), jpeg()], at=LATER
    )

    event = case.events.last()
    assert (case.state, case.reworks, case.verified_by, case.fix_reported_at) == (
        "fixing",
        1,
        world.inspector,
        None,
    )
    assert event.data["result"] == "failed"
    assert event.data["verifier_id"] == world.inspector.pk
    assert list(event.photos.values_list("stage", flat=True)) == ["verification", "verification"]


def test_unknown_action_is_refused(world):
    case = case_in(world, "reported")
    with pytest.raises(TransitionError) as refused:
        services.transition(case, "teleport", actor=world.office)
    assert refused.value.code == "unknown"


def test_a_bad_photo_refuses_the_transition_and_changes_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_in(world, "fixing")
    before = snapshot(case)
    text = SimpleUploadedFile("fix.jpg", b"this is not a picture", content_type="image/jpeg")

    with pytest.raises(ValidationError) as refused:
        services.report_fix(case, actor=world.handler, photos=[jpeg(), text], at=LATER)

    assert refused.value.messages == ["照片“fix.jpg”：不是支持的图片文件（仅支持 JPEG、PNG、WebP、HEIC）。"]
    assert snapshot(case) == before


def test_available_actions_follow_the_table(world):
    case = case_in(world, "fixing")

    assert [t.action for t in available_actions(case, world.handler)] == [
        "report_fix",
        "transfer",
        "request_extension",
        "assign_person",
        "comment",
    ]
    assert [t.action for t in available_actions(case, world.office)] == [
        "merge",
        "park",
        "assign_person",
        "remind",
        "comment",
    ]
    assert [t.action for t in available_actions(case, world.auditor)] == []


# --- side paths in detail ------------------------------------------------------------------------------


def test_transfer_upheld_redispatches_with_a_fresh_clock_for_the_new_unit(world):
    # given a case the bureau says is not theirs
    case = case_in(world, "fixing")
    original_deadline = case.fix_deadline
    case = services.transition(
        case, "transfer", actor=world.handler, note="属交通局职责", at=local(2025, 9, 29, 9, 0)
    )
    assert (case.state, case.transfers, case.returned_from) == ("returned", 1, "fixing")
    assert case.transfer_deadline == local(2025, 9, 29, 10, 0)  # its own clock: 1 working hour
    # when the office upholds it by re-dispatching to the transport bureau
    case = services.dispatch(case, actor=world.office, unit=world.other_unit, at=local(2025, 9, 29, 9, 30))
    # then the new unit owns it with a deadline from now, and the event says the transfer was upheld
    assert (case.state, case.unit, case.transfers_rejected) == ("dispatched", world.other_unit, 0)
    assert case.fix_deadline == local(2025, 9, 30, 9, 30)
    assert case.fix_deadline != original_deadline
    assert case.events.last().data["transfer_upheld"] is True


def test_transfer_rejected_keeps_the_units_original_deadline(world):
    case = case_in(world, "acknowledged")
    deadline = case.fix_deadline
    case = services.transition(case, "transfer", actor=world.handler, note="不是我们的", at=LATER)

    case = services.transition(case, "reject_transfer", actor=world.office, note="属于市政职责", at=LATER)

    assert (case.state, case.unit, case.fix_deadline) == ("acknowledged", world.bureau, deadline)
    assert (case.transfers, case.transfers_rejected, case.returned_from) == (1, 1, "")


def test_extension_request_approval_and_the_limit(world, settings):
    settings.CASE_MAX_EXTENSIONS = 2
    case = case_in(world, "fixing")
    for n, until in enumerate((local(2025, 10, 15, 18, 0), local(2025, 10, 20, 18, 0)), start=1):
        case = services.transition(
            case, "request_extension", actor=world.handler, note="需采购", deadline=until, at=LATER
        )
        assert (case.extension_requested_until, case.fix_deadline != until) == (until, True)
        case = services.transition(case, "approve_extension", actor=world.office, at=LATER)
        assert (case.fix_deadline, case.extensions, case.extension_requested_until) == (until, n, None)
    before = snapshot(case)
    with pytest.raises(TransitionError, match="最多延期 2 次") as refused:
        services.transition(
            case,
            "request_extension",
            actor=world.handler,
            note="再延",
            deadline=local(2025, 11, 1, 18, 0),
            at=LATER,
        )
    assert refused.value.code == "condition"
    assert snapshot(case) == before


def test_extension_refused_keeps_the_deadline(world):
    case = case_in(world, "fixing")
    deadline = case.fix_deadline
    case = services.transition(
        case,
        "request_extension",
        actor=world.handler,
        note="需采购",
        deadline=local(2025, 10, 15, 18, 0),
        at=LATER,
    )
    with pytest.raises(TransitionError, match="已有待审批的延期申请"):
        services.transition(
            case,
            "request_extension",
            actor=world.handler,
            note="再申请",
            deadline=local(2025, 10, 16, 18, 0),
            at=LATER,
        )

    case = services.transition(case, "refuse_extension", actor=world.office, note="时限合理", at=LATER)

    assert (case.fix_deadline, case.extensions, case.extension_requested_until) == (deadline, 0, None)


def test_park_excludes_from_overdue_and_unpark_restarts_the_clock(world):
    case = case_in(world, "fixing")
    case = services.transition(
        case, "park", actor=world.office, note="需管网改造", park_until=datetime.date(2025, 12, 1), at=LATER
    )
    far_future = local(2025, 11, 30, 12, 0)
    assert (case.state, case.parked_from, case.park_plan) == ("parked", "fixing", "需管网改造")
    assert list(Case.objects.parked()) == [case]
    assert not Case.objects.overdue(far_future).exists()

    case = services.transition(case, "unpark", actor=world.office, at=local(2025, 12, 1, 9, 0))

    assert (case.state, case.parked_from) == ("fixing", "")
    assert case.fix_deadline == local(2025, 12, 2, 9, 0)


def test_reopen_restarts_the_clock_and_counts_a_rebound(world):
    case = case_in(world, "closed")
    cycle = case.clock_cycle

    case = services.transition(
        case,
        "reopen",
        actor=world.inspector,
        note="回头看发现垃圾又出现",
        reason="recheck",
        photos=[jpeg()],
        at=local(2025, 10, 20, 15, 0),
    )

    assert (case.state, case.rebounds, case.closed_at, case.fix_reported_at) == ("dispatched", 1, None, None)
    assert case.reopened_at == local(2025, 10, 20, 15, 0)
    assert case.fix_deadline == local(2025, 10, 21, 15, 0)
    assert case.clock_cycle == cycle + 1
    assert case.events.last().data == {
        "reason": "recheck",
        "rebound": True,
        "fix_deadline": case.fix_deadline.isoformat(),
    }


def test_merge_closes_the_duplicate_and_reporters_follow_the_survivor(
    world, django_capture_on_commit_callbacks
):
    from wenming.cases.notifications import reporter_user_ids
    from wenming.core.models import Notification

    survivor = new_case(world, actor=world.inspector)
    duplicate = new_case(world, actor=world.street_user)
    with django_capture_on_commit_callbacks(execute=True):
        duplicate = services.merge_cases(actor=world.office, duplicate=duplicate, survivor=survivor, at=LATER)

    assert (duplicate.state, duplicate.merged_into, duplicate.closed_at) == ("merged", survivor, LATER)
    assert survivor.events.last().kind == "merged_from"
    assert survivor.events.last().data == {"duplicate_id": duplicate.pk, "duplicate_code": duplicate.code}
    assert Notification.objects.filter(recipient=world.street_user, kind="case.merge").count() == 1
    assert reporter_user_ids(survivor) == {world.inspector.pk, world.street_user.pk}
    # when the survivor closes, both reporters hear about it
    survivor = services.dispatch(survivor, actor=world.office, unit=world.bureau, at=LATER)
    survivor = services.report_fix(survivor, actor=world.handler, photos=[jpeg()], at=LATER)
    with django_capture_on_commit_callbacks(execute=True):
        services.verify_fix(survivor, actor=world.office, passed=True, at=LATER)
    closed = Notification.objects.filter(kind="case.verify").values_list("recipient_id", flat=True)
    assert sorted(closed) == sorted([world.inspector.pk, world.street_user.pk, world.handler.pk])


def test_merge_refuses_itself_and_merged_targets(world):
    case = case_in(world, "registered")
    merged = case_in(world, "merged")
    before = snapshot(case)
    with pytest.raises(TransitionError, match="不能把案件合并到它自己"):
        services.merge_cases(actor=world.office, duplicate=case, survivor=case)
    with pytest.raises(TransitionError, match="不能作为合并目标"):
        services.merge_cases(actor=world.office, duplicate=case, survivor=merged)
    assert snapshot(case) == before


def test_bulk_dispatch_reports_failures_without_stopping(world):
    a, b = case_in(world, "registered"), case_in(world, "registered")
    closed = case_in(world, "closed")

    result = services.bulk_dispatch(actor=world.office, cases=[a, closed, b], unit=world.bureau, at=LATER)

    assert [c.pk for c in result.done] == [a.pk, b.pk]
    assert [(c.pk, "不能执行「派遣」" in msg) for c, msg in result.failed] == [(closed.pk, True)]
    assert set(Case.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {"dispatched"}


def test_dispatch_notifies_the_units_handlers_and_the_named_person(world, django_capture_on_commit_callbacks):
    from wenming.core.models import Notification

    case = case_in(world, "registered")
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(case, actor=world.office, unit=world.bureau, person=world.person, at=LATER)

    notes = Notification.objects.filter(kind="case.dispatch")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(
        [world.handler.pk, world.person_user.pk]
    )
    assert notes.first().title == f"新派遣案件 {case.code}，请在 2025-09-29 08:30 前整改"
    assert notes.first().url == f"/cases/{case.pk}/"


def test_history_is_kept_for_each_change(world):
    case = case_in(world, "acknowledged")

    states = list(Case.history.filter(id=case.pk).order_by("history_id").values_list("state", flat=True))

    assert states == ["reported", "dispatched", "acknowledged"]


def test_events_are_append_only(world):
    from wenming.cases.models import AppendOnly

    event = case_in(world, "reported").events.get()
    event.note = "改写"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
