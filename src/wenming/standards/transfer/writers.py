"""Writers: a `Plan` → the XLSX template or the YAML file, byte-for-byte deterministic.

The same plan always gives the same bytes (fixed zip timestamps and document properties in the XLSX,
canonical key order and number forms in YAML), so export → import → export is identical.
"""

import io
import json
import re
import zipfile
from decimal import Decimal

import yaml
from django.utils import translation

from wenming.standards.choices import CategoryKind, DeadlineUnit, GradingRule, Method, StandardScope
from wenming.standards.transfer.plan import Plan
from wenming.standards.transfer.spec import (
    BLOCKS,
    CATEGORIES,
    CONTENTS,
    CRITERIA,
    FORMAT,
    INDICATORS,
    ITEMS,
    META_FIELDS,
    META_KEY,
    META_TITLE,
    POINT_TYPES,
    Sheet,
)

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_ISO = "2000-01-01T00:00:00Z"


def write_document(plan: Plan, fmt: str) -> bytes:
    fmt = fmt.lower().lstrip(".")
    if fmt in ("yaml", "yml"):
        return write_yaml(plan)
    if fmt == "xlsx":
        return write_xlsx(plan)
    raise ValueError(f"不支持的导出格式「{fmt}」，只支持 xlsx 或 yaml。")


def number(value: Decimal | None):
    """A weight as a plain number: int when integral, else a float (at most 3 decimals)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def _records(plan: Plan) -> dict[str, list[dict]]:
    """Every section as ordered dicts of canonical values (codes for enumerations)."""
    level = {n: [] for n in (1, 2, 3)}
    for item in plan.indicators:
        row = {"code": item.code}
        if item.level > 1:
            row["parent"] = item.parent
        row.update({"name": item.name, "weight": number(item.weight), "methods": list(item.methods)})
        level[item.level].append(row)
    return {
        POINT_TYPES.key: [
            {"code": p.code, "name": p.name, "description": p.description} for p in plan.point_types
        ],
        CATEGORIES.key: [
            {
                "code": c.code,
                "name": c.name,
                "parent": c.parent,
                "kind": c.kind,
                "special_group": c.special_group,
                "deadline_value": c.deadline_value,
                "deadline_unit": c.deadline_unit,
                "closing_condition": c.closing_condition,
                "public_name": c.public_name,
                "is_public": c.is_public,
                "description": c.description,
                "examples": list(c.examples),
            }
            for c in plan.categories
        ],
        BLOCKS.key: [
            {"code": b.code, "name": b.name, "point_types": list(b.point_types)} for b in plan.blocks
        ],
        ITEMS.key: level[1],
        INDICATORS.key: level[2],
        CONTENTS.key: level[3],
        CRITERIA.key: [
            {
                "code": c.code,
                "content": c.content,
                "text": c.text,
                "weight": number(c.weight),
                "method": c.method,
                "point_types": list(c.point_types),
                "block": c.block,
                "sampling_note": c.sampling_note,
                "rule": c.rule,
                "rule_params": dict(c.rule_params),
                "category": c.category,
            }
            for c in plan.criteria
        ],
    }


# --- YAML ------------------------------------------------------------------------------------------


class _Flow(list):
    """A list written inline: `[MAIN_ROAD, BACK_STREET]`."""


class _FlowMap(dict):
    """A mapping written inline: `{per_problem: 0.5, cap: 2}`."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(
    _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True)
)


def _flowing(value):
    if isinstance(value, dict):
        return _FlowMap({k: _flowing(v) for k, v in value.items()})
    if isinstance(value, list):
        return _Flow(_flowing(v) for v in value)
    return value


YAML_HEADER = (
    "# Wenming 测评体系文件（格式 {fmt}）。字段说明见 docs/standard-template.md。\n"
    "# 权数：每级等于其下一级之和；规则参数见 wenming/standards/rules.py。\n"
)


def write_yaml(plan: Plan) -> bytes:
    info = plan.standard_set
    meta = {
        "code": info.code,
        "name": info.name,
        "version": info.version,
        "scope": info.scope,
        "effective_from": info.effective_from.isoformat() if info.effective_from else None,
        "description": info.description,
    }
    doc = {"format": FORMAT, META_KEY: _compact(meta)}
    records = _records(plan)
    for key in (
        POINT_TYPES.key,
        CATEGORIES.key,
        BLOCKS.key,
        ITEMS.key,
        INDICATORS.key,
        CONTENTS.key,
        CRITERIA.key,
    ):
        rows = []
        for record in records[key]:
            record = _compact(record)
            for name in ("methods", "point_types", "rule_params"):
                if name in record:
                    record[name] = _flowing(record[name])
            rows.append(record)
        doc[key] = rows
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2)
    return (YAML_HEADER.format(fmt=FORMAT) + body).encode("utf-8")


def _compact(record: dict) -> dict:
    """Drop empty optional values so the file stays readable (`is_public` is kept only when false)."""
    out = {}
    for key, value in record.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        if key == "is_public" and value is True:
            continue
        out[key] = value
    return out


