"""Validation: raw rows → a `Plan`, or every problem found (sheet, row, column, Chinese message).

Checks, in one pass over everything (nothing stops at the first problem):
columns and values (required, length, code pattern, numbers, enumerations, JSON), duplicate codes, references
(parent codes across the level sheets, criteria → contents, point types, blocks, categories — in the file or
already in the database), the two-level category tree (the eight fixed top codes, no cycles, no third level),
weights (non-negative, at most 3 decimals, each level summing to its parent), grading-rule parameters
(`wenming.standards.rules.validate_rule`), and that the set's code is new.
"""

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation

from wenming.standards.choices import (
    TOP_CATEGORIES,
    CategoryKind,
    DeadlineUnit,
    GradingRule,
    Method,
    StandardScope,
)
from wenming.standards.rules import RuleError, validate_rule
from wenming.standards.transfer.plan import (
    BlockRow,
    CategoryRow,
    CriterionRow,
    IndicatorRow,
    Plan,
    PointTypeRow,
    SetInfo,
)
from wenming.standards.transfer.problems import ImportProblem
from wenming.standards.transfer.readers import RawDocument, RawRow
from wenming.standards.transfer.spec import (
    BLOCKS,
    CATEGORIES,
    CONTENTS,
    CRITERIA,
    FORMAT,
    LEVEL_SHEETS,
    POINT_TYPES,
)

SET_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NODE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TYPE_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
CATEGORY_CODE = re.compile(r"^[A-Z][A-Z0-9_-]*$")
LIST_SPLIT = re.compile(r"[、,，;；\s]+")
MAX_WEIGHT = Decimal("99999.999")
MAX_DEADLINE = 1000
MAX_EXAMPLES = 50


@dataclass
class Catalogue:
    """What the database already holds that a file may refer to without declaring it."""

    point_types: dict[str, str] = field(default_factory=dict)  # code → name
    categories: dict[str, str] = field(default_factory=dict)  # code → parent code ("" for top level)
    set_codes: dict[str, str] = field(default_factory=dict)  # code → version


def _labels(choices) -> dict[str, str]:
    """Chinese label or code → code, for enumeration cells."""
    with translation.override("zh-hans"):
        mapping = {str(label): value for value, label in choices.choices}
    mapping.update({value: value for value in choices.values})
    return mapping


