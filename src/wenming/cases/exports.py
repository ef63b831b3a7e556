"""XLSX export of a filtered case list. Small lists are written in the request; larger ones (more than
`CASE_EXPORT_SYNC_LIMIT` rows, default 2,000) become an `ExportJob` run by `django.tasks`, whose progress the
page polls and whose file only its owner may download.

The job stores the querystring, not the rows: the worker re-applies `CaseFilterSet` to
`Case.objects.restrict(owner)` when it runs, so the file never holds a case the owner may not see.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from wenming.cases.choices import CaseSource, CaseState, ExportStatus, Severity
from wenming.cases.models import Case
from wenming.cases.models_web import ExportJob
from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500

COLUMNS = (
    "案件编号", "状态", "来源", "严重程度", "问题大类", "问题类别", "问题描述", "街道", "所在区域", "点位", "地址",
    "经度（WGS-84）", "纬度（WGS-84）", "责任单位", "责任人", "专项组", "派遣依据", "上报时间", "派遣时间",
    "处置时限", "整改反馈时间", "结案时间", "是否超期", "督办级别", "返工次数", "延期次数", "退回次数", "重复发生",
)  # fmt: skip
REPORTER_COLUMNS = ("上报人", "上报人电话")


def sync_limit() -> int:
    return int(getattr(settings, "CASE_EXPORT_SYNC_LIMIT", 2000))


def filtered_cases(user, query: str):
    """The cases the list shows for `query` to `user` (empty when the filter is invalid)."""
    from wenming.cases.filtersets import CaseFilterSet

    data = QueryDict(query or "")
    filterset = CaseFilterSet(data or None, queryset=Case.objects.restrict(user, "view"))
    if filterset.is_bound and not filterset.is_valid():
        return Case.objects.none()
    return filterset.qs


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _row(case: Case, now, labels: dict, with_reporter: bool) -> list:
    row = [
        case.code, labels["state"].get(case.state, case.state), labels["source"].get(case.source, case.source),
        labels["severity"].get(case.severity, case.severity),
        case.top_category.name if case.top_category_id else "", case.category.name if case.category_id else "",
        case.description, case.street.name if case.street_id else "", case.area.name if case.area_id else "",
        case.point.name if case.point_id else "", case.address, case.lon, case.lat,
        case.unit.name if case.unit_id else "", case.person.name if case.person_id else "",
        case.special_group.name if case.special_group_id else "", case.routing_reason,
        _local(case.reported_at), _local(case.dispatched_at), _local(case.fix_deadline),
        _local(case.fix_reported_at), _local(case.closed_at), _("是") if case.is_overdue(now) else _("否"),
        case.escalation_level, case.reworks, case.extensions, case.transfers,
        _("是") if case.is_recurrence else _("否"),
    ]  # fmt: skip
    if with_reporter:
        row += [case.reporter_name, case.reporter_phone]
    return row


def write_xlsx(cases, *, with_reporter: bool, progress=None) -> bytes:
    """Cases (a queryset) → XLSX bytes, one row per case; `progress(n)` is called every 500 rows."""
    workbook = SafeWorkbook(write_only=True)
    sheet = workbook.create_sheet(_("问题案件"))
    header = []
    for name in (*COLUMNS, *(REPORTER_COLUMNS if with_reporter else ())):
        cell = WriteOnlyCell(sheet, value=_(name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    labels = {
        "state": {k: str(v) for k, v in CaseState.choices},
        "source": {k: str(v) for k, v in CaseSource.choices},
        "severity": {k: str(v) for k, v in Severity.choices},
    }
    now = timezone.now()
    rows = cases.select_related(
        "category", "top_category", "street", "area", "point", "unit", "person", "special_group"
    ).order_by("-reported_at", "-id")
    written = 0
    for case in rows.iterator(chunk_size=PROGRESS_EVERY):
        sheet.append(_row(case, now, labels, with_reporter))
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return workbook_bytes(workbook)


def export_filename(now=None) -> str:
    return f"cases-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.xlsx"


# --- background jobs -------------------------------------------------------------------------------------


def start_case_export(*, actor, query: str) -> ExportJob:
    """A queued export of the list `query` shows to `actor`; the worker starts after commit."""
    from wenming.cases.services_web import clean_query

    with transaction.atomic():
        job = ExportJob.objects.create(owner=actor, params=clean_query(query))
        transaction.on_commit(lambda: run_case_export.enqueue(job.pk))
    return job


def run_export_job(job_id: int) -> str:
    """Write the job's file (the owner's current scope, the stored filter); returns its final status."""
    from wenming.cases.api.serializers import can_see_reporter

    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else "missing"
    cases = filtered_cases(job.owner, job.params)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total=cases.count(), done_rows=0)
    try:
        content = write_xlsx(
            cases, with_reporter=can_see_reporter(job.owner),
            progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(done_rows=n),
        )  # fmt: skip
    except Exception as exc:  # the job must end visibly failed, never stay "running" forever
        logger.exception("case export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        return ExportStatus.FAILED
    job.refresh_from_db()
    job.file.save(export_filename(), ContentFile(content), save=False)
    job.status, job.done_rows, job.finished_at = ExportStatus.DONE, job.total, timezone.now()
    job.save(update_fields=["file", "status", "done_rows", "finished_at"])
    return ExportStatus.DONE


@task
def run_case_export(job_id: int) -> str:
    """Background XLSX export of a case list (see `start_case_export`)."""
    return run_export_job(job_id)


def fail_abandoned_export(sender, task_path: str, args: list, **kwargs) -> None:
    """A case export whose worker died too often ends visibly failed, never "running" forever."""
    if task_path.endswith("run_case_export") and args:
        ExportJob.objects.filter(pk=args[0]).exclude(status=ExportStatus.DONE).update(
            status=ExportStatus.FAILED,
            error=_("后台任务中断次数过多，请重新导出。"),
            finished_at=timezone.now(),
        )
