"""Exports of report lists: the office's XLSX (contact columns only for roles that may see them) and the
public open-data CSV (anonymised: no reporter data, descriptions masked)."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from wenming.core.spreadsheets import SafeWorkbook, csv_bytes, workbook_bytes
from wenming.participation import public

OFFICE_COLUMNS = (
    "编号", "上报时间", "渠道", "审核状态", "群众所选类别", "建议类别", "置信度", "问题描述", "地址", "街道", "纬度", "经度",
    "位置来源", "案件编号", "案件状态", "责任单位", "“我也遇到”", "不予受理理由",
)  # fmt: skip
CONTACT_COLUMNS = ("上报人", "手机号", "邮箱")
PUBLIC_COLUMNS = (
    "编号",
    "上报时间",
    "问题类型",
    "问题描述",
    "街道",
    "纬度",
    "经度",
    "处理状态",
    "责任单位",
    "我也遇到",
)


def _local(value) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def export_reports_xlsx(reports, *, with_contact: bool) -> bytes:
    workbook = SafeWorkbook(write_only=True)
    sheet = workbook.create_sheet("群众上报")
    header = [*OFFICE_COLUMNS, *(CONTACT_COLUMNS if with_contact else ())]
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for r in reports.with_list_related().iterator(chunk_size=1000):
        row = [
            r.pk, _local(r.submitted_at), r.get_channel_display(), r.get_state_display(),
            r.category.name if r.category_id else "", r.suggested_category.name if r.suggested_category_id else "",
            r.suggestion_confidence, r.description, r.address, r.street.name if r.street_id else "", r.lat, r.lon,
            r.get_position_source_display(), r.case.code if r.case_id else "",
            r.case.get_state_display() if r.case_id else "", r.case.unit.name if r.case_id and r.case.unit_id else "",
            r.supports, r.reject_reason,
        ]  # fmt: skip
        if with_contact:
            row += [r.reporter_name, r.reporter_phone, r.reporter_email]
        sheet.append(row)
    return workbook_bytes(workbook)


def export_public_csv(reports) -> bytes:
    """Open data: the public list as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""

    def rows():
        yield PUBLIC_COLUMNS
        for r in reports.iterator(chunk_size=1000) if hasattr(reports, "iterator") else reports:
            c = public.card(r)
            if c is None:  # not public (privacy.public_report decides)
                continue
            yield [c["id"], _local(c["submitted_at"]), c["category"], c["description"], c["street"], c["lat"],
                   c["lon"], c["status_label"], c["unit"], c["supports"]]  # fmt: skip

    return csv_bytes(rows())
