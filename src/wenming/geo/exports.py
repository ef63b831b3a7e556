"""XLSX export of a (filtered) point list, in the import's column layout so a sheet can go round-trip."""

from openpyxl.styles import Font

from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes
from wenming.geo.choices import PointStatus
from wenming.geo.imports import POINT_COLUMNS

EXTRA_COLUMNS = ("所属区域名称", "责任单位名称", "包保单位名称")
EXAMPLE_ROW = (
    "HL-BJXX-001", "示例背街小巷", "背街小巷", "湖里区某某路 1 号", 118.14, 24.515, "GCJ02", "", "", "", "", "",
    "在库", "示例行，导入前请删除",
)  # fmt: skip


def _workbook(title: str):
    workbook = SafeWorkbook(write_only=True)
    sheet = workbook.create_sheet(title)
    return workbook, sheet


def _header(sheet):
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for name in (*POINT_COLUMNS, *EXTRA_COLUMNS):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def export_points_xlsx(points) -> bytes:
    """Points (a queryset) → XLSX bytes; positions in WGS-84 (坐标系 column says so)."""
    workbook, sheet = _workbook("测评点位")
    _header(sheet)
    rows = points.order_by("code").values_list(
        "code", "name", "point_type__name", "address", "lon", "lat", "area__code",
        "responsible_unit__code", "guarantor_unit__code", "responsible_person__name", "responsible_person__phone",
        "status", "note", "area__name", "responsible_unit__name", "guarantor_unit__name",
    )  # fmt: skip
    status_labels = {k: str(v) for k, v in PointStatus.choices}
    for (code, name, type_name, address, lon, lat, area_code, unit_code, guarantor_code, person,
         phone, status, note, area_name, unit_name, guarantor_name) in rows.iterator(chunk_size=2000):  # fmt: skip
        sheet.append([
            code, name, type_name, address, lon, lat, "WGS84", area_code or "", unit_code or "",
            guarantor_code or "", person or "", phone or "", status_labels.get(status, status), note,
            area_name or "", unit_name or "", guarantor_name or "",
        ])  # fmt: skip
    return workbook_bytes(workbook)


def point_template_xlsx() -> bytes:
    workbook, sheet = _workbook("测评点位")
    _header(sheet)
    sheet.append(list(EXAMPLE_ROW))
    return workbook_bytes(workbook)
