"""Readers: an uploaded XLSX or YAML file → raw rows located by sheet/row/column, plus structural problems.

Nothing here trusts the file: the size is checked before anything is parsed, an XLSX's zip directory is
checked (total uncompressed size, entry count) before openpyxl opens it, a sheet stops being read past the
row cap, and YAML is parsed with a safe loader that refuses anchors and aliases (no "billion laughs").
"""

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import yaml

from wenming.core.spreadsheets import unescape
from wenming.standards.transfer.problems import ImportProblem
from wenming.standards.transfer.spec import (
    FORMAT,
    META_FIELDS,
    META_KEY,
    META_TITLE,
    SHEETS,
    Sheet,
    max_bytes,
    max_rows,
)

MAX_ZIP_ENTRIES = 500
MAX_EXTRA_COLUMNS = 20  # columns read beyond the template's, to report unknown ones


@dataclass
class RawRow:
    """One row as read: values by field key, and where each field came from (for problems)."""

    sheet: str
    row: int | None
    values: dict[str, Any]
    columns: dict[str, str]  # key → column label shown in problems
    rows: dict[str, int] = field(default_factory=dict)  # key → row, when fields sit on different rows (说明)

    def where(self, key: str) -> tuple[int | None, str]:
        return self.rows.get(key, self.row), self.columns.get(key, key)

    def problem(self, key: str, message: str) -> ImportProblem:
        row, column = self.where(key)
        return ImportProblem(self.sheet, row, column, message)


@dataclass
class RawDocument:
    fmt: str
    meta: RawRow | None
    sections: dict[str, list[RawRow]]
    problems: list[ImportProblem]
    # Sheets that could not be read (missing, or header problems): references into them are not checked,
    # so one broken header does not bury the report under "unknown code" problems.
    unreadable: set[str] = field(default_factory=set)


def read_document(data: bytes, fmt: str) -> RawDocument:
    """Parse `data` as `fmt` ("xlsx" or "yaml"); never raises for bad content, it reports problems."""
    fmt = (fmt or "").lower().lstrip(".")
    if fmt == "yml":
        fmt = "yaml"
    empty = RawDocument(fmt, None, {s.key: [] for s in SHEETS}, [], {s.key for s in SHEETS})
    if fmt not in ("xlsx", "yaml"):
        empty.problems.append(
            ImportProblem("", None, "", f"不支持的文件格式「{fmt}」，只接受 .xlsx 或 .yaml。")
        )
        return empty
    limit = max_bytes()
    if len(data) > limit:
        empty.problems.append(
            ImportProblem("", None, "", f"文件大小 {_mb(len(data))} 超过上限 {_mb(limit)}。")
        )
        return empty
    if not data:
        empty.problems.append(ImportProblem("", None, "", "文件是空的。"))
        return empty
    return _read_xlsx(data, empty) if fmt == "xlsx" else _read_yaml(data, empty)


# --- XLSX ------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, doc: RawDocument) -> RawDocument:
    problem = _check_zip(data)
    if problem:
        doc.problems.append(ImportProblem("", None, "", problem))
        return doc
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a readable workbook"
        doc.problems.append(
            ImportProblem(
                "", None, "", f"无法读取 Excel 文件（{exc.__class__.__name__}），请用模板另存为 .xlsx。"
            )
        )
        return doc
    try:
        names = set(workbook.sheetnames)
        if META_TITLE in names:
            doc.meta = _read_meta_sheet(workbook[META_TITLE], doc.problems)
        else:
            doc.problems.append(ImportProblem(META_TITLE, None, "", f"缺少工作表「{META_TITLE}」。"))
        for sheet in SHEETS:
            if sheet.title not in names:
                doc.problems.append(ImportProblem(sheet.title, None, "", f"缺少工作表「{sheet.title}」。"))
                continue
            rows = _read_sheet(workbook[sheet.title], sheet, doc.problems)
            if rows is not None:
                doc.unreadable.discard(sheet.key)
            doc.sections[sheet.key] = rows or []
    finally:
        workbook.close()
    return doc