class _Validator:
    def __init__(self, doc: RawDocument, catalogue: Catalogue):
        self.doc = doc
        self.catalogue = catalogue
        self.problems: list[ImportProblem] = list(doc.problems)
        self.methods = _labels(Method)
        self.rules = _labels(GradingRule)
        self.kinds = _labels(CategoryKind)
        self.units = _labels(DeadlineUnit)
        self.scopes = _labels(StandardScope)

    def add(self, row: RawRow, key: str, message: str) -> None:
        self.problems.append(row.problem(key, message))

    # --- cell readers: return the cleaned value, or None after recording a problem ---------------------

    def text(self, row, key, *, required=False, max_length=300, label=None) -> str:
        value = row.values.get(key)
        label = label or row.columns.get(key, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(row, key, f"「{label}」必填。")
            return ""
        if isinstance(value, bool) or isinstance(value, list | dict):
            self.add(row, key, f"「{label}」应为文字。")
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        text = str(value).strip()
        if len(text) > max_length:
            self.add(row, key, f"「{label}」最多 {max_length} 字，现有 {len(text)} 字。")
            return ""
        return text

    def code(self, row, key, pattern, max_length, *, required=True, hint="") -> str:
        value = self.text(row, key, required=required, max_length=max_length)
        if value and not pattern.match(value):
            self.add(row, key, f"编码「{value}」格式不正确{hint}。")
            return ""
        return value

    def decimal(self, row, key, *, positive=False) -> Decimal | None:
        value = row.values.get(key)
        label = row.columns.get(key, key)
        if value is None:
            self.add(row, key, f"「{label}」必填。")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            self.add(row, key, f"「{label}」必须是数字。")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.add(row, key, f"「{label}」必须是数字，却是「{value}」。")
            return None
        if not number.is_finite():
            self.add(row, key, f"「{label}」必须是数字，却是「{value}」。")
            return None
        if number < 0 or (positive and number == 0):
            self.add(row, key, f"「{label}」必须{'大于' if positive else '不小于'} 0，却是 {value}。")
            return None
        if number > MAX_WEIGHT:
            self.add(row, key, f"「{label}」{value} 过大（最大 {MAX_WEIGHT}）。")
            return None
        if number != number.quantize(Decimal("0.001")):
            self.add(row, key, f"「{label}」最多 3 位小数，却是 {value}。")
            return None
        return number.quantize(Decimal("0.001"))

    def integer(self, row, key, *, minimum=1, maximum=MAX_DEADLINE) -> int | None:
        value = row.values.get(key)
        label = row.columns.get(key, key)
        try:
            if isinstance(value, bool):
                raise ValueError
            number = Decimal(str(value).strip())
            if number != number.to_integral_value():
                raise ValueError
        except (InvalidOperation, ValueError):
            self.add(row, key, f"「{label}」必须是整数，却是「{value}」。")
            return None
        if not minimum <= number <= maximum:
            self.add(row, key, f"「{label}」必须在 {minimum} 到 {maximum} 之间，却是 {value}。")
            return None
        return int(number)

    def choice(self, row, key, mapping: dict[str, str], *, required=True) -> str:
        value = self.text(row, key, required=required, max_length=40)
        if not value:
            return ""
        if value not in mapping:
            options = "、".join(dict.fromkeys(k for k, v in mapping.items() if k != v)) or "、".join(mapping)
            self.add(row, key, f"「{value}」不是有效选项（可选：{options}）。")
            return ""
        return mapping[value]

    def codes(self, row, key) -> list[str]:
        value = row.values.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            items = [str(v).strip() for v in value if v is not None and str(v).strip()]
        elif isinstance(value, str):
            items = [v for v in LIST_SPLIT.split(value) if v]
        else:
            self.add(row, key, f"「{row.columns.get(key, key)}」应为编码列表。")
            return []
        duplicates = sorted({v for v in items if items.count(v) > 1})
        if duplicates:
            self.add(row, key, f"「{'、'.join(duplicates)}」重复填写。")
        return list(dict.fromkeys(items))

    def methods_of(self, row, key) -> list[str]:
        out = []
        for item in self.codes(row, key):
            if item not in self.methods:
                self.add(
                    row,
                    key,
                    f"未知测评方法「{item}」（可选：实地考察、问卷调查、材料审核/网上申报、网络调查、模拟验证）。",
                )
            else:
                out.append(self.methods[item])
        return list(dict.fromkeys(out))

    def boolean(self, row, key, default=True) -> bool:
        value = row.values.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"是", "true", "yes", "1", "y"}:
            return True
        if text in {"否", "false", "no", "0", "n"}:
            return False
        self.add(row, key, f"「{row.columns.get(key, key)}」应填写「是」或「否」，却是「{value}」。")
        return default

    def unique(self, rows_codes, sheet_label: str) -> None:
        seen: dict[str, RawRow] = {}
        for row, code in rows_codes:
            if not code:
                continue
            if code in seen:
                self.add(row, "code", f"编码「{code}」与第 {seen[code].row} 行重复。")
            else:
                seen[code] = row

    # --- sections --------------------------------------------------------------------------------------

    def standard_set(self) -> SetInfo | None:
        row = self.doc.meta
        if row is None:
            return None
        fmt = self.text(row, "format", required=True, max_length=40)
        if fmt and fmt != FORMAT:
            self.add(row, "format", f"模板版本应为「{FORMAT}」，却是「{fmt}」。")
        code = self.code(row, "code", SET_CODE, 60, hint="（字母、数字、点、横线、下划线）")
        if code and code in self.catalogue.set_codes:
            self.add(
                row,
                "code",
                f"测评体系编码「{code}」已存在（版本 {self.catalogue.set_codes[code]}）。已导入的体系不会被覆盖："
                "请改用新的编码（如加上年份或版本号）后再导入。",
            )
        name = self.text(row, "name", required=True, max_length=160)
        version = self.text(row, "version", required=True, max_length=40)
        scope = self.choice(row, "scope", self.scopes)
        effective = self.date(row, "effective_from")
        description = self.text(row, "description", max_length=5000)
        return SetInfo(code, name, version, scope, effective, description)

    def date(self, row, key) -> datetime.date | None:
        value = row.values.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(row, key, f"日期「{value}」格式不正确，应为 YYYY-MM-DD。")
            return None

    def point_types(self) -> list[PointTypeRow]:
        rows = self.doc.sections.get(POINT_TYPES.key, [])
        out, pairs, names = [], [], {}
        for row in rows:
            code = self.code(row, "code", TYPE_CODE, 40, hint="（大写字母开头，仅大写字母、数字、下划线）")
            name = self.text(row, "name", required=True, max_length=60)
            description = self.text(row, "description", max_length=2000)
            if name:
                if name in names:
                    self.add(row, "name", f"名称「{name}」与第 {names[name].row} 行重复。")
                names.setdefault(name, row)
            pairs.append((row, code))
            out.append(PointTypeRow(code, name, description))
        self.unique(pairs, POINT_TYPES.title)
        in_file = {p.code for p in out if p.code}
        owners = {n: c for c, n in self.catalogue.point_types.items()}
        for row, item in zip(rows, out, strict=True):
            owner = owners.get(item.name)
            # A name held by another type in the database is a conflict, unless that type is renamed here too.
            if item.code and owner and owner != item.code and owner not in in_file:
                self.add(row, "name", f"名称「{item.name}」已被点位类型「{owner}」使用。")
        return out

    def categories(self) -> list[CategoryRow]:
        rows = self.doc.sections.get(CATEGORIES.key, [])
        out, pairs = [], []
        for row in rows:
            code = self.code(
                row, "code", CATEGORY_CODE, 40, hint="（大写字母开头，仅大写字母、数字、横线、下划线）"
            )
            parent = self.text(row, "parent", max_length=40)
            item = CategoryRow(
                code=code,
                name=self.text(row, "name", required=True, max_length=80),
                parent=parent,
                special_group=self.text(row, "special_group", max_length=40),
                closing_condition=self.text(row, "closing_condition", max_length=300),
                public_name=self.text(row, "public_name", max_length=80),
                is_public=self.boolean(row, "is_public"),
                description=self.text(row, "description", max_length=2000),
                examples=self.examples(row),
            )
            if parent:
                item.kind = self.choice(row, "kind", self.kinds)
                if row.values.get("deadline_value") is None:
                    self.add(row, "deadline_value", "二级分类必须填写处置时限。")
                else:
                    item.deadline_value = self.integer(row, "deadline_value")
                item.deadline_unit = self.choice(row, "deadline_unit", self.units)
            else:
                for key in ("kind", "deadline_value", "deadline_unit"):
                    if row.values.get(key) is not None:
                        self.add(row, key, "顶级分类不填写类型和处置时限（在二级分类上填写）。")
                if code and code not in TOP_CATEGORIES:
                    self.add(
                        row,
                        "parent",
                        f"「{code}」没有上级编码，但顶级分类只能是这八个：{'、'.join(TOP_CATEGORIES)}；"
                        "二级分类请填写上级编码。",
                    )
            pairs.append((row, code))
            out.append(item)
        self.unique(pairs, CATEGORIES.title)
        self.category_tree(out, rows)
        return out

    def examples(self, row) -> list[str]:
        value = row.values.get("examples")
        if value is None:
            return []
        if isinstance(value, list):
            lines = [str(v).strip() for v in value if v is not None and str(v).strip()]
        elif isinstance(value, str):
            lines = [line.strip() for line in value.splitlines() if line.strip()]
        else:
            self.add(row, "examples", "「示例描述」应为文字，每行一条。")
            return []
        if len(lines) > MAX_EXAMPLES:
            self.add(row, "examples", f"示例描述最多 {MAX_EXAMPLES} 条，现有 {len(lines)} 条。")
            return []
        long = [i for i, line in enumerate(lines, 1) if len(line) > 300]
        if long:
            self.add(row, "examples", f"第 {'、'.join(map(str, long))} 条示例超过 300 字。")
            return []
        return lines

    def category_tree(self, items: list[CategoryRow], rows: list[RawRow]) -> None:
        parents = dict(self.catalogue.categories)
        parents.update({c.code: c.parent for c in items if c.code})
        for item, row in zip(items, rows, strict=True):
            if not item.code or not item.parent:
                continue
            if item.code in TOP_CATEGORIES:
                self.add(row, "parent", f"「{item.code}」是固定的顶级分类，不能有上级。")
                continue
            if item.parent not in parents:
                self.add(row, "parent", f"上级编码「{item.parent}」不存在（既不在本表，也不在系统中）。")
                continue
            chain, node = [item.code], item.parent
            while node and node not in chain:
                chain.append(node)
                node = parents.get(node, "")
            if node:
                cycle = chain[chain.index(node) :] + [node]
                self.add(row, "parent", f"上级编码形成循环：{' → '.join(cycle)}。")
                continue
            if parents.get(item.parent):
                self.add(row, "parent", f"问题分类只有两级：上级「{item.parent}」本身是二级分类。")

    def blocks(self, type_codes: set[str]) -> list[BlockRow]:
        rows = self.doc.sections.get(BLOCKS.key, [])
        out, pairs = [], []
        for row in rows:
            code = self.code(row, "code", NODE_CODE, 40)
            name = self.text(row, "name", required=True, max_length=120)
            types = self.codes(row, "point_types")
            if not types:
                self.add(row, "point_types", "通用模块至少适用于一种点位类型。")
            self.known_types(row, "point_types", types, type_codes)
            pairs.append((row, code))
            out.append(BlockRow(code, name, types))
        self.unique(pairs, BLOCKS.title)
        return out

    def known_types(self, row, key, types, type_codes) -> None:
        unknown = [t for t in types if t not in type_codes]
        if unknown and POINT_TYPES.key not in self.doc.unreadable:
            self.add(row, key, f"未知点位类型「{'、'.join(unknown)}」（不在「点位类型」表，也不在系统中）。")

    def indicators(self) -> tuple[list[IndicatorRow], dict[str, tuple[int, RawRow]]]:
        out: list[IndicatorRow] = []
        where: dict[str, tuple[int, RawRow]] = {}
        for level, sheet in LEVEL_SHEETS.items():
            for row in self.doc.sections.get(sheet.key, []):
                code = self.code(
                    row, "code", NODE_CODE, 30, hint="（字母或数字开头，仅字母、数字、点、横线、下划线）"
                )
                parent = self.text(row, "parent", required=level > 1, max_length=30) if level > 1 else ""
                name = self.text(row, "name", required=True, max_length=300)
                weight = self.decimal(row, "weight")
                methods = self.methods_of(row, "methods")
                if code:
                    if code in where:
                        other_level, other = where[code]
                        same = "" if other_level == level else f"「{LEVEL_SHEETS[other_level].title}」表"
                        self.add(row, "code", f"编号「{code}」与{same}第 {other.row} 行重复。")
                    else:
                        where[code] = (level, row)
                out.append(IndicatorRow(code, level, name, weight, parent, methods))
        rows = {id(i): r for i, r in zip(out, self._level_rows(), strict=True)}
        for item in out:
            if item.level == 1 or not item.parent:
                continue
            row = rows[id(item)]
            found = where.get(item.parent)
            want = LEVEL_SHEETS[item.level - 1].title
            if found is None:
                if LEVEL_SHEETS[item.level - 1].key not in self.doc.unreadable:
                    self.add(row, "parent", f"上级编号「{item.parent}」不存在于「{want}」表。")
            elif found[0] != item.level - 1:
                self.add(
                    row,
                    "parent",
                    f"上级编号「{item.parent}」在「{LEVEL_SHEETS[found[0]].title}」表，应填写「{want}」表中的编号。",
                )
        self._rows_of = rows
        return out, where

    def _level_rows(self):
        for sheet in LEVEL_SHEETS.values():
            yield from self.doc.sections.get(sheet.key, [])

    def criteria(self, contents: set[str], where, type_codes, block_codes, categories) -> list[CriterionRow]:
        rows = self.doc.sections.get(CRITERIA.key, [])
        out, pairs = [], []
        for row in rows:
            code = self.code(row, "code", NODE_CODE, 40)
            content = self.text(row, "content", required=True, max_length=30)
            if content and content not in contents:
                found = where.get(content)
                if found:
                    self.add(
                        row,
                        "content",
                        f"「{content}」在「{LEVEL_SHEETS[found[0]].title}」表，测评标准只能挂在「测评内容」下。",
                    )
                elif CONTENTS.key not in self.doc.unreadable:
                    self.add(row, "content", f"测评内容编号「{content}」不存在于「测评内容」表。")
            text = self.text(row, "text", required=True, max_length=2000)
            weight = self.decimal(row, "weight", positive=True)
            method = self.choice(row, "method", self.methods)
            types = self.codes(row, "point_types")
            self.known_types(row, "point_types", types, type_codes)
            block = self.text(row, "block", max_length=40)
            if block and block not in block_codes and BLOCKS.key not in self.doc.unreadable:
                self.add(row, "block", f"通用模块「{block}」不存在于「通用模块」表。")
            if method == Method.FIELD and not types and not block:
                self.add(row, "point_types", "实地考察的标准必须填写适用点位类型或通用模块。")
            if method and method != Method.FIELD and (types or block):
                self.add(row, "point_types", "只有实地考察的标准才适用点位类型或通用模块。")
            if types and block:
                self.add(row, "point_types", "属于通用模块的标准由模块决定适用点位类型，不再单独填写。")
            sampling = self.text(row, "sampling_note", max_length=300)
            rule = self.choice(row, "rule", self.rules)
            params = self.rule_params(row, rule, weight)
            category = self.text(row, "category", max_length=40)
            if category:
                if category not in categories:
                    if CATEGORIES.key not in self.doc.unreadable:
                        self.add(
                            row,
                            "category",
                            f"问题分类「{category}」不存在（既不在「问题分类」表，也不在系统中）。",
                        )
                elif not categories[category]:
                    self.add(row, "category", f"「{category}」是顶级分类，请填写二级分类编码。")
            pairs.append((row, code))
            out.append(
                CriterionRow(
                    code, content, text, weight, method, rule, params, types, block, sampling, category
                )
            )
        self.unique(pairs, CRITERIA.title)
        self._criterion_rows = rows
        return out

    def rule_params(self, row, rule, weight) -> dict:
        value = row.values.get("rule_params")
        if value is None:
            params = {}
        elif isinstance(value, dict):
            params = value
        elif isinstance(value, str):
            try:
                params = json.loads(value)
            except json.JSONDecodeError as exc:
                self.add(
                    row, "rule_params", f"规则参数不是合法的 JSON（第 {exc.colno} 个字符附近）：{exc.msg}。"
                )
                return {}
        else:
            self.add(row, "rule_params", '规则参数应为 JSON 对象，如 {"per_problem": 0.5}。')
            return {}
        if not rule or weight is None:
            return params if isinstance(params, dict) else {}
        try:
            return validate_rule(rule, params, weight)
        except RuleError as exc:
            self.add(row, "rule_params", str(exc))
            return {}

    def weights(self, indicators: list[IndicatorRow], criteria: list[CriterionRow]) -> None:
        """Each parent's weight equals the sum of its children's; every parent has children."""
        children: dict[str, list[Decimal | None]] = defaultdict(list)
        for item in indicators:
            if item.parent:
                children[item.parent].append(item.weight)
        for c in criteria:
            if c.content:
                children[c.content].append(c.weight)
        child_name = {1: "测评指标", 2: "测评内容", 3: "测评标准"}
        for item in indicators:
            row = self._rows_of[id(item)]
            if not item.code:
                continue
            kids = children.get(item.code, [])
            child_sheet = LEVEL_SHEETS[item.level + 1].key if item.level < 3 else CRITERIA.key
            if child_sheet in self.doc.unreadable:
                continue
            if not kids:
                self.add(row, "code", f"「{item.code}」下没有{child_name[item.level]}。")
                continue
            if item.weight is None or any(k is None for k in kids):
                continue
            total = sum(kids, Decimal("0"))
            if total != item.weight:
                self.add(
                    row,
                    "weight",
                    f"权数 {_fmt(item.weight)} 与其下{child_name[item.level]}的{'分值' if item.level == 3 else '权数'}"
                    f"之和 {_fmt(total)} 不一致。",
                )

    def run(self) -> Plan | None:
        info = self.standard_set()
        point_types = self.point_types()
        type_codes = set(self.catalogue.point_types) | {p.code for p in point_types if p.code}
        categories = self.categories()
        known_categories = dict(self.catalogue.categories)
        known_categories.update({c.code: c.parent for c in categories if c.code})
        blocks = self.blocks(type_codes)
        indicators, where = self.indicators()
        contents = {i.code for i in indicators if i.level == 3 and i.code}
        criteria = self.criteria(
            contents, where, type_codes, {b.code for b in blocks if b.code}, known_categories
        )
        self.weights(indicators, criteria)
        if self.problems or info is None:
            return None
        return Plan(info, point_types, categories, blocks, indicators, criteria)


def validate_document(doc: RawDocument, catalogue: Catalogue) -> tuple[Plan | None, list[ImportProblem]]:
    """Validate raw rows; return (plan, []) when the file is good, else (None, every problem)."""
    validator = _Validator(doc, catalogue)
    plan = validator.run()
    return plan, validator.problems


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")
