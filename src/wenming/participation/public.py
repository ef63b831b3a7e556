"""What the public may see of a report (公开信息): status in plain words, the public timeline, the masked
description, the category's plain-language name, after-photos, and the per-street figures.

Nothing here ever reads the reporter's name, phone, e-mail, device or account ids.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Case as When_
from django.db.models import F, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.cases.choices import CaseState, EventKind, PhotoStage
from wenming.participation.choices import (
    OPEN311_CLOSED,
    PUBLIC_STATUS_BADGE,
    PublicStatus,
    ReportState,
)
from wenming.participation.privacy import mask_personal_data

S = CaseState
CASE_STATUS = {
    S.REPORTED: PublicStatus.ACCEPTED,
    S.REGISTERED: PublicStatus.ACCEPTED,
    S.DISPATCHED: PublicStatus.IN_PROGRESS,
    S.ACKNOWLEDGED: PublicStatus.IN_PROGRESS,
    S.FIXING: PublicStatus.IN_PROGRESS,
    S.COORDINATING: PublicStatus.IN_PROGRESS,
    S.RETURNED: PublicStatus.IN_PROGRESS,
    S.FIX_REPORTED: PublicStatus.FIX_REPORTED,
    S.PARKED: PublicStatus.PLANNED,
    S.CLOSED: PublicStatus.FIXED,
    S.REJECTED: PublicStatus.NOT_ACCEPTED,
    S.MERGED: PublicStatus.ACCEPTED,  # only when the chain is broken; effective_case follows it
}
# The case timeline in plain words; kinds not listed here (comments, reminders, escalations, person changes,
# extension requests …) are the office's internal business and never shown.
CASE_EVENT_WORDS = {
    EventKind.REGISTERED: gettext_lazy("问题已立案"),
    EventKind.DISPATCHED: gettext_lazy("已交由责任单位处理"),
    EventKind.COORDINATION: gettext_lazy("涉及上级单位，文明办正在协调处理"),
    EventKind.ACKNOWLEDGED: gettext_lazy("责任单位已签收"),
    EventKind.FIX_STARTED: gettext_lazy("责任单位开始整改"),
    EventKind.FIX_REPORTED: gettext_lazy("责任单位反馈已整改"),
    EventKind.COORDINATED: gettext_lazy("协调处理完毕"),
    EventKind.VERIFIED: gettext_lazy("核查通过，问题已解决"),
    EventKind.REWORK: gettext_lazy("核查未通过，责任单位重新整改"),
    EventKind.CLOSED_ON_SPOT: gettext_lazy("当场整改完毕"),
    EventKind.TRANSFER_REQUESTED: gettext_lazy("正在重新确定责任单位"),
    EventKind.EXTENSION_APPROVED: gettext_lazy("整改期限已延长"),
    EventKind.PARKED: gettext_lazy("已列入整改计划"),
    EventKind.UNPARKED: gettext_lazy("恢复处理"),
    EventKind.REOPENED: gettext_lazy("问题重新打开，责任单位重新整改"),
    EventKind.REJECTED: gettext_lazy("不予立案"),
    EventKind.MERGED: gettext_lazy("与其他上报合并处理"),
}
MAX_CHAIN = 10


def effective_case(report):
    """The case that carries the report now: its case, or the survivor it was merged into (followed)."""
    case = report.case if report.case_id else None
    for _i in range(MAX_CHAIN):
        if case is None or case.state != S.MERGED or not case.merged_into_id:
            return case
        case = case.merged_into
    return case


def case_chain(report) -> list:
    case = report.case if report.case_id else None
    chain = []
    while case is not None and len(chain) < MAX_CHAIN:
        chain.append(case)
        case = case.merged_into if case.state == S.MERGED and case.merged_into_id else None
    return chain


def status_of(report, case=None) -> str:
    if report.state == ReportState.PENDING:
        return PublicStatus.RECEIVED
    if report.state in (ReportState.REJECTED, ReportState.SPAM):
        return PublicStatus.NOT_ACCEPTED
    case = case if case is not None else effective_case(report)
    if case is None:
        return PublicStatus.ACCEPTED
    return CASE_STATUS.get(case.state, PublicStatus.ACCEPTED)


def status_label(status: str) -> str:
    return str(PublicStatus(status).label)


def is_open311_closed(status: str) -> bool:
    return status in OPEN311_CLOSED


def mask_for(report, text: str) -> str:
    """`text` with phone/ID/plate numbers masked, and the reporter's own name, e-mail and ids if written in it."""
    text = mask_personal_data(text or "")
    for secret in (report.reporter_name, report.reporter_email, report.device_id, report.account_id):
        secret = (secret or "").strip()
        if len(secret) >= 2:
            text = text.replace(secret, "*" * len(secret))
    return text


def public_text(report) -> str:
    """The description as the public sees it: moderated text (or the original), personal data masked;
    nothing before the office has triaged the report."""
    from wenming.participation.privacy import HOUSE_NUMBER

    if report.description_hidden or report.state in (ReportState.PENDING, ReportState.SPAM):
        return ""
    text = mask_for(report, report.public_description or report.description)
    return HOUSE_NUMBER.sub(lambda m: "*" * len(m.group(0)), text)


def category_name(category) -> str:
    if category is None:
        return _("待分类")
    return category.public_name or category.name


def public_category(report, case=None):
    case = case if case is not None else effective_case(report)
    return case.category if case is not None else report.category


