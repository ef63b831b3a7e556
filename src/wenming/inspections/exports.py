"""XLSX exports of the filtered lists (rounds, inspections)."""

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.styles import Font

from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    workbook = SafeWorkbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, int | float | str) or hasattr(value, "isoformat"):
        return value
    return str(value)