def _check_zip(data: bytes) -> str | None:
    """Refuse what is not an xlsx zip, and zip bombs, from the zip directory alone (nothing inflated)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return "文件不是有效的 Excel（.xlsx）文件：它不是 zip 压缩包。旧版 .xls 请先另存为 .xlsx。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "文件不是有效的 Excel（.xlsx）文件：zip 目录已损坏。"
    if len(infos) > MAX_ZIP_ENTRIES:
        return f"文件包含 {len(infos)} 个压缩条目，超过上限 {MAX_ZIP_ENTRIES}，不像是测评体系模板。"
    total = sum(info.file_size for info in infos)
    limit = max_bytes()
    if total > limit:
        return f"文件解压后共 {_mb(total)}，超过上限 {_mb(limit)}（疑似压缩炸弹），已拒绝。"
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        return "文件不是有效的 Excel（.xlsx）文件：缺少工作簿内容。"
    return None


def _read_meta_sheet(ws, problems: list[ImportProblem]) -> RawRow:
    labels = {c.header: c.key for c in META_FIELDS}
    meta = RawRow(META_TITLE, None, {}, {c.key: c.header for c in META_FIELDS})
    for number, row in enumerate(ws.iter_rows(max_col=3, values_only=True), start=1):
        if number > max_rows():
            problems.append(ImportProblem(META_TITLE, number, "", f"行数超过上限 {max_rows()}。"))
            break
        label = _xlsx_cell(row[0] if row else None)
        if number == 1 or label is None:
            continue  # header row (项目 | 内容 | 填写说明) and blank rows
        key = labels.get(str(label))
        if key is None:
            problems.append(ImportProblem(META_TITLE, number, "项目", f"未知项目「{label}」。"))
            continue
        if key in meta.rows:
            problems.append(
                ImportProblem(META_TITLE, number, "项目", f"项目「{label}」与第 {meta.rows[key]} 行重复。")
            )
            continue
        meta.values[key] = _xlsx_cell(row[1] if len(row) > 1 else None)
        meta.rows[key] = number
    return meta


def _read_sheet(ws, sheet: Sheet, problems: list[ImportProblem]) -> list[RawRow] | None:
    """The sheet's data rows, or None when its header makes it unreadable."""
    rows = ws.iter_rows(max_col=len(sheet.columns) + MAX_EXTRA_COLUMNS, values_only=True)
    header = next(rows, None)
    if header is None:
        problems.append(ImportProblem(sheet.title, 1, "", "工作表是空的：第 1 行应为列标题。"))
        return None
    known = sheet.headers()
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        title = _xlsx_cell(value)
        if title is None:
            continue
        title = str(title)
        if title not in known:
            expected = "、".join(c.header for c in sheet.columns)
            problems.append(
                ImportProblem(sheet.title, 1, title, f"未知列「{title}」（本表的列：{expected}）。")
            )
        elif known[title] in positions:
            problems.append(ImportProblem(sheet.title, 1, title, f"列「{title}」重复。"))
        else:
            positions[known[title]] = index
    missing = [c.header for c in sheet.columns if c.key not in positions]
    for title in missing:
        problems.append(ImportProblem(sheet.title, 1, title, f"缺少列「{title}」。"))
    if missing:
        return None
    columns = {c.key: c.header for c in sheet.columns}
    out = []
    for number, row in enumerate(rows, start=2):
        if number - 1 > max_rows():
            problems.append(
                ImportProblem(sheet.title, number, "", f"数据行数超过上限 {max_rows()}，请拆分文件。")
            )
            break
        values = {key: _xlsx_cell(row[i] if i < len(row) else None) for key, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        out.append(RawRow(sheet.title, number, values, columns))
    return out


def _xlsx_cell(value):
    """A cell of a workbook: our exports write a formula-like text with a leading "'" (core.spreadsheets)."""
    return _cell(unescape(value))


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# --- YAML ------------------------------------------------------------------------------------------


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_aliases(text: str) -> None:
    """Anchors/aliases let a small file expand into a huge document ("billion laughs"): refuse them.
    The event scan uses the same (C, when available) parser and builds nothing."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(None, None, "不允许使用 YAML 别名（*alias）", event.start_mark)
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(None, None, "不允许使用 YAML 锚点（&anchor）", event.start_mark)


def _read_yaml(data: bytes, doc: RawDocument) -> RawDocument:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        doc.problems.append(ImportProblem("YAML", None, "", "文件不是 UTF-8 编码的文本。"))
        return doc
    try:
        _refuse_aliases(text)
        loaded = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark else None
        column = f"第 {mark.column + 1} 列" if mark else ""
        doc.problems.append(
            ImportProblem("YAML", row, column, f"YAML 格式错误：{exc.problem or exc.context}")
        )
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(ImportProblem("YAML", None, "", f"YAML 格式错误：{exc}"))
        return doc
    if not isinstance(loaded, dict):
        doc.problems.append(
            ImportProblem("YAML", None, "", "YAML 顶层必须是键值对（format、standard_set、items …）。")
        )
        return doc
    allowed = {"format", META_KEY, *(s.key for s in SHEETS)}
    for key in loaded:
        if key not in allowed:
            doc.problems.append(
                ImportProblem(
                    "YAML", None, str(key), f"未知的顶层键「{key}」（可用：{'、'.join(sorted(allowed))}）。"
                )
            )
    meta_values = loaded.get(META_KEY)
    columns = {c.key: c.key for c in META_FIELDS}
    if not isinstance(meta_values, dict):
        doc.problems.append(
            ImportProblem(META_KEY, None, "", "缺少 standard_set（体系编码、名称、版本、发布层级）。")
        )
        meta_values = {}
    meta = RawRow(META_KEY, None, {"format": loaded.get("format")}, columns)
    for key, value in meta_values.items():
        if key not in columns or key == "format":
            doc.problems.append(ImportProblem(META_KEY, None, str(key), f"未知字段「{key}」。"))
            continue
        meta.values[key] = _cell(value)
    doc.meta = meta
    for sheet in SHEETS:
        rows = _yaml_section(loaded.get(sheet.key), sheet, doc.problems)
        if rows is not None:
            doc.unreadable.discard(sheet.key)
        doc.sections[sheet.key] = rows or []
    if loaded.get("format") is None:
        doc.problems.append(ImportProblem("YAML", None, "format", f"缺少 format: {FORMAT}。"))
    return doc


def _yaml_section(items, sheet: Sheet, problems: list[ImportProblem]) -> list[RawRow] | None:
    if items is None:
        problems.append(ImportProblem(sheet.key, None, "", f"缺少「{sheet.key}」（{sheet.title}）部分。"))
        return None
    if not isinstance(items, list):
        problems.append(ImportProblem(sheet.key, None, "", f"「{sheet.key}」必须是列表。"))
        return None
    if len(items) > max_rows():
        problems.append(
            ImportProblem(sheet.key, None, "", f"条目数 {len(items)} 超过上限 {max_rows()}，请拆分文件。")
        )
        return None
    keys = {c.key for c in sheet.columns}
    columns = {c.key: c.key for c in sheet.columns}
    out = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(ImportProblem(sheet.key, number, "", "每一条必须是键值对。"))
            continue
        for key in item:
            if key not in keys:
                problems.append(
                    ImportProblem(
                        sheet.key,
                        number,
                        str(key),
                        f"未知字段「{key}」（可用：{'、'.join(c.key for c in sheet.columns)}）。",
                    )
                )
        values = {key: _cell(item.get(key)) for key in keys}
        out.append(RawRow(sheet.key, number, values, columns))
    return out


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