# --- XLSX ------------------------------------------------------------------------------------------


def _label_maps() -> dict[str, dict[str, str]]:
    with translation.override("zh-hans"):
        return {
            name: {value: str(label) for value, label in choices.choices}
            for name, choices in (
                ("method", Method),
                ("rule", GradingRule),
                ("kind", CategoryKind),
                ("unit", DeadlineUnit),
                ("scope", StandardScope),
            )
        }


def _cell_rows(plan: Plan, labels) -> dict[str, list[list]]:
    records = _records(plan)

    def methods(codes):
        return "、".join(labels["method"].get(c, c) for c in codes)

    out = {}
    for sheet in (ITEMS, INDICATORS, CONTENTS):
        out[sheet.key] = [
            [
                r["code"],
                *([r["parent"]] if sheet is not ITEMS else []),
                r["name"],
                r["weight"],
                methods(r["methods"]),
            ]
            for r in records[sheet.key]
        ]
    out[CRITERIA.key] = [
        [
            r["code"],
            r["content"],
            r["text"],
            r["weight"],
            labels["method"].get(r["method"], r["method"]),
            "、".join(r["point_types"]),
            r["block"],
            r["sampling_note"],
            labels["rule"].get(r["rule"], r["rule"]),
            json.dumps(r["rule_params"], ensure_ascii=False, separators=(", ", ": "))
            if r["rule_params"]
            else "",
            r["category"],
        ]
        for r in records[CRITERIA.key]
    ]
    out[POINT_TYPES.key] = [[r["code"], r["name"], r["description"]] for r in records[POINT_TYPES.key]]
    out[BLOCKS.key] = [[r["code"], r["name"], "、".join(r["point_types"])] for r in records[BLOCKS.key]]
    out[CATEGORIES.key] = [
        [
            r["code"],
            r["name"],
            r["parent"],
            labels["kind"].get(r["kind"], r["kind"]),
            r["special_group"],
            r["deadline_value"],
            labels["unit"].get(r["deadline_unit"], r["deadline_unit"]),
            r["closing_condition"],
            r["public_name"],
            "是" if r["is_public"] else "否",
            r["description"],
            "\n".join(r["examples"]),
        ]
        for r in records[CATEGORIES.key]
    ]
    return out


def write_xlsx(plan: Plan) -> bytes:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

    labels = _label_maps()
    workbook = SafeWorkbook()
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="C0392B")
    wrap = Alignment(wrap_text=True, vertical="top")

    meta = workbook.active
    meta.title = META_TITLE
    info = plan.standard_set
    values = {
        "format": FORMAT,
        "code": info.code,
        "name": info.name,
        "version": info.version,
        "scope": labels["scope"].get(info.scope, info.scope),
        "effective_from": info.effective_from.isoformat() if info.effective_from else None,
        "description": info.description or None,
    }
    meta.append(["项目", "内容", "填写说明"])
    for column in META_FIELDS:
        meta.append([column.header, values[column.key], column.help])
    _style_header(meta, header_font, header_fill)
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 50
    meta.column_dimensions["C"].width = 60

    rows = _cell_rows(plan, labels)
    for sheet in (ITEMS, INDICATORS, CONTENTS, CRITERIA, POINT_TYPES, BLOCKS, CATEGORIES):
        ws = workbook.create_sheet(sheet.title)
        ws.append([c.header for c in sheet.columns])
        for row in rows[sheet.key]:
            ws.append([None if v == "" else v for v in row])
        _style_header(ws, header_font, header_fill)
        _layout(ws, sheet, wrap)
        _validations(ws, sheet, labels, DataValidation)

    workbook.properties.creator = "Wenming"
    workbook.properties.title = info.name
    return _deterministic_zip(workbook_bytes(workbook))


def _style_header(ws, font, fill) -> None:
    for cell in ws[1]:
        cell.font = font
        cell.fill = fill
    ws.freeze_panes = "A2"


def _layout(ws, sheet: Sheet, wrap) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        if column.width >= 30:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = wrap


def _validations(ws, sheet: Sheet, labels, DataValidation) -> None:
    """Drop-down lists for single-choice columns (a convenience; the importer checks anyway)."""
    from openpyxl.utils import get_column_letter

    choices = {
        (CRITERIA.key, "method"): labels["method"],
        (CRITERIA.key, "rule"): labels["rule"],
        (CATEGORIES.key, "kind"): labels["kind"],
        (CATEGORIES.key, "deadline_unit"): labels["unit"],
        (CATEGORIES.key, "is_public"): {"yes": "是", "no": "否"},
    }
    for index, column in enumerate(sheet.columns, start=1):
        options = choices.get((sheet.key, column.key))
        if not options:
            continue
        letter = get_column_letter(index)
        formula = '"' + ",".join(options.values()) + '"'
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.add(f"{letter}2:{letter}5000")
        ws.add_data_validation(validation)


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite the xlsx zip with fixed timestamps so the same workbook always has the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(lambda m: m.group(1) + FIXED_ISO.encode() + m.group(3), content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()
