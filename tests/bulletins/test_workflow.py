"""The bulletin workflow: draft → review → signed → published (numbered, frozen) → archived; who may do what;
document numbers per year; a published bulletin does not change when its cases change."""

import datetime
import hashlib
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from tests.bulletins.helpers import build_dataset, jpeg, local
from tests.factories import make_user
from wenming.bulletins import collect, services
from wenming.bulletins.choices import BulletinEventKind, BulletinKind, BulletinState, JobKind, JobState
from wenming.bulletins.models import Bulletin, BulletinEvent, BulletinJob, DocNumberSequence
from wenming.bulletins.services import BulletinError
from wenming.cases import services as case_services
from wenming.core.models import Notification


@pytest.fixture
def draft(ds, django_capture_on_commit_callbacks):
    bulletin = services.create_bulletin(actor=ds.office, kind=BulletinKind.INSPECTION, round=ds.round)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_job(actor=ds.office, bulletin=bulletin, kind=JobKind.GENERATE)
    bulletin.refresh_from_db()
    return bulletin


def _publish(ds, bulletin, callbacks, at=None):
    services.transition_bulletin(actor=ds.office, bulletin=bulletin, action="submit", at=at)
    services.transition_bulletin(actor=ds.leader, bulletin=bulletin, action="sign", at=at)
    with callbacks(execute=True):
        services.transition_bulletin(actor=ds.office, bulletin=bulletin, action="publish", at=at)
    bulletin.refresh_from_db()
    return bulletin


def test_full_workflow_numbers_dates_and_renders_the_final_files(
    ds, draft, django_capture_on_commit_callbacks
):
    at = local(2026, 11, 20, 9, 0)
    b = _publish(ds, draft, django_capture_on_commit_callbacks, at=at)
    assert b.state == BulletinState.PUBLISHED
    assert (b.doc_year, b.doc_seq, b.doc_number) == (2026, 1, "湖文明办〔2026〕1号")
    assert b.issue_date == datetime.date(2026, 11, 20)
    assert (b.signed_by, b.published_by) == (ds.leader, ds.office)
    assert services.final_formats(b) == ["docx", "pdf", "xlsx"]
    assert b.files_hash["docx"] == hashlib.sha256(b.docx.read()).hexdigest()
    kinds = list(BulletinEvent.objects.filter(bulletin=b).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "generated", "submitted", "signed", "published", "rendered"]
    import docx as python_docx

    document = python_docx.Document(b.docx.open("rb"))
    assert document.paragraphs[1].text == "湖文明办〔2026〕1号"
    assert "2026年11月20日" in [p.text for p in document.paragraphs]  # the issue date under the issuer
    services.transition_bulletin(actor=ds.office, bulletin=b, action="archive")
    assert Bulletin.objects.get(pk=b.pk).state == BulletinState.ARCHIVED


