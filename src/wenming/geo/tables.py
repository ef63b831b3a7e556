"""Reading uploaded spreadsheets safely: XLSX (zip-bomb and DTD checks before openpyxl) and CSV
(UTF-8 with or without BOM, or GBK/GB18030 as Excel on Chinese Windows writes it).

`read_table(data, filename)` → `Table(header, rows)` where rows are (row number, list of cell values);
problems raise `TableError` with a Chinese message. Every size limit is checked before the expensive step.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from wenming.core.spreadsheets import unescape

DEFAULT_MAX_ROWS = 20_000
# A member that inflates more than this is a zip bomb, not a spreadsheet (real XLSX parts: 5–30×).
MAX_COMPRESSION_RATIO = 200


class TableError(Exception):
    """The file as a whole cannot be read (format, size, encoding)."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (1-based spreadsheet row, cells)


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_XLSX_BYTES)


def read_table(data: bytes, filename: str) -> Table:
    if len(data) > max_bytes():
        raise TableError(_("文件过大（上限 %(mb).1f MB）。") % {"mb": max_bytes() / 1024 / 1024})
    if not data:
        raise TableError(_("文件为空。"))
    name = (filename or "").lower()
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        return _read_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(data)
    raise TableError(_("只支持 .xlsx 或 .csv 文件。"))


def cell_text(value) -> str:
    """A cell as text: integral floats lose their ".0" (codes typed into Excel become numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_zip(data: bytes) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError(_("不是有效的 XLSX 文件（文件不是 zip 格式，可能是旧版 .xls 或已损坏）。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > max_bytes():
                raise TableError(
                    _("XLSX 解压后过大（%(mb).1f MB，上限 %(cap).1f MB），已拒绝。")
                    % {"mb": total / 1024 / 1024, "cap": max_bytes() / 1024 / 1024}
                )
            for info in infos:
                if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
                    raise TableError(_("XLSX 文件压缩比异常（疑似压缩炸弹），已拒绝。"))
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
                raise TableError(_("不是有效的 XLSX 文件（缺少工作表）。"))
            for info in infos:
                if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                    head = archive.read(info.filename)
                    # OOXML parts never carry a DTD; one here can only be an entity-expansion attack.
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise TableError(_("XLSX 文件包含不允许的 XML 声明，已拒绝。"))
    except zipfile.BadZipFile:
        raise TableError(_("不是有效的 XLSX 文件（zip 结构损坏）。"))


def _read_xlsx(data: bytes) -> Table:
    _check_zip(data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for malformed parts
        raise TableError(_("无法读取 XLSX 文件内容（文件已损坏或格式不正确）。"))
    try:
        sheet = workbook.worksheets[0]
        limit = max_rows()
        header: list[str] | None = None
        rows: list[tuple[int, list]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(values)
            if header is None:
                if all(v is None or cell_text(v) == "" for v in values):
                    continue
                header = [cell_text(v) for v in values]
                continue
            if all(v is None or cell_text(v) == "" for v in values):
                continue
            if len(rows) >= limit:
                raise TableError(_("数据行数超过上限 %(n)d 行，请拆分文件后导入。") % {"n": limit})
            rows.append((number, [unescape(v) for v in values]))  # our exports' "'" before "=", "+", "-", "@"
    except TableError:
        raise
    except Exception:  # noqa: BLE001
        raise TableError(_("无法读取 XLSX 文件内容（文件已损坏或格式不正确）。"))
    finally:
        workbook.close()
    if header is None:
        raise TableError(_("文件中没有表头。"))
    return Table(header=_trim_header(header), rows=rows)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("无法识别 CSV 文件编码（支持 UTF-8 和 GBK）。"))


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise TableError(_("CSV 文件包含非法字符（可能不是文本文件）。"))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list]] = []
    limit = max_rows()
    try:
        for values in reader:
            number = reader.line_num
            if all(not v.strip() for v in values):
                continue
            if header is None:
                header = [v.strip() for v in values]
                continue
            if len(rows) >= limit:
                raise TableError(_("数据行数超过上限 %(n)d 行，请拆分文件后导入。") % {"n": limit})
            rows.append((number, [unescape(v.strip()) for v in values]))
    except csv.Error as exc:
        raise TableError(_("CSV 格式错误：%(error)s") % {"error": exc})
    if header is None:
        raise TableError(_("文件中没有表头。"))
    return Table(header=_trim_header(header), rows=rows)


def _trim_header(header: list[str]) -> list[str]:
    # Spreadsheets often carry empty trailing columns; "*" marks required columns in templates.
    while header and not header[-1]:
        header.pop()
    return [h.replace("*", "").replace("＊", "").strip() for h in header]
