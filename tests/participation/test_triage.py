"""Triage: accept (→ a case through the cases services, routed as usual), merge into an existing case,
reject with a reason the citizen sees, spam; moderation and photo redaction. Refusals change nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from tests.participation.helpers import NAME, PHONE, jpeg, submit
from wenming.cases import services as cases
from wenming.cases.choices import CaseSource, CaseState, EventKind
from wenming.cases.models import Case, CaseEvent
from wenming.participation import services
from wenming.participation.choices import PointsReason, ReportEventKind, ReportState
from wenming.participation.models import PointsEntry, Report, ReportEvent

pytestmark = pytest.mark.django_db


def snapshot(report):
    return {
        "row": Report.objects.filter(pk=report.pk).values().get(),
        "events": ReportEvent.objects.filter(report=report).count(),
        "cases": Case.objects.count(),
        "case_events": CaseEvent.objects.count(),
        "points": PointsEntry.objects.count(),
    }


def test_accept_creates_a_registered_and_dispatched_citizen_case(world):
    report = submit(world, reporter_name=NAME, reporter_phone=PHONE)
    report = services.accept_report(report, actor=world.office)
    case = report.case
    assert report.state == ReportState.ACCEPTED
    assert (case.source, case.category, case.state, case.unit) == (
        CaseSource.CITIZEN,
        world.leaf,
        CaseState.DISPATCHED,
        world.bureau,
    )
    assert (case.reporter_name, case.reporter_phone, case.source_ref) == (NAME, PHONE, f"report:{report.pk}")
    assert case.photos.count() == 1
    assert list(case.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.REGISTERED,
        EventKind.DISPATCHED,
    ]
    assert case.fix_deadline is not None
    points = PointsEntry.objects.get(report=report)
    assert (points.phone, points.reason, points.points) == (PHONE, PointsReason.ACCEPTED, 10)


def test_accept_uses_the_suggested_category_when_the_citizen_left_it_to_us(world):
    from wenming.participation import classifier

    classifier.train()
    report = submit(world, category=None, description="垃圾桶满出来了，果皮箱塞满")
    assert report.suggested_category == world.other_leaf
    assert 0 < report.suggestion_confidence <= 1
    report = services.accept_report(report, actor=world.office)
    assert report.case.category == world.other_leaf


def test_accept_without_any_category_asks_for_one(world):
    report = submit(world, category=None)  # no classifier trained: no suggestion either
    before = snapshot(report)
    with pytest.raises(ValidationError) as exc:
        services.accept_report(report, actor=world.office)
    assert exc.value.message_dict == {"category": ["请为该上报选择问题类别。"]}
    assert snapshot(report) == before


def test_accept_without_a_routable_unit_leaves_the_case_registered(world):
    world.top.special_group = None
    world.top.save()
    world.street.unit = None
    world.street.save()
    report = services.accept_report(submit(world), actor=world.office)
    assert report.case.state == CaseState.REGISTERED
    assert report.routing_message.startswith("无法自动确定责任单位")


def test_only_the_office_triages_and_a_refusal_changes_nothing(world):
    report = submit(world)
    before = snapshot(report)
    for user in (world.leader, world.street_user, world.handler):
        with pytest.raises(PermissionDenied):
            services.accept_report(report, actor=user)
        with pytest.raises(PermissionDenied):
            services.reject_report(report, actor=user, reason="不是问题")
    assert snapshot(report) == before


def test_a_triaged_report_cannot_be_triaged_again(world):
    report = services.reject_report(submit(world), actor=world.office, reason="照片看不出问题")
    before = snapshot(report)
    with pytest.raises(ValidationError) as exc:
        services.accept_report(report, actor=world.office)
    assert exc.value.messages == ["该上报已处理（不予受理），不能重复审核。"]
    assert snapshot(report) == before


def test_reject_needs_a_reason_the_citizen_sees(world):
    report = submit(world)
    with pytest.raises(ValidationError) as exc:
        services.reject_report(report, actor=world.office, reason=" ")
    assert exc.value.message_dict == {"reason": ["请填写不予受理的理由（群众可见）。"]}
    report = services.reject_report(report, actor=world.office, reason="该处为私人院落，不属于公共区域")
    assert (report.state, report.reject_reason) == (ReportState.REJECTED, "该处为私人院落，不属于公共区域")
    assert report.events.get(kind=ReportEventKind.REJECTED).note == "该处为私人院落，不属于公共区域"
    assert not PointsEntry.objects.exists()


def test_merge_joins_an_open_case_and_notes_it_on_the_case(world):
    first = services.accept_report(submit(world), actor=world.office)
    second = submit(world, reporter_phone=PHONE, description="同一处垃圾还没清")
    second = services.merge_report(second, actor=world.office, case=first.case)
    assert (second.state, second.case) == (ReportState.MERGED, first.case)
    note = first.case.events.get(kind=EventKind.COMMENT).note
    assert note == f"群众上报 #{second.pk} 与本案为同一问题，已合并。"
    assert Case.objects.count() == 1
    assert PointsEntry.objects.get(report=second).points == 5


def test_merge_follows_a_merged_case_to_its_survivor(world):
    survivor = cases.create_case(actor=world.inspector, source=CaseSource.INSPECTION, category=world.leaf,
                                 description="督查发现暴露垃圾", area=world.community)  # fmt: skip
    duplicate = cases.create_case(actor=world.inspector, source=CaseSource.INSPECTION, category=world.leaf,
                                  description="同一处暴露垃圾", area=world.community)  # fmt: skip
    cases.merge_cases(actor=world.office, duplicate=duplicate, survivor=survivor)
    report = services.merge_report(submit(world), actor=world.office, case=duplicate)
    assert report.case == survivor


def test_merge_into_a_closed_case_is_refused(world):
    from tests.participation.helpers import close_case_of

    first = services.accept_report(submit(world), actor=world.office)
    close_case_of(world, first)
    report = submit(world)
    before = snapshot(report)
    with pytest.raises(ValidationError) as exc:
        services.merge_report(report, actor=world.office, case=first.case)
    assert exc.value.message_dict["case"][0].endswith(
        "已结案；问题再次出现时请受理为新案件（系统会标记为重复发生）。"
    )
    assert snapshot(report) == before


def test_spam_is_never_public_and_earns_nothing(world):
    report = services.mark_spam(submit(world, reporter_phone=PHONE), actor=world.office, note="广告")
    assert report.state == ReportState.SPAM
    assert not Report.objects.public().filter(pk=report.pk).exists()
    assert not Report.objects.open311_visible().filter(pk=report.pk).exists()
    assert not PointsEntry.objects.exists()


def test_moderation_edits_or_hides_the_public_text(world):
    from wenming.participation.public import public_text

    report = submit(world, description="垃圾堆在门口，我是王小明，车主电话13800001111，车牌闽D12345",
                    reporter_name="王小明")  # fmt: skip
    assert public_text(report) == ""  # nothing is public before triage
    report = services.accept_report(report, actor=world.office)
    assert public_text(report) == "垃圾堆在门口，我是***，车主电话138****1111，车牌闽D*****"
    report = services.moderate_report(report, actor=world.office, public_description="门口堆放垃圾")
    assert public_text(report) == "门口堆放垃圾"
    report = services.moderate_report(
        report, actor=world.office, public_description="", description_hidden=True
    )
    assert public_text(report) == ""
    assert report.description == "垃圾堆在门口，我是王小明，车主电话13800001111，车牌闽D12345"


def test_photo_redaction_pixelates_the_given_region_only(world):
    report = submit(world, photos=[jpeg(size=(160, 120), color=(250, 250, 250))])
    photo = report.photos.get()
    photo = services.redact_photo(photo, actor=world.office, boxes=[["0", "0", "0.5", "0.5"]])
    assert photo.redactions == [[0.0, 0.0, 0.5, 0.5]]
    assert photo.public_file() == photo.redacted
    with photo.redacted.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (photo.width, photo.height)
    photo = services.redact_photo(photo, actor=world.office, hidden=True)
    assert photo.public_file() is None
    with pytest.raises(ValidationError) as exc:
        services.redact_photo(photo, actor=world.office, boxes=[["0.9", "0.9", "0.5", "0.5"]])
    assert exc.value.message_dict == {"boxes": ["遮挡区域必须在照片范围内。"]}