def test_document_numbers_run_per_year(ds):
    numbers = []
    for when in (local(2026, 12, 30, 9), local(2026, 12, 31, 9), local(2027, 1, 2, 9)):
        b = services.create_bulletin(actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-10")
        Bulletin.objects.filter(pk=b.pk).update(data={"x": 1})
        b.refresh_from_db()
        for action, who in (("submit", ds.office), ("sign", ds.leader), ("publish", ds.office)):
            b = services.transition_bulletin(actor=who, bulletin=b, action=action, at=when)
        numbers.append(b.doc_number)
    assert numbers == ["湖文明办〔2026〕1号", "湖文明办〔2026〕2号", "湖文明办〔2027〕1号"]
    assert dict(DocNumberSequence.objects.values_list("year", "last")) == {2026: 2, 2027: 1}


@pytest.mark.django_db(transaction=True)
def test_two_publications_at_once_never_share_a_number(settings, tmp_path):
    settings.MEDIA_ROOT, settings.GENERATED_ROOT = tmp_path / "m", tmp_path / "g"
    from wenming.core.services import seed_calendar

    seed_calendar(years=range(2026, 2027))
    ds = build_dataset()
    ids = []
    for _i in range(2):
        b = services.create_bulletin(actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-10")
        Bulletin.objects.filter(pk=b.pk).update(data={"x": 1}, state=BulletinState.SIGNED)
        ids.append(b.pk)
    barrier, errors = threading.Barrier(2), []

    def publish(pk):
        try:
            barrier.wait()
            services.transition_bulletin(
                actor=ds.office, bulletin=Bulletin.objects.get(pk=pk), action="publish"
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(Bulletin.objects.filter(pk__in=ids).values_list("doc_seq", flat=True)) == [1, 2]


def test_published_bulletin_is_frozen_when_cases_change_later(ds, draft, django_capture_on_commit_callbacks):
    b = _publish(ds, draft, django_capture_on_commit_callbacks)
    before = {
        "data": b.data,
        "hash": b.data_hash,
        "files": {f: getattr(b, f).read() for f in ("docx", "xlsx", "pdf")},
    }
    # when: the overdue case B is fixed and closed, and a new problem appears at P3
    case_b = ds.cases["B"]
    case_b = case_services.report_fix(case_b, actor=ds.handler_u1, photos=[jpeg()], at=local(2026, 11, 21, 9))
    case_services.verify_fix(case_b, actor=ds.office, passed=True, at=local(2026, 11, 21, 10))
    # then: nothing of the published bulletin moved, and it cannot be regenerated
    b.refresh_from_db()
    assert b.data == before["data"] and b.data_hash == before["hash"] == collect.data_hash(b.data)
    assert {f: getattr(b, f).read() for f in ("docx", "xlsx", "pdf")} == before["files"]
    for kind in (JobKind.GENERATE, JobKind.PDF, JobKind.PUBLISH):
        with pytest.raises(BulletinError):
            services.start_job(actor=ds.office, bulletin=b, kind=kind)
    with pytest.raises(BulletinError):
        services.update_bulletin(actor=ds.office, bulletin=b, title="改标题")
    assert Bulletin.objects.get(pk=b.pk).title == draft.title
    # while a fresh collection now sees the fix
    fresh = collect.collect(collect.spec_of(b))
    assert fresh["states"]["closed"] == before["data"]["states"]["closed"] + 1


def test_submit_needs_data_and_only_leader_signs(ds):
    b = services.create_bulletin(actor=ds.office, kind=BulletinKind.WEEKLY, period_code="2026-W42")
    with pytest.raises(BulletinError, match="请先生成通报数据"):
        services.transition_bulletin(actor=ds.office, bulletin=b, action="submit")
    assert Bulletin.objects.get(pk=b.pk).state == BulletinState.DRAFT
    Bulletin.objects.filter(pk=b.pk).update(data={"x": 1})
    services.transition_bulletin(actor=ds.office, bulletin=b, action="submit")
    with pytest.raises(PermissionDenied):
        services.transition_bulletin(actor=ds.office, bulletin=b, action="sign")
    with pytest.raises(Http404):
        services.transition_bulletin(actor=ds.handler_u1, bulletin=b, action="sign")
    assert Bulletin.objects.get(pk=b.pk).state == BulletinState.REVIEW
    assert (
        Notification.objects.filter(recipient=ds.leader, kind="bulletin.submit").count() == 0
    )  # after commit only


def test_leader_returns_with_a_reason_and_a_return_without_reason_changes_nothing(ds):
    b = services.create_bulletin(actor=ds.office, kind=BulletinKind.WEEKLY, period_code="2026-W42")
    Bulletin.objects.filter(pk=b.pk).update(data={"x": 1}, state=BulletinState.REVIEW)
    with pytest.raises(BulletinError):
        services.transition_bulletin(actor=ds.leader, bulletin=b, action="return", note="  ")
    assert Bulletin.objects.get(pk=b.pk).state == BulletinState.REVIEW
    services.transition_bulletin(actor=ds.leader, bulletin=b, action="return", note="排名表请补充说明")
    b.refresh_from_db()
    assert b.state == BulletinState.DRAFT
    assert b.events.last().note == "排名表请补充说明"


def test_publishing_notifies_the_recipient_units(ds, draft, django_capture_on_commit_callbacks):
    _publish(ds, draft, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind="bulletin.publish", recipient=ds.handler_u1).count() == 1
    assert Notification.objects.filter(kind="bulletin.publish", recipient=ds.office).count() == 0


def test_regeneration_keeps_an_edited_summary_and_refreshes_an_untouched_one(
    ds, draft, django_capture_on_commit_callbacks
):
    services.update_bulletin(actor=ds.office, bulletin=draft, summary="人工改写的总体情况。")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_job(actor=ds.office, bulletin=draft, kind=JobKind.GENERATE)
    draft.refresh_from_db()
    assert draft.summary == "人工改写的总体情况。"
    services.update_bulletin(actor=ds.office, bulletin=draft, summary="")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_job(actor=ds.office, bulletin=draft, kind=JobKind.GENERATE)
    draft.refresh_from_db()
    assert draft.summary == draft.data["summary"] and draft.summary.startswith(
        "2026年10月1日至2026年10月31日，区文明办组织开展2026年10月督查"
    )


def test_a_second_job_is_refused_while_one_is_queued(ds, draft):
    BulletinJob.objects.create(bulletin=draft, kind=JobKind.PDF, state=JobState.PENDING)
    with pytest.raises(BulletinError, match="正在进行"):
        services.start_job(actor=ds.office, bulletin=draft, kind=JobKind.GENERATE)
    assert BulletinJob.objects.filter(bulletin=draft).count() == 2


def test_a_failing_job_ends_failed_with_its_reason(ds, draft):
    job = BulletinJob.objects.create(bulletin=draft, kind=JobKind.PUBLISH)  # a draft has no frozen snapshot
    Bulletin.objects.filter(pk=draft.pk).update(data_hash="0" * 64)
    assert services.run_job(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "指纹" in job.error


def test_only_office_creates_and_bad_input_creates_nothing(ds):
    with pytest.raises(PermissionDenied):
        services.create_bulletin(actor=ds.leader, kind=BulletinKind.MONTHLY, period_code="2026-10")
    with pytest.raises(BulletinError):
        services.create_bulletin(actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-13")
    with pytest.raises(BulletinError):
        services.create_bulletin(actor=ds.office, kind=BulletinKind.INSPECTION)
    with pytest.raises(BulletinError):
        services.create_bulletin(actor=ds.office, kind=BulletinKind.SPECIAL, period_code="2026-10")
    assert Bulletin.objects.count() == 0


def test_default_titles(ds):
    def title(**kw):
        return services.create_bulletin(actor=ds.office, **kw).title

    assert title(kind=BulletinKind.WEEKLY, period_code="2026-W42") == "关于2026年第42周文明创建工作情况的通报"
    assert (
        title(kind=BulletinKind.QUARTERLY, period_code="2026-Q3") == "关于2026年第3季度文明创建工作情况的通报"
    )
    assert title(kind=BulletinKind.INSPECTION, round=ds.round) == "关于2026年10月督查情况的通报"
    assert (
        title(kind=BulletinKind.SPECIAL, period_code="2026-10", theme=ds.theme_env)
        == "关于2026年10月“保洁（测试）”专项整治情况的通报"
    )
    assert title(kind=BulletinKind.REDBLACK, period_code="2026-10") == "2026年10月文明创建工作红黑榜"


def test_recipients_see_published_bulletins_others_do_not(ds, draft, django_capture_on_commit_callbacks):
    outsider = make_user(
        "unit_handler", unit=ds.su2.__class__.objects.create(code="X-1", name="无关单位", level="district")
    )
    assert not Bulletin.objects.restrict(ds.handler_u1).filter(pk=draft.pk).exists()  # a draft: office only
    _publish(ds, draft, django_capture_on_commit_callbacks)
    assert Bulletin.objects.restrict(ds.handler_u1).filter(pk=draft.pk).exists()
    assert Bulletin.objects.restrict(ds.street1).filter(pk=draft.pk).exists()  # 湖里街道's territorial unit
    assert not Bulletin.objects.restrict(outsider).filter(pk=draft.pk).exists()
    assert BulletinEventKind.PUBLISHED in draft.events.values_list("kind", flat=True)
