"""The reporter's follow-up with the tracking code: "me too", confirm, dispute (reopens the case through the
cases workflow and restarts the unit's clock), satisfaction (recorded where the case KPIs read it)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.participation.helpers import PHONE, close_case_of, local, submit
from wenming.cases import kpis
from wenming.cases.choices import CaseState, EventKind, ReopenReason, Satisfaction
from wenming.cases.models import Case
from wenming.participation import services
from wenming.participation.choices import ReportEventKind
from wenming.participation.models import Report, Support

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
T0 = local(2026, 11, 23, 9, 0)  # a Monday


@pytest.fixture
def closed(world):
    report = submit(world, reporter_phone=PHONE, at=T0)
    report = services.accept_report(report, actor=world.office, at=T0 + datetime.timedelta(minutes=10))
    close_case_of(world, report)
    report.refresh_from_db()
    return report


def test_dispute_reopens_the_case_and_restarts_the_units_clock(world, closed):
    case = Case.objects.get(pk=closed.case_id)
    assert case.fix_deadline == local(2026, 11, 24, 9, 10)  # dispatched Monday 09:10 + 1 working day
    old_cycle = case.clock_cycle
    at = case.closed_at + 3 * HOUR  # Monday 15:10
    report = services.dispute_fix(closed, reason="垃圾又堆起来了，根本没清干净", at=at)
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert (case.rebounds, case.clock_cycle, case.cycle_started_at) == (1, old_cycle + 1, at)
    assert (case.fix_deadline, case.closed_at) == (local(2026, 11, 24, 15, 10), None)
    reopened = case.events.get(kind=EventKind.REOPENED)
    assert reopened.data["reason"] == ReopenReason.DISPUTE
    assert reopened.note == f"群众异议（上报 #{report.pk}）：垃圾又堆起来了，根本没清干净"
    assert reopened.actor.username == services.PORTAL_USERNAME
    assert (report.disputes, report.disputed_at) == (1, at)
    assert report.events.get(kind=ReportEventKind.DISPUTED).note == "垃圾又堆起来了，根本没清干净"


def test_dispute_is_refused_before_the_fix_and_after_the_window(world, closed, settings):
    open_report = services.accept_report(submit(world), actor=world.office)
    with pytest.raises(ValidationError) as exc:
        services.dispute_fix(open_report, reason="还没修好呢")
    assert exc.value.messages == ["问题尚未处理完毕，处理完成后才能确认、评价或提出异议。"]
    case = Case.objects.get(pk=closed.case_id)
    with pytest.raises(ValidationError) as exc:
        services.dispute_fix(closed, reason="还是老样子", at=case.closed_at + datetime.timedelta(days=31))
    assert exc.value.messages == ["问题结案已超过 30 天，不能再提出异议；如问题仍存在，请重新上报。"]
    case.refresh_from_db()
    assert (case.state, case.rebounds) == (CaseState.CLOSED, 0)


def test_satisfaction_is_recorded_on_the_case_and_counted_by_the_kpis(world, closed):
    case = Case.objects.get(pk=closed.case_id)
    report = services.rate_satisfaction(closed, satisfaction=Satisfaction.BASIC, at=case.closed_at + HOUR)
    case.refresh_from_db()
    assert (case.satisfaction, case.satisfaction_at) == (Satisfaction.BASIC, case.closed_at + HOUR)
    assert report.events.get(kind=ReportEventKind.RATED).note == "基本满意"
    period = kpis.parse_period(f"{timezone.localtime(case.closed_at):%Y}")
    rows = kpis.compute("unit", period)
    row = next(r for r in rows if r.key == world.bureau.pk)
    assert (row.counts["surveyed"], row.counts["satisfied"]) == (1, 1)
    with pytest.raises(ValidationError) as exc:
        services.rate_satisfaction(closed, satisfaction=Satisfaction.SATISFIED)
    assert exc.value.messages == ["您已评价过本次处理结果。"]


def test_confirm_is_noted_on_the_case_once(world, closed):
    report = services.confirm_fix(closed)
    assert report.confirmed_at is not None
    assert (
        Case.objects.get(pk=closed.case_id)
        .events.filter(kind=EventKind.COMMENT, note="上报人确认问题已解决。")
        .count()
        == 1
    )
    with pytest.raises(ValidationError) as exc:
        services.confirm_fix(report)
    assert exc.value.messages == ["您已确认过问题已解决。"]


def test_me_too_counts_once_per_phone_or_device(world):
    report = services.accept_report(submit(world), actor=world.office)
    report, created = services.add_support(report, phone=PHONE, ip="10.0.0.5")
    assert (created, report.supports) == (True, 1)
    report, created = services.add_support(report, phone=PHONE, ip="10.0.0.6")
    assert (created, report.supports) == (False, 1)
    report, created = services.add_support(report, ip="10.0.0.7")
    report, again = services.add_support(report, ip="10.0.0.7")
    assert (created, again, report.supports) == (True, False, 2)
    assert Support.objects.filter(report=report).count() == 2


def test_me_too_on_a_closed_or_rejected_report_is_refused(world, closed):
    with pytest.raises(ValidationError) as exc:
        services.add_support(closed, ip="10.0.0.8")
    assert exc.value.messages == ["该问题已处理完毕，如仍存在请重新上报。"]
    rejected = services.reject_report(submit(world), actor=world.office, reason="重复")
    with pytest.raises(ValidationError):
        services.add_support(rejected, ip="10.0.0.8")
    assert Report.objects.get(pk=closed.pk).supports == 0
