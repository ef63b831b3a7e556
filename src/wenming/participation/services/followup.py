"""The citizen's follow-up with the tracking code: "me too", confirm, dispute (reopens the case), satisfaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wenming.participation import ratelimit
from wenming.participation.choices import (
    ReportEventKind,
    ReportState,
)
from wenming.participation.models import (
    Report,
    Support,
)
from wenming.participation.privacy import keyed_hash, normalise_phone
from wenming.participation.services.common import (
    _event,
    _now,
    dispute_days,
    max_disputes,
    portal_actor,
)
from wenming.participation.services.submitting import _process_photos

# --- the citizen's follow-up --------------------------------------------------------------------------------


def add_support(report: Report, *, phone: str = "", ip: str = "", at=None) -> tuple[Report, bool]:
    """ "我也遇到": +1 on an open report instead of a new one; once per phone (or per device/IP without one)."""
    from wenming.cases.choices import OPEN_STATES
    from wenming.participation.public import effective_case

    at = _now(at)
    phone = normalise_phone(phone)
    if report.state in (ReportState.REJECTED, ReportState.SPAM):
        raise ValidationError(_("该上报未被受理，不能附议。"), code="state")
    case = effective_case(report)
    if case is not None and case.state not in OPEN_STATES:
        raise ValidationError(_("该问题已处理完毕，如仍存在请重新上报。"), code="state")
    phone_hash = keyed_hash(phone, "support-phone") if phone else ""  # never stored in the clear
    client_hash = "" if phone else keyed_hash(ip or "unknown", "support")
    if Support.objects.filter(
        report=report, **({"phone_hash": phone_hash} if phone else {"client_hash": client_hash})
    ).exists():
        return report, False
    try:
        with transaction.atomic():
            ratelimit.consume(ratelimit.support_ip_limit(), ip, now=at)
            Support.objects.create(report=report, at=at, phone_hash=phone_hash, client_hash=client_hash)
            Report.objects.filter(pk=report.pk).update(supports=F("supports") + 1)
            _event(report, ReportEventKind.SUPPORTED, at=at)
    except IntegrityError:
        return report, False
    report.refresh_from_db(fields=["supports"])
    return report, True


def _closed_case(report: Report):
    from wenming.cases.choices import CaseState
    from wenming.participation.public import effective_case

    case = effective_case(report)
    if report.state not in (ReportState.ACCEPTED, ReportState.MERGED) or case is None:
        raise ValidationError(_("该上报尚未形成处置案件。"), code="state")
    if case.state != CaseState.CLOSED:
        raise ValidationError(_("问题尚未处理完毕，处理完成后才能确认、评价或提出异议。"), code="state")
    return case


def already_done(when, case) -> bool:
    """Whether a confirmation/rating made at `when` still stands: it does unless the case reopened after it."""
    return when is not None and not (case is not None and case.reopened_at and case.reopened_at > when)


def confirm_fix(report: Report, *, at=None) -> Report:
    """The reporter confirms the problem is fixed (noted on the case's timeline)."""
    from wenming.cases import services as cases

    at = _now(at)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        case = _closed_case(report)
        if already_done(report.confirmed_at, case):
            raise ValidationError(_("您已确认过问题已解决。"), code="done")
        cases.transition(case, "comment", actor=portal_actor(), note=_("上报人确认问题已解决。"), at=at)
        report.confirmed_at = at
        report.save(update_fields=["confirmed_at", "updated_at"])
        _event(report, ReportEventKind.CONFIRMED, at=at)
    return report


def dispute_fix(report: Report, *, reason: str, photos=(), at=None) -> Report:
    """异议: the reporter says the problem is still there — the case is reopened through the cases workflow
    (reason 群众异议), which counts a rebound and restarts the responsible unit's clock."""
    from wenming.cases import services as cases
    from wenming.cases.choices import ReopenReason
    from wenming.cases.workflow import TransitionError

    at = _now(at)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("请说明问题仍然存在的情况（至少 4 个字）。")})
    processed = _process_photos(photos)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        case = _closed_case(report)
        if report.disputes >= max_disputes():
            raise ValidationError(_("每条上报最多提出 %(n)d 次异议。") % {"n": max_disputes()}, code="limit")
        if case.closed_at and at - case.closed_at > datetime.timedelta(days=dispute_days()):
            raise ValidationError(
                _("问题结案已超过 %(n)d 天，不能再提出异议；如问题仍存在，请重新上报。")
                % {"n": dispute_days()},
                code="expired",
            )
        note = _("群众异议（上报 #%(id)s）：%(reason)s") % {"id": report.pk, "reason": reason}
        try:
            case = cases.transition(
                case,
                "reopen",
                actor=portal_actor(),
                note=note,
                photos=processed,
                reason=ReopenReason.DISPUTE,
                at=at,
            )
        except TransitionError as exc:
            raise ValidationError(exc.message, code=exc.code)
        report.disputes, report.disputed_at, report.confirmed_at = report.disputes + 1, at, None
        report.save(update_fields=["disputes", "disputed_at", "confirmed_at", "updated_at"])
        _event(report, ReportEventKind.DISPUTED, at=at, note=reason[:300], data={"case_state": case.state})
    return report


def rate_satisfaction(report: Report, *, satisfaction: str, at=None) -> Report:
    """回访: the reporter rates the handling; recorded on the case (`Case.satisfaction`, read by the KPIs)."""
    from wenming.cases import services as cases
    from wenming.cases.choices import Satisfaction

    at = _now(at)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意、基本满意或不满意。")})
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        case = _closed_case(report)
        if already_done(report.rated_at, case):
            raise ValidationError(_("您已评价过本次处理结果。"), code="done")
        cases.transition(case, "record_satisfaction", actor=portal_actor(), satisfaction=satisfaction, at=at)
        report.rated_at = at
        report.save(update_fields=["rated_at", "updated_at"])
        _event(report, ReportEventKind.RATED, at=at, note=str(Satisfaction(satisfaction).label),
               data={"satisfaction": satisfaction})  # fmt: skip
    return report
