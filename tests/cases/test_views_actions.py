"""Every action form of the detail page through the client: valid → the state changed and a timeline row was
written (by the workflow service); invalid → the error is shown and nothing changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import case_in, dispatched_case, jpeg, new_case, snapshot
from wenming.cases import services
from wenming.cases.models import Case


def act(client, user, case, action, data=None, *, htmx=False):
    client.force_login(user)
    headers = {"HX-Request": "true"} if htmx else {}
    payload = {f"{action}-{key}": value for key, value in (data or {}).items()}
    return client.post(reverse("cases:case_action", args=[case.code, action]), payload, headers=headers)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def last_event(case):
    return fresh(case).events.order_by("-at", "-id").first()


def later(days=10) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# --- valid forms: (state before, user attribute, action, form data, state after, event kind) ------------------

VALID = [
    ("reported", "office", "register", {}, "registered", "registered"),
    ("reported", "office", "reject", {"note": "不属于创城问题"}, "rejected", "rejected"),
    ("registered", "office", "dispatch", {}, "dispatched", "dispatched"),
    ("dispatched", "handler", "acknowledge", {}, "acknowledged", "acknowledged"),
    ("acknowledged", "handler", "start_fix", {}, "fixing", "fix_started"),
    ("fixing", "handler", "report_fix", {"note": "已清理"}, "fix_reported", "fix_reported"),
    ("fix_reported", "office", "verify", {"result": "passed"}, "closed", "verified"),
    ("fix_reported", "inspector", "verify", {"result": "failed", "note": "仍有垃圾"}, "fixing", "rework"),
    ("dispatched", "handler", "transfer", {"note": "道路保洁归街道"}, "returned", "transfer_requested"),
    ("returned", "office", "reject_transfer", {"note": "属于该局职责"}, "dispatched", "transfer_rejected"),
    ("dispatched", "office", "park", {"note": "需改造管网", "park_until": "2099-12-31"}, "parked", "parked"),
    ("parked", "office", "unpark", {}, "dispatched", "unparked"),
    ("closed", "office", "reopen", {"reason": "recheck", "note": "回头看发现反弹"}, "dispatched", "reopened"),
    (
        "coordinating",
        "office",
        "coordinate_done",
        {"note": "已协调供电公司处理"},
        "fix_reported",
        "coordinated",
    ),
    ("dispatched", "office", "assign_person", "PERSON", "dispatched", "person_assigned"),
    ("dispatched", "leader", "remind", {"note": "请尽快处理"}, "dispatched", "reminded"),
    ("closed", "office", "record_satisfaction", {"satisfaction": "satisfied"}, "closed", "satisfaction"),
    ("acknowledged", "handler", "comment", {"note": "已联系环卫"}, "acknowledged", "comment"),
]

PHOTO_ACTIONS = {"report_fix", "coordinate_done", "rework"}


@pytest.mark.parametrize(("before", "who", "action", "data", "after", "kind"), VALID,
                         ids=[f"{v[2]}-{v[4]}" for v in VALID])  # fmt: skip
def test_valid_action_changes_state_and_writes_the_timeline(
    client, world, before, who, action, data, after, kind
):
    # given a case in the source state
    case = case_in(world, before)
    events_before = case.events.count()
    if data == "PERSON":
        data = {"person": world.person.pk}
    data = dict(data)
    if action in PHOTO_ACTIONS or kind in PHOTO_ACTIONS:
        data["photos"] = jpeg()
    # when the user posts the form
    response = act(client, getattr(world, who), case, action, data)
    # then the service ran: back to the case, new state, one more timeline row of the right kind
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("cases:case_detail", args=[case.code])
    assert fresh(case).state == after
    assert fresh(case).events.count() == events_before + 1
    assert last_event(case).kind == kind
    assert last_event(case).actor == getattr(world, who)


def test_extension_request_then_approval_and_refusal(client, world):
    case = dispatched_case(world)
    until = later()
    assert (
        act(
            client, world.handler, case, "request_extension", {"deadline": until, "note": "需采购设备"}
        ).status_code
        == 302
    )
    assert fresh(case).extension_requested_until is not None
    assert last_event(case).kind == "extension_requested"
    assert act(client, world.office, case, "approve_extension", {}).status_code == 302
    assert fresh(case).extensions == 1
    assert timezone.localtime(fresh(case).fix_deadline).strftime("%Y-%m-%dT%H:%M") == until
    assert last_event(case).kind == "extension_approved"
    # a second request, refused
    assert (
        act(
            client, world.handler, case, "request_extension", {"deadline": later(20), "note": "再延"}
        ).status_code
        == 302
    )
    assert act(client, world.office, case, "refuse_extension", {"note": "不予延期"}).status_code == 302
    assert fresh(case).extensions == 1
    assert fresh(case).extension_requested_until is None
    assert last_event(case).kind == "extension_refused"


def test_merge_into_survivor_by_code(client, world):
    survivor = new_case(world)
    duplicate = new_case(world)
    response = act(
        client, world.office, duplicate, "merge", {"survivor": survivor.code, "note": "同一处垃圾"}
    )
    assert response.status_code == 302
    assert fresh(duplicate).state == "merged"
    assert fresh(duplicate).merged_into == survivor
    assert last_event(survivor).kind == "merged_from"


def test_dispatch_to_a_chosen_unit_and_person(client, world):
    case = new_case(world)
    response = act(
        client, world.office, case, "dispatch", {"unit": world.bureau.pk, "person": world.person.pk}
    )
    assert response.status_code == 302
    case = fresh(case)
    assert (case.state, case.unit, case.person, case.routing_step) == (
        "dispatched",
        world.bureau,
        world.person,
        "manual",
    )


def test_report_fix_attaches_the_after_photos(client, world):
    case = dispatched_case(world)
    act(
        client,
        world.handler,
        case,
        "report_fix",
        {"photos": [jpeg("a.jpg"), jpeg("b.jpg")], "note": "已清理"},
    )
    assert list(fresh(case).photos.values_list("stage", flat=True)) == ["after", "after"]
    assert last_event(case).photos.count() == 2


# --- invalid: error shown, nothing changed ---------------------------------------------------------------------

INVALID = [
    # (state, user, action, data, expected status, message shown)
    ("reported", "leader", "register", {}, 403, "只有文明办可以执行「立案」。"),
    ("reported", "office", "reject", {}, 400, "该字段是必填项。"),
    ("reported", "office", "merge", {"survivor": "HL-1999-000001"}, 400, "找不到案件“HL-1999-000001”"),
    ("dispatched", "handler", "report_fix", {"note": "已清理"}, 400, "该字段是必填项。"),
    ("dispatched", "handler", "transfer", {"note": ""}, 400, "该字段是必填项。"),
    ("acknowledged", "handler", "acknowledge", {}, 409, "案件当前状态为「已签收」，不能执行「签收」。"),
    (
        "fix_reported",
        "office",
        "verify",
        {"result": "failed", "note": "没修好"},
        400,
        "核查不通过须上传至少一张核查照片。",
    ),
    (
        "dispatched",
        "office",
        "park",
        {"note": "计划", "park_until": "2000-01-01"},
        400,
        "挂账计划完成日期不能早于今天。",
    ),
    (
        "dispatched",
        "handler",
        "request_extension",
        {"deadline": "2000-01-01T10:00", "note": "慢"},
        400,
        "申请的日期必须晚于当前处置时限。",
    ),
    ("closed", "office", "reopen", {"reason": "recheck"}, 400, "该字段是必填项。"),
    ("dispatched", "handler", "verify", {"result": "passed"}, 409, "不能执行「核查通过并结案」"),
]


@pytest.mark.parametrize(("state", "who", "action", "data", "status", "message"), INVALID,
                         ids=[f"{v[2]}-{v[5][:8]}" for v in INVALID])  # fmt: skip
def test_invalid_action_shows_the_error_and_changes_nothing(
    client, world, state, who, action, data, status, message
):
    case = case_in(world, state)
    before = snapshot(case)
    response = act(client, getattr(world, who), case, action, data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert snapshot(case) == before


def test_dispatch_refused_by_the_service_is_shown_on_the_form(client, world):
    # a person of another unit: the service refuses; its message appears on the dispatch form
    from tests.factories import make_person

    case = new_case(world)
    before = snapshot(case)
    stranger = make_person(name="外单位人员", unit=world.other_unit)
    response = act(client, world.office, case, "dispatch", {"unit": world.bureau.pk, "person": stranger.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "责任人必须属于责任单位或其下级单位。" in page
    assert 'id="action-dispatch" open' in page
    assert snapshot(case) == before


def test_a_photo_that_is_not_an_image_is_refused(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = dispatched_case(world)
    before = snapshot(case)
    bad = SimpleUploadedFile("fake.jpg", b"not an image at all", content_type="image/jpeg")
    response = act(client, world.handler, case, "report_fix", {"photos": bad})
    assert response.status_code == 400
    assert "照片“fake.jpg”" in response.content.decode()
    assert snapshot(case) == before


def test_htmx_refusal_returns_the_form_alone_and_success_redirects(client, world):
    case = dispatched_case(world)
    before = snapshot(case)
    refused = act(client, world.handler, case, "transfer", {}, htmx=True)
    assert refused.status_code == 200
    assert refused.content.decode().lstrip().startswith("<details")
    assert "该字段是必填项。" in refused.content.decode()
    assert snapshot(case) == before
    done = act(client, world.handler, case, "acknowledge", {}, htmx=True)
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("cases:case_detail", args=[case.code])
    assert fresh(case).state == "acknowledged"


# --- which forms the detail page offers ------------------------------------------------------------------------


def panels(client, user, case) -> list[str]:
    client.force_login(user)
    return [
        p["action"] for p in client.get(reverse("cases:case_detail", args=[case.code])).context["actions"]
    ]


def test_the_page_offers_only_the_actions_this_user_may_take_now(client, world):
    case = dispatched_case(world)
    assert panels(client, world.handler, case) == [
        "acknowledge",
        "report_fix",
        "transfer",
        "request_extension",
        "assign_person",
        "comment",
    ]
    assert panels(client, world.auditor, case) == []
    assert "remind" in panels(client, world.leader, case)
    assert "acknowledge" not in panels(client, world.office, case)


def test_verification_is_hidden_from_whoever_reported_the_fix(client, world):
    # the office reported the fix itself (coordination done) → only another verifier sees 核查
    case = case_in(world, "coordinating")
    services.transition(case, "coordinate_done", actor=world.office, note="已协调", photos=[jpeg()])
    assert "verify" not in panels(client, world.office, case)
    assert "verify" in panels(client, world.office2, case)
    assert "verify" in panels(client, world.inspector, case)  # the inspector reported this case
    before = snapshot(case)
    response = act(client, world.office, case, "verify", {"result": "passed"})
    assert "核查人不能是整改反馈人本人。" in response.content.decode()
    assert snapshot(case) == before


def test_reporter_contact_only_for_the_office(client, world):
    case = new_case(world, reporter_name="王市民", reporter_phone="13800000000")
    url = reverse("cases:case_detail", args=[case.code])
    client.force_login(world.office)
    assert "13800000000" in client.get(url).content.decode()
    for user in (world.leader, world.inspector, world.street_user):
        client.force_login(user)
        assert "13800000000" not in client.get(url).content.decode()


def test_report_fix_form_opens_the_camera_on_phones(client, world):
    case = dispatched_case(world)
    client.force_login(world.handler)
    page = client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert 'name="report_fix-photos"' in page
    assert 'capture="environment"' in page
    assert 'accept="image/*"' in page


def test_timeline_lists_every_step_in_order(client, world):
    case = case_in(world, "closed")
    client.force_login(world.office)
    events = list(client.get(reverse("cases:case_detail", args=[case.code])).context["events"])
    assert [e.kind for e in events] == [
        "created",
        "dispatched",
        "acknowledged",
        "fix_started",
        "fix_reported",
        "verified",
    ]
