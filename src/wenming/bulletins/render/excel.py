"""XLSX with the same tables as the DOCX: an overview sheet (head, summary, key figures) then one sheet per
table of the outline, in the same order, with the same header and cells (write-only mode: 5,000 rows are
cheap)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from wenming.bulletins.render.document import Outline, Section, Table
from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

INVALID = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = INVALID.sub("", name)[:28] or "Sheet"
    title, i = base, 2
    while title in used:
        title = f"{base[:26]}{i}"
        i += 1
    used.add(title)
    return title


def _bold(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _wrapped(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def all_tables(sections: list[Section]) -> list[Table]:
    out = []
    for section in sections:
        out.extend(section.tables)
        out.extend(all_tables(section.children))
    return out


def _as_number(text: str):
    """Plain integers and decimals become numbers (Excel sums them); everything else stays text."""
    if re.fullmatch(r"-?\d+", text or ""):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text or ""):
        return float(text)
    return text


def write_xlsx(outline: Outline, progress=None) -> bytes:
    workbook = SafeWorkbook(write_only=True)
    used: set[str] = set()
    overview = workbook.create_sheet(_sheet_title(_("总体情况"), used))
    overview.column_dimensions["A"].width = 18
    overview.column_dimensions["B"].width = 100
    for label, value in (
        (_("发文机关"), outline.issuer),
        (_("文号"), outline.doc_number),
        (_("标题"), outline.title),
        (_("主送"), outline.recipients.rstrip("：")),
        (_("数据生成时间"), outline.generated_at),
    ):
        overview.append([_bold(overview, label), value])
    overview.append([])
    for label, value in outline.figures:
        overview.append([_bold(overview, label), _as_number(value)])
    overview.append([])
    overview.append([_bold(overview, _("总体情况")), _wrapped(overview, outline.summary)])
    for table in all_tables(outline.sections):
        sheet = workbook.create_sheet(_sheet_title(table.caption, used))
        for i, width in enumerate(table.widths):
            sheet.column_dimensions[get_column_letter(i + 1)].width = max(8, width * 7)
        sheet.append([_bold(sheet, table.caption)])
        sheet.append([_bold(sheet, h) for h in table.header])
        for i, row in enumerate(table.rows, start=1):
            sheet.append([_as_number(v) for v in row])
            if progress is not None and i % 500 == 0:
                progress(500)
        if progress is not None:
            progress(len(table.rows) % 500)
        if not table.rows:
            sheet.append([table.empty])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
    return workbook_bytes(workbook)
