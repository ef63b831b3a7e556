"""Importing people and their duties (人员与定人定岗定责) from an office's XLSX/CSV, by names or codes.

Columns (office wording accepted): 姓名 (required), 所属单位 / 单位 / 责任单位 (required: code, name or common
abbreviation, core/names.py), 手机号 / 电话 / 联系电话, 职务, and for a duty: 岗位 (网格长, 网格员, 点位责任人,
路长, 社区负责人, 街道负责人, 专项负责人, 包保责任人) with its subject — 责任区域 / 所属社区 / 所属网格 (area code or
name), 责任点位 (point code or name) or 问题类别 (category code or name) — and 开始日期.

All-or-nothing like the point import: every row is checked and every problem reported as (row, column,
message), unknown or ambiguous names with the closest matches; only a clean file is written, in one
transaction. A person is the existing one of that unit with the same name (and phone, when given), else new;
an identical current duty is not created twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.names import NameIndex, NameNotFound
from wenming.geo.choices import Post
from wenming.geo.imports import area_index, unit_index
from wenming.geo.models import Duty, Point
from wenming.geo.services import ImportRejected, RowError, create_duty
from wenming.geo.tables import TableError, cell_text, read_table
from wenming.org.models import Person
from wenming.org.services import PHONE_RE, create_person, ensure_can_change
from wenming.standards.models import ProblemCategory

C_NAME, C_UNIT, C_PHONE, C_TITLE = "姓名", "所属单位", "手机号", "职务"
C_POST, C_AREA, C_POINT, C_CATEGORY, C_START = "岗位", "责任区域", "责任点位", "问题类别", "开始日期"
COLUMNS = (C_NAME, C_UNIT, C_PHONE, C_TITLE, C_POST, C_AREA, C_POINT, C_CATEGORY, C_START)
ALIASES = {
    "单位": C_UNIT, "责任单位": C_UNIT, "所在单位": C_UNIT, "电话": C_PHONE, "联系电话": C_PHONE, "手机": C_PHONE,
    "所属社区": C_AREA, "所属网格": C_AREA, "所属街道": C_AREA, "区域": C_AREA, "点位": C_POINT,
    "类别": C_CATEGORY, "责任人": C_NAME,
}  # fmt: skip


@dataclass
class RosterResult:
    persons_created: int = 0
    persons_reused: int = 0
    duties_created: int = 0
    duties_existing: int = 0

    def summary(self) -> str:
        return _("新增人员 %(p)d 名（沿用已有 %(r)d 名）；新增岗位职责 %(d)d 条（已存在 %(e)d 条）。") % {
            "p": self.persons_created, "r": self.persons_reused, "d": self.duties_created, "e": self.duties_existing,
        }  # fmt: skip


def _point_index() -> NameIndex:
    return NameIndex(
        Point.objects.select_related("area"), code=lambda p: p.code, names=lambda p: (p.name,),
        label=lambda p: f"{p.name}（{p.code}）", noun=_("点位"),
    )  # fmt: skip


def _category_index() -> NameIndex:
    return NameIndex(
        ProblemCategory.objects.all(), code=lambda c: c.code, names=lambda c: (c.name,),
        label=lambda c: f"{c.name}（{c.code}）", noun=_("问题类别"),
    )  # fmt: skip


def _posts() -> dict[str, str]:
    return {str(label): value for value, label in Post.choices} | {v: v for v in Post.values}


def _parse_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.replace("/", "-").replace(".", "-")[:10])


def import_roster(*, actor, data: bytes, filename: str) -> RosterResult:
    """Import people and duties (see the module docstring); raises ImportRejected with every problem."""
    ensure_can_change(actor, Person)
    ensure_can_change(actor, Duty)
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ImportRejected([RowError(0, "", str(exc))])
    header = [ALIASES.get(h, h) for h in table.header]
    errors: list[RowError] = []
    for name in header:
        if name and name not in COLUMNS:
            errors.append(RowError(1, name, _("未知列名。可用列：%(cols)s") % {"cols": "、".join(COLUMNS)}))
    for name in (C_NAME, C_UNIT):
        if name not in header:
            errors.append(RowError(1, name, _("缺少必填列。")))
    if errors:
        raise ImportRejected(errors)
    rows = [
        (number, {h: cell_text(cells[i]) if i < len(cells) else "" for i, h in enumerate(header) if h})
        for number, cells in table.rows
    ]
    if not rows:
        raise ImportRejected([RowError(0, "", _("文件中没有数据行。"))])
    indexes = {C_UNIT: unit_index(), C_AREA: None, C_POINT: None, C_CATEGORY: None}
    if any(v.get(C_AREA) for _n, v in rows):
        indexes[C_AREA] = area_index()
    if any(v.get(C_POINT) for _n, v in rows):
        indexes[C_POINT] = _point_index()
    if any(v.get(C_CATEGORY) for _n, v in rows):
        indexes[C_CATEGORY] = _category_index()
    plans = []
    posts = _posts()
    for number, v in rows:
        start = len(errors)
        plan = {
            "number": number,
            "name": v.get(C_NAME, ""),
            "phone": v.get(C_PHONE, ""),
            "title": v.get(C_TITLE, ""),
        }
        if not plan["name"]:
            errors.append(RowError(number, C_NAME, _("不能为空。")))
        elif len(plan["name"]) > 60:
            errors.append(RowError(number, C_NAME, _("不能超过 %(n)d 个字。") % {"n": 60}))
        if plan["phone"] and not PHONE_RE.match(plan["phone"]):
            errors.append(RowError(number, C_PHONE, _("电话号码格式不正确。")))
        refs = {}
        for column in (C_UNIT, C_AREA, C_POINT, C_CATEGORY):
            ref = v.get(column, "")
            if column == C_UNIT and not ref:
                errors.append(RowError(number, C_UNIT, _("不能为空。")))
                continue
            if ref:
                try:
                    refs[column] = indexes[column].resolve(ref)
                except NameNotFound as exc:
                    errors.append(RowError(number, column, exc.message))
        plan["unit"] = refs.get(C_UNIT)
        post_text = v.get(C_POST, "")
        plan["post"] = posts.get(post_text) if post_text else None
        if post_text and plan["post"] is None:
            errors.append(
                RowError(number, C_POST, _("未知岗位“%(v)s”（可填：%(list)s）。")
                         % {"v": post_text, "list": "、".join(str(label) for label in Post.labels)})
            )  # fmt: skip
        subjects = [refs.get(c) for c in (C_AREA, C_POINT, C_CATEGORY) if refs.get(c) is not None]
        if plan["post"] and len(subjects) != 1 and len(errors) == start:
            errors.append(
                RowError(number, C_POST, _("岗位需要且只能填写责任区域、责任点位、问题类别中的一项。"))
            )
        if not plan["post"] and subjects and len(errors) == start:
            errors.append(RowError(number, C_POST, _("填写了责任对象，但没有填写岗位。")))
        plan.update(area=refs.get(C_AREA), point=refs.get(C_POINT), category=refs.get(C_CATEGORY))
        plan["start"] = None
        if v.get(C_START):
            try:
                plan["start"] = _parse_date(v[C_START])
            except ValueError:
                errors.append(RowError(number, C_START, _("日期格式应为 2026-01-01。")))
        plans.append(plan)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return _write(actor, plans)


def _write(actor, plans: list[dict]) -> RosterResult:
    result = RosterResult()
    people: dict[tuple, Person] = {}
    with transaction.atomic():
        for plan in plans:
            key = (plan["unit"].pk, plan["name"], plan["phone"])
            person = people.get(key)
            if person is None:
                same = Person.objects.filter(unit=plan["unit"], name=plan["name"])
                if plan["phone"]:
                    same = same.filter(phone=plan["phone"])
                person = same.order_by("pk").first()
                if person is None:
                    person = create_person(
                        actor=actor,
                        name=plan["name"],
                        unit=plan["unit"],
                        phone=plan["phone"],
                        title=plan["title"],
                    )
                    result.persons_created += 1
                else:
                    result.persons_reused += 1
                people[key] = person
            if plan["post"] is None:
                continue
            current = Duty.objects.current().filter(
                person=person,
                post=plan["post"],
                area=plan["area"],
                point=plan["point"],
                category=plan["category"],
            )
            if current.exists():
                result.duties_existing += 1
                continue
            try:
                create_duty(
                    actor=actor, person=person, post=plan["post"], area=plan["area"], point=plan["point"],
                    category=plan["category"], start_date=plan["start"],
                )  # fmt: skip
            except ValidationError as exc:
                raise ImportRejected([RowError(plan["number"], C_POST, " ".join(exc.messages))])
            result.duties_created += 1
    return result


# --- units ------------------------------------------------------------------------------------------------

U_CODE, U_NAME, U_SHORT, U_LEVEL, U_PARENT, U_PHONE, U_ADDRESS = (
    "单位编码", "单位名称", "简称", "层级", "上级单位", "联系电话", "地址",
)  # fmt: skip
UNIT_COLUMNS = (U_CODE, U_NAME, U_SHORT, U_LEVEL, U_PARENT, U_PHONE, U_ADDRESS)
UNIT_ALIASES = {
    "编码": U_CODE,
    "名称": U_NAME,
    "单位": U_NAME,
    "级别": U_LEVEL,
    "上级": U_PARENT,
    "电话": U_PHONE,
}


@dataclass
class UnitImportResult:
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        return _("新增单位 %(c)d 个，更新 %(u)d 个。") % {"c": self.created, "u": self.updated}


@dataclass(eq=False)
class _NewUnit:
    code: str
    name: str
    short_name: str


def _levels() -> dict[str, str]:
    from wenming.org.choices import UnitLevel

    return (
        {str(label): value for value, label in UnitLevel.choices}
        | {v: v for v in UnitLevel.values}
        | {f"{label}单位": value for value, label in UnitLevel.choices}
    )


def import_units(*, actor, data: bytes, filename: str) -> UnitImportResult:
    """Units from a sheet: a new code creates, a known code updates; 上级单位 by code, name or abbreviation
    (also a unit of the same file). All-or-nothing with (row, column, message) errors."""
    from wenming.org.models import Unit
    from wenming.org.services import create_unit, update_unit

    ensure_can_change(actor, Unit)
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ImportRejected([RowError(0, "", str(exc))])
    header = [UNIT_ALIASES.get(h, h) for h in table.header]
    errors = [RowError(1, h, _("未知列名。可用列：%(cols)s") % {"cols": "、".join(UNIT_COLUMNS)})
              for h in header if h and h not in UNIT_COLUMNS]  # fmt: skip
    errors += [RowError(1, h, _("缺少必填列。")) for h in (U_CODE, U_NAME) if h not in header]
    if errors:
        raise ImportRejected(errors)
    rows = [
        (number, {h: cell_text(cells[i]) if i < len(cells) else "" for i, h in enumerate(header) if h})
        for number, cells in table.rows
    ]
    existing = {u.code: u for u in Unit.objects.all()}
    in_file = {v.get(U_CODE, ""): _NewUnit(v.get(U_CODE, ""), v.get(U_NAME, ""), v.get(U_SHORT, ""))
               for _n, v in rows if v.get(U_CODE) and v.get(U_CODE) not in existing}  # fmt: skip
    index = NameIndex(
        [*existing.values(), *in_file.values()], code=lambda u: u.code, names=lambda u: (u.name, u.short_name),
        label=lambda u: f"{u.name}（{u.code}）", noun=_("单位"),
    )  # fmt: skip
    levels = _levels()
    plans, seen = [], {}
    for number, v in rows:
        code, name = v.get(U_CODE, ""), v.get(U_NAME, "")
        for column, value in ((U_CODE, code), (U_NAME, name)):
            if not value:
                errors.append(RowError(number, column, _("不能为空。")))
        if code in seen:
            errors.append(
                RowError(
                    number,
                    U_CODE,
                    _("单位编码 %(code)s 与第 %(row)d 行重复。") % {"code": code, "row": seen[code]},
                )
            )
        seen.setdefault(code, number)
        level_text = v.get(U_LEVEL, "")
        level = levels.get(level_text) if level_text else getattr(existing.get(code), "level", None)
        if level is None:
            errors.append(
                RowError(
                    number,
                    U_LEVEL,
                    _("未知层级“%(v)s”（央属、省属、市属、区属、街道、社区、企业或物业）。")
                    % {"v": level_text},
                )
            )
        parent = None
        if v.get(U_PARENT):
            try:
                parent = index.resolve(v[U_PARENT])
            except NameNotFound as exc:
                errors.append(RowError(number, U_PARENT, exc.message))
            else:
                if parent.code == code:
                    errors.append(RowError(number, U_PARENT, _("上级单位不能是本单位。")))
        phone = v.get(U_PHONE, "")
        if phone and not PHONE_RE.match(phone):
            errors.append(RowError(number, U_PHONE, _("电话号码格式不正确。")))
        plans.append((number, code, name, v, level, parent))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    result = UnitImportResult()
    with transaction.atomic():
        made: dict[str, Unit] = {}
        for number, code, name, v, level, _parent in plans:  # first every unit, then the parents
            # a column missing from the file keeps the unit's value; a present, empty cell clears it
            fields = {
                attr: v.get(column, "")
                for column, attr in (
                    (U_SHORT, "short_name"),
                    (U_PHONE, "contact_phone"),
                    (U_ADDRESS, "address"),
                )
                if column in header
            }
            try:
                if code in existing:
                    made[code] = update_unit(
                        actor=actor, unit=existing[code], name=name, level=level, **fields
                    )
                    result.updated += 1
                else:
                    made[code] = create_unit(actor=actor, code=code, name=name, level=level, **fields)
                    result.created += 1
            except ValidationError as exc:
                raise ImportRejected([RowError(number, U_CODE, " ".join(exc.messages))])
        for number, code, _name, _v, _level, parent in plans:
            if parent is None:
                continue
            target = made.get(parent.code) or existing.get(parent.code)
            try:
                update_unit(actor=actor, unit=made[code], parent=target)
            except ValidationError as exc:
                raise ImportRejected([RowError(number, U_PARENT, " ".join(exc.messages))])
    return result