def status_note(report, case=None) -> str:
    """One sentence for the tracking page and Open311 `status_notes`."""
    status = status_of(report, case)
    case = case if case is not None else effective_case(report)
    if report.state == ReportState.REJECTED:
        return _("未受理：%(reason)s") % {"reason": report.reject_reason}
    if report.state == ReportState.SPAM:
        return _("未受理：内容不符合上报要求。")
    if status == PublicStatus.PLANNED and case is not None and case.park_until:
        return _("已列入整改计划，计划完成日期 %(date)s。") % {"date": f"{case.park_until:%Y-%m-%d}"}
    if status == PublicStatus.IN_PROGRESS and case is not None and case.unit_id:
        return _("已交由%(unit)s处理。") % {"unit": case.unit.name}
    return status_label(status)


def responsible_unit(case) -> str:
    if case is None or not case.unit_id or case.state in (S.REPORTED, S.REGISTERED, S.REJECTED):
        return ""
    return case.unit.name


@dataclass
class TimelineEntry:
    at: datetime.datetime
    label: str
    note: str = ""
    kind: str = ""


def timeline(report, chain: list | None = None) -> list[TimelineEntry]:
    """Public events of the report and of its case(s), oldest first (no internal notes, no actors)."""
    from wenming.cases.models import CaseEvent

    entries = [
        TimelineEntry(e.at, e.get_kind_display(), e.note, e.kind)
        for e in report.events.public().order_by("at", "id")
    ]
    chain = chain if chain is not None else case_chain(report)
    if chain:
        events = CaseEvent.objects.filter(
            case_id__in=[c.pk for c in chain], kind__in=list(CASE_EVENT_WORDS), at__gte=report.submitted_at
        ).order_by("at", "id")
        for event in events:
            entries.append(
                TimelineEntry(event.at, str(CASE_EVENT_WORDS[event.kind]), "", f"case-{event.kind}")
            )
    entries.sort(key=lambda e: e.at)
    return entries


def after_photos(case):
    """After-photos (整改后) of a case once a fix is reported or the case is closed."""
    if case is None or case.state not in (S.FIX_REPORTED, S.CLOSED):
        return []
    return list(case.photos.filter(stage=PhotoStage.AFTER).order_by("id"))


def public_photos(report):
    from wenming.participation.privacy import public_report

    view = public_report(report)
    return view["photos"] if view else []


def card(report, distance: float | None = None) -> dict | None:
    """The anonymised summary of a report for lists, the map, the CSV and "similar reports" (no contact data);
    None when the report is not public (`privacy.public_report` decides)."""
    from wenming.participation.privacy import public_report

    view = public_report(report, with_photos=False)
    if view is None:
        return None
    return {
        "id": view["id"],
        "category": view["category"],
        "status": view["status"],
        "status_label": view["status_label"],
        "badge": PUBLIC_STATUS_BADGE.get(view["status"], "grey"),
        "description": view["description"],
        "street": view["street"],
        "submitted_at": view["submitted_at"],
        "supports": view["supports"],
        "distance": distance,
        "unit": view["unit"],
        "lat": view["lat"],
        "lon": view["lon"],
    }


# --- per-street statistics ------------------------------------------------------------------------------------

FORMULAS = (
    (gettext_lazy("受理数"), gettext_lazy("审核后受理或合并处理的群众上报数（不含无效信息）")),
    (gettext_lazy("已解决数"), gettext_lazy("受理的上报中，对应案件已核查结案的数量")),
    (gettext_lazy("解决率"), gettext_lazy("已解决数 ÷ 受理数")),
    (
        gettext_lazy("平均解决用时"),
        gettext_lazy("已解决上报的（结案时间 − 上报时间）之和 ÷ 已解决数，按自然小时计，含夜间和节假日"),
    ),
    (gettext_lazy("解决用时中位数"), gettext_lazy("已解决上报的（结案时间 − 上报时间）的中位数，自然小时")),
)
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}


@dataclass
class StreetFigures:
    name: str
    received: int = 0
    accepted: int = 0
    fixed: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def fix_rate(self) -> float | None:
        return self.fixed / self.accepted if self.accepted else None

    @property
    def fix_rate_pct(self) -> float | None:
        return round(100 * self.fixed / self.accepted, 1) if self.accepted else None

    @property
    def mean_hours(self) -> float | None:
        return round(sum(self.hours) / len(self.hours), 1) if self.hours else None

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None


def street_figures(reports, *, days: int | None = 90, now=None) -> tuple[list[StreetFigures], StreetFigures]:
    """Figures per street and for the whole district over reports submitted in the last `days` days."""
    now = now or timezone.now()
    qs = reports.not_spam()
    if days is not None:
        qs = qs.filter(submitted_at__gte=now - datetime.timedelta(days=days))
    rows = qs.annotate(
        eff_state=When_(
            When(case__state=S.MERGED, then=F("case__merged_into__state")), default=F("case__state")
        ),
        eff_closed=When_(
            When(case__state=S.MERGED, then=F("case__merged_into__closed_at")), default=F("case__closed_at")
        ),
    ).values_list("street__name", "state", "eff_state", "submitted_at", "eff_closed")
    by_street: dict[str, StreetFigures] = {}
    total = StreetFigures(_("全区"))
    for street, state, eff_state, submitted_at, closed_at in rows.iterator(chunk_size=2000):
        name = street or _("未定位")
        figures = by_street.setdefault(name, StreetFigures(name))
        for f in (figures, total):
            f.received += 1
            if state in (ReportState.ACCEPTED, ReportState.MERGED):
                f.accepted += 1
                if eff_state == S.CLOSED and closed_at is not None:
                    f.fixed += 1
                    f.hours.append(max(0.0, (closed_at - submitted_at).total_seconds() / 3600))
    streets = sorted(by_street.values(), key=lambda f: (f.name == _("未定位"), -f.accepted, f.name))
    return streets, total
