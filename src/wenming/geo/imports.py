"""Importing the point inventory (点位库) from XLSX/CSV, and the area tree from rows or GeoJSON.

All-or-nothing: every row is checked first and every problem is reported as (row, column, message);
only a clean file is written, in one transaction. Duplicate codes:

* twice in the same file → refused (both rows named);
* already in the database → refused, unless `update_existing=True` (the "更新已有点位" checkbox, the
  command's `--update`), in which case the row updates that point. Columns missing from the file keep
  the point's current values; a column present with an empty cell clears the value.

Positions are converted to WGS-84 from the row's 坐标系 (default WGS-84) and refused outside China.
The area is found by point-in-polygon; a 所属区域编码 that differs from the polygon's answer is kept as
a manual override (`area_overridden`), one that agrees is not.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from wenming.core import versions
from wenming.core.choices import CoordSystem
from wenming.core.names import NameIndex, NameNotFound
from wenming.geo.choices import AreaLevel, PointStatus, Post
from wenming.geo.models import Area, Duty, Point
from wenming.geo.positions import normalise_position, parse_coord_system, parse_number
from wenming.geo.services import (
    ImportRejected,
    RowError,
    _check_area_parent,
    current_area_index,
    move_area,
    validate_boundary,
)
from wenming.geo.spatial import NO_AREA
from wenming.geo.tables import TableError, cell_text, read_table
from wenming.org.models import Person, Unit
from wenming.org.services import PHONE_RE, ensure_can_change
from wenming.standards.models import PointType

C_CODE, C_NAME, C_TYPE, C_ADDRESS = "点位编码", "点位名称", "点位类型", "地址"
C_LON, C_LAT, C_SYSTEM, C_AREA = "经度", "纬度", "坐标系", "所属区域编码"
C_UNIT, C_GUARANTOR, C_PERSON, C_PHONE = "责任单位编码", "包保单位编码", "责任人姓名", "责任人电话"
C_STATUS, C_NOTE = "状态", "备注"
REQUIRED_COLUMNS = (C_CODE, C_NAME, C_TYPE, C_LON, C_LAT)
OPTIONAL_COLUMNS = (C_ADDRESS, C_SYSTEM, C_AREA, C_UNIT, C_GUARANTOR, C_PERSON, C_PHONE, C_STATUS, C_NOTE)
# What an office's own sheet calls the columns (names or codes are accepted in each, see core/names.py).
COLUMN_ALIASES = {
    "责任单位": C_UNIT, "包保单位": C_GUARANTOR, "所属区域": C_AREA, "所属社区": C_AREA, "所属网格": C_AREA,
    "所属街道": C_AREA, "责任人": C_PERSON, "联系电话": C_PHONE, "类型": C_TYPE,
}  # fmt: skip
# Informational columns written by the export; read back, they are ignored.
IGNORED_COLUMNS = ("序号", "所属区域名称", "责任单位名称", "包保单位名称")
# The column order of the template and of the export.
POINT_COLUMNS = (C_CODE, C_NAME, C_TYPE, C_ADDRESS, C_LON, C_LAT, C_SYSTEM, C_AREA, C_UNIT, C_GUARANTOR,
                 C_PERSON, C_PHONE, C_STATUS, C_NOTE)  # fmt: skip
MAX_REPORTED_ERRORS = 200
CHUNK = 500


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    persons_created: int = 0
    duties_created: int = 0
    point_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return _("新增点位 %(c)d 个，更新 %(u)d 个；新增人员 %(p)d 名，新增点位责任人岗位 %(d)d 个。") % {
            "c": self.created, "u": self.updated, "p": self.persons_created, "d": self.duties_created,
        }  # fmt: skip


@dataclass
class _Row:
    number: int
    values: dict
    code: str = ""
    existing: Point | None = None
    fields: dict = field(default_factory=dict)
    lat: float = 0.0
    lon: float = 0.0
    system: str = CoordSystem.WGS84
    area: Area | None = None
    area_given: bool = False
    person_key: tuple | None = None


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_bulk(model, field_name: str, values) -> dict:
    found = {}
    for chunk in _chunks(sorted(set(values))):
        found.update(
            {getattr(o, field_name): o for o in model.objects.filter(**{f"{field_name}__in": chunk})}
        )
    return found


def unit_index() -> NameIndex:
    """Every unit by code, name, short name or abbreviation (区市政园林局, 湖里社区居委会 …)."""
    return NameIndex(
        Unit.objects.all(), code=lambda u: u.code, names=lambda u: (u.name, u.short_name),
        label=lambda u: f"{u.name}（{u.code}）", noun=_("单位"),
    )  # fmt: skip


def area_index() -> NameIndex:
    """Every area by code or name (湖里社区, 殿前街道 …); labels show the parent to tell namesakes apart."""
    areas = list(Area.objects.select_related("parent"))
    return NameIndex(
        areas, code=lambda a: a.code, names=lambda a: (a.name,),
        label=lambda a: f"{a.parent.name + '·' if a.parent_id else ''}{a.name}（{a.code}）", noun=_("区域"),
    )  # fmt: skip


def _resolve_all(index: NameIndex, refs: set[str]) -> tuple[dict, dict]:
    found, failed = {}, {}
    for ref in refs:
        try:
            found[ref] = index.resolve(ref)
        except NameNotFound as exc:
            failed[ref] = exc.message
    return found, failed


class _Lookups:
    """Everything the rows refer to, fetched in a few queries."""

    def __init__(self, rows: list[_Row]):
        def column(name):
            return {r.values.get(name, "") for r in rows} - {""}

        types = list(PointType.objects.all())
        self.types = {t.code: t for t in types} | {t.name: t for t in types}
        unit_refs = column(C_UNIT) | column(C_GUARANTOR)
        self.units, self.unit_errors = _resolve_all(unit_index(), unit_refs) if unit_refs else ({}, {})
        area_refs = column(C_AREA)
        self.areas, self.area_errors = _resolve_all(area_index(), area_refs) if area_refs else ({}, {})
        self.points = _in_bulk(Point, "code", [r.code for r in rows if r.code])
        self.people: dict[tuple[int, str], list[Person]] = defaultdict(list)
        unit_ids = [u.pk for u in self.units.values()]
        for chunk in _chunks(unit_ids):
            for person in Person.objects.filter(unit_id__in=chunk, name__in=column(C_PERSON)):
                self.people[(person.unit_id, person.name)].append(person)


def _statuses() -> dict:
    return {str(label): value for value, label in PointStatus.choices} | {v: v for v in PointStatus.values}


def _check_header(header: list[str]) -> list[RowError]:
    errors = []
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(IGNORED_COLUMNS)
    seen = set()
    for name in header:
        if not name:
            errors.append(RowError(1, "", _("表头有空白列名。")))
        elif name in seen:
            errors.append(RowError(1, name, _("表头列名重复。")))
        elif name not in known:
            errors.append(
                RowError(1, name, _("未知列名。可用列：%(cols)s") % {"cols": "、".join(POINT_COLUMNS)})
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("缺少必填列。")))
    return errors


def _row_dicts(header: list[str], table_rows) -> list[_Row]:
    rows = []
    for number, cells in table_rows:
        values = {
            name: cell_text(cells[i]) if i < len(cells) else "" for i, name in enumerate(header) if name
        }
        rows.append(_Row(number=number, values=values, code=values.get(C_CODE, "")))
    return rows


def _check_text(row: _Row, errors: list, column: str, max_length: int, required: bool = False) -> str:
    value = row.values.get(column, "")
    if required and not value:
        errors.append(RowError(row.number, column, _("不能为空。")))
    elif len(value) > max_length:
        errors.append(RowError(row.number, column, _("不能超过 %(n)d 个字。") % {"n": max_length}))
    return value


def _check_row(row: _Row, lookups: _Lookups, present: set[str], update_existing: bool, errors: list) -> None:
    n, v, f = row.number, row.values, row.fields
    start = len(errors)
    _check_text(row, errors, C_CODE, 40, required=True)
    f["name"] = _check_text(row, errors, C_NAME, 120, required=True)
    type_ref = _check_text(row, errors, C_TYPE, 60, required=True)
    if type_ref:
        f["point_type"] = lookups.types.get(type_ref)
        if f["point_type"] is None:
            errors.append(
                RowError(n, C_TYPE, _("未知点位类型“%(v)s”（填写类型名称或编码）。") % {"v": type_ref})
            )
    for column, attr in ((C_ADDRESS, "address"), (C_NOTE, "note")):
        if column in present:
            f[attr] = _check_text(row, errors, column, 200 if attr == "address" else 2000)
    _check_position(row, errors)
    for column, attr in ((C_UNIT, "responsible_unit"), (C_GUARANTOR, "guarantor_unit")):
        if column in present:
            ref = v.get(column, "")
            f[attr] = lookups.units.get(ref) if ref else None
            if ref and f[attr] is None:
                errors.append(RowError(n, column, lookups.unit_errors[ref]))
    if C_AREA in present:
        ref = v.get(C_AREA, "")
        row.area_given = bool(ref)
        row.area = lookups.areas.get(ref) if ref else None
        if ref and row.area is None:
            errors.append(RowError(n, C_AREA, lookups.area_errors[ref]))
    if C_STATUS in present:
        ref = v.get(C_STATUS, "")
        f["status"] = _statuses().get(ref, None) if ref else PointStatus.ACTIVE
        if f["status"] is None:
            errors.append(RowError(n, C_STATUS, _("未知状态“%(v)s”（在库、暂停或撤销）。") % {"v": ref}))
    _check_person(row, present, errors)
    row.existing = lookups.points.get(row.code)
    if row.existing is not None and not update_existing:
        errors.append(
            RowError(n, C_CODE, _("点位编码 %(code)s 已存在于系统中；如需更新已有点位，请勾选“更新已有点位”。")
                     % {"code": row.code})
        )  # fmt: skip
    if row.existing is None and len(errors) == start:
        f.setdefault("status", PointStatus.ACTIVE)


def _check_position(row: _Row, errors: list) -> None:
    n, v = row.number, row.values
    try:
        row.system = parse_coord_system(v.get(C_SYSTEM, ""))
    except ValidationError as exc:
        errors.append(RowError(n, C_SYSTEM, exc.messages[0]))
        return
    bad = False
    for column, label in ((C_LON, _("经度")), (C_LAT, _("纬度"))):
        if not v.get(column, ""):
            errors.append(RowError(n, column, _("不能为空。")))
            bad = True
            continue
        try:
            parse_number(v[column], label)
        except ValidationError as exc:
            errors.append(RowError(n, column, exc.messages[0]))
            bad = True
    if bad:
        return
    try:
        row.lat, row.lon, row.system = normalise_position(v[C_LAT], v[C_LON], row.system)
    except ValidationError as exc:
        errors.append(RowError(n, f"{C_LON}/{C_LAT}", exc.messages[0]))


def _check_person(row: _Row, present: set[str], errors: list) -> None:
    n, v = row.number, row.values
    name, phone = v.get(C_PERSON, ""), v.get(C_PHONE, "")
    if len(name) > 60:
        errors.append(RowError(n, C_PERSON, _("不能超过 %(n)d 个字。") % {"n": 60}))
    if phone and not PHONE_RE.match(phone):
        errors.append(RowError(n, C_PHONE, _("电话号码格式不正确。")))
    if phone and not name:
        errors.append(RowError(n, C_PERSON, _("填写了责任人电话，但没有填写责任人姓名。")))
    if name:
        unit = row.fields.get("responsible_unit")
        if C_UNIT not in present or not v.get(C_UNIT):
            errors.append(
                RowError(n, C_PERSON, _("填写责任人时必须同时填写责任单位编码（责任人属于该单位）。"))
            )
        elif unit is not None:
            row.person_key = (unit.pk, name, phone)
    elif C_PERSON in present:
        row.fields["responsible_person"] = None


def _resolve_people(rows: list[_Row], lookups: _Lookups, errors: list) -> dict[tuple, Person | None]:
    """Each (unit, name, phone) → an existing person, or None = to be created. Ambiguity is an error."""
    resolved: dict[tuple, Person | None] = {}
    for row in rows:
        key = row.person_key
        if key is None or key in resolved:
            continue
        unit_id, name, phone = key
        candidates = lookups.people.get((unit_id, name), [])
        if phone:
            candidates = [p for p in candidates if p.phone == phone] or [p for p in candidates if not p.phone]
        if len(candidates) > 1:
            errors.append(
                RowError(row.number, C_PERSON, _("该单位有多名叫“%(name)s”的人员，请填写责任人电话以区分。")
                         % {"name": name})
            )  # fmt: skip
            continue
        resolved[key] = candidates[0] if candidates else None
    return resolved


def plan_point_import(
    table_header: list[str], table_rows, *, update_existing: bool
) -> tuple[list[_Row], dict]:
    """Check a whole table; raise ImportRejected with every problem, or return the rows to write."""
    table_header = [COLUMN_ALIASES.get(h, h) for h in table_header]
    errors = _check_header(table_header)
    if errors:
        raise ImportRejected(errors)
    rows = _row_dicts(table_header, table_rows)
    if not rows:
        raise ImportRejected([RowError(0, "", _("文件中没有数据行。"))])
    present = set(table_header)
    lookups = _Lookups(rows)
    first_seen: dict[str, int] = {}
    for row in rows:
        _check_row(row, lookups, present, update_existing, errors)
        if row.code:
            if row.code in first_seen:
                errors.append(
                    RowError(row.number, C_CODE, _("点位编码 %(code)s 与第 %(row)d 行重复。")
                             % {"code": row.code, "row": first_seen[row.code]})
                )  # fmt: skip
            else:
                first_seen[row.code] = row.number
    people = _resolve_people(rows, lookups, errors)
    if errors:
        errors.sort(key=lambda e: e.row)
        raise ImportRejected(errors)
    return rows, people


def _apply_areas(rows: list[_Row], present: set[str]) -> None:
    index = current_area_index()
    located = index.locate_many([r.lat for r in rows], [r.lon for r in rows]).tolist()
    paths = dict(Area.objects.filter(pk__in=set(located) - {NO_AREA}).values_list("pk", "path"))
    for row, area_id in zip(rows, located, strict=True):
        auto = None if area_id == NO_AREA else area_id
        f = row.fields
        if row.area_given and auto is not None and f"/{row.area.pk}/" in paths.get(auto, ""):
            # a community or street named by the office that contains the located grid: the grid, no override
            f["area_id"], f["area_overridden"] = auto, False
        elif row.area_given:
            f["area_id"], f["area_overridden"] = row.area.pk, row.area.pk != auto
        elif C_AREA in present or row.existing is None or not row.existing.area_overridden:
            f["area_id"], f["area_overridden"] = auto, False


def _write_people(actor, rows: list[_Row], people: dict, units: dict) -> int:
    from wenming.org.services import create_person

    created = 0
    for key, person in list(people.items()):
        if person is None:
            unit_id, name, phone = key
            people[key] = create_person(actor=actor, name=name, unit=units[unit_id], phone=phone)
            created += 1
    for row in rows:
        if row.person_key is not None:
            row.fields["responsible_person"] = people[row.person_key]
    return created


def _write_owner_duties(actor, points: list[Point]) -> int:
    with_person = [p for p in points if p.responsible_person_id]
    existing = set()
    for chunk in _chunks([p.pk for p in with_person]):
        existing |= set(
            Duty.objects.current()
            .filter(post=Post.POINT_OWNER, point_id__in=chunk)
            .values_list("point_id", "person_id")
        )
    today = timezone.localdate()
    duties = [
        Duty(person_id=p.responsible_person_id, post=Post.POINT_OWNER, point_id=p.pk, start_date=today)
        for p in with_person
        if (p.pk, p.responsible_person_id) not in existing
    ]
    bulk_create_with_history(duties, Duty, batch_size=CHUNK, default_user=actor)
    if duties:
        versions.changed("routing")  # a bulk insert: no signal tells the in-memory duty lists
    return len(duties)


def import_points(*, actor, data: bytes, filename: str, update_existing: bool = False) -> ImportResult:
    """Import the point inventory from an XLSX or CSV file (all-or-nothing; see the module docstring)."""
    ensure_can_change(actor, Point)
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ImportRejected([RowError(0, "", str(exc))])
    rows, people = plan_point_import(table.header, table.rows, update_existing=update_existing)
    present = set(table.header)
    result = ImportResult()
    with transaction.atomic():
        units = {u.pk: u for u in Unit.objects.filter(pk__in={k[0] for k in people})}
        result.persons_created = _write_people(actor, rows, people, units)
        _apply_areas(rows, present)
        new, changed = [], []
        for row in rows:
            point = row.existing or Point(code=row.code)
            for key, value in row.fields.items():
                setattr(point, key, value)
            if row.existing is None or abs(point.lat - row.lat) > 1e-7 or abs(point.lon - row.lon) > 1e-7:
                point.lat, point.lon, point.coord_system = row.lat, row.lon, row.system
            (changed if row.existing else new).append(point)
        bulk_create_with_history(new, Point, batch_size=CHUNK, default_user=actor)
        if changed:
            update_fields = ["name", "point_type", "lat", "lon", "coord_system", "area", "area_overridden"]
            update_fields += [a for c, a in _OPTIONAL_FIELD_OF.items() if c in present]
            bulk_update_with_history(changed, Point, sorted(set(update_fields)), batch_size=CHUNK,
                                     default_user=actor)  # fmt: skip
        # bulk_create does not return keys on every backend: read them back by code.
        saved = []
        for chunk in _chunks([r.code for r in rows]):
            saved += list(Point.objects.filter(code__in=chunk).only("id", "responsible_person_id"))
        result.duties_created = _write_owner_duties(actor, saved)
    result.created, result.updated = len(new), len(changed)
    result.point_ids = sorted(p.pk for p in saved)
    return result


_OPTIONAL_FIELD_OF = {
    C_ADDRESS: "address", C_NOTE: "note", C_UNIT: "responsible_unit", C_GUARANTOR: "guarantor_unit",
    C_PERSON: "responsible_person", C_STATUS: "status",
}  # fmt: skip


# --- areas ------------------------------------------------------------------------------------------

AREA_LEVEL_NAMES = {str(label): value for value, label in AreaLevel.choices} | {
    v: v for v in AreaLevel.values
}


def _area_row_errors(number: int, row: dict, codes_in_file: dict, existing: dict, units: dict) -> list:
    errors = []
    code = str(row.get("code") or "").strip()
    if not code:
        errors.append(RowError(number, "code", _("区域编码不能为空。")))
    elif code in codes_in_file and codes_in_file[code] != number:
        errors.append(RowError(number, "code", _("区域编码 %(code)s 与第 %(row)d 行重复。")
                               % {"code": code, "row": codes_in_file[code]}))  # fmt: skip
    if not str(row.get("name") or "").strip():
        errors.append(RowError(number, "name", _("区域名称不能为空。")))
    if AREA_LEVEL_NAMES.get(str(row.get("level") or "").strip()) is None:
        errors.append(RowError(number, "level", _("未知区域层级“%(v)s”（区、街道、社区或网格）。")
                               % {"v": row.get("level")}))  # fmt: skip
    parent_code = str(row.get("parent_code") or "").strip()
    if parent_code and parent_code not in codes_in_file and parent_code not in existing:
        errors.append(
            RowError(number, "parent_code", _("上级区域编码 %(code)s 不存在。") % {"code": parent_code})
        )
    for key in ("population", "households"):
        value = row.get(key)
        if value not in (None, "") and (not str(value).isdigit()):
            errors.append(RowError(number, key, _("必须是非负整数。")))
    unit_code = str(row.get("unit_code") or "").strip()
    if unit_code and not isinstance(units.get(unit_code), Unit):
        errors.append(
            RowError(number, "unit_code", units.get(unit_code) or _("未知单位“%(v)s”。") % {"v": unit_code})
        )
    if row.get("boundary"):
        try:
            validate_boundary(row["boundary"])
        except ValidationError as exc:
            errors.append(RowError(number, "boundary", exc.messages[0]))
    return errors


def _cycle_errors(rows: list[dict]) -> list:
    """Parents after the import, walked upwards from every row: revisiting a code is a cycle."""
    # The whole tree (areas are hundreds to a few thousand rows), overlaid with the file's parents.
    parent_of = {code: parent or "" for code, parent in Area.objects.values_list("code", "parent__code")}
    for row in rows:
        parent_of[str(row["code"]).strip()] = str(row.get("parent_code") or "").strip()
    errors = []
    for number, row in enumerate(rows, start=1):
        code = str(row["code"]).strip()
        seen, node = {code}, parent_of.get(code, "")
        while node:
            if node in seen:
                errors.append(
                    RowError(number, "parent_code", _("上级区域形成循环引用（%(code)s）。") % {"code": code})
                )
                break
            seen.add(node)
            node = parent_of.get(node, "")
    return errors


def import_areas(*, actor, rows: list[dict], update_existing: bool = True) -> list[Area]:
    """Create or update an area tree from rows {code, name, level, parent_code, population, households,
    unit_code, boundary, is_synthetic}; rows may come in any order. All-or-nothing; cycles refused."""
    ensure_can_change(actor, Area)
    codes_in_file: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        codes_in_file.setdefault(str(row.get("code") or "").strip(), number)
    referenced = set(codes_in_file) | {str(r.get("parent_code") or "").strip() for r in rows}
    existing = {a.code: a for a in Area.objects.filter(code__in=referenced - {""}).select_related("parent")}
    unit_codes = {str(r.get("unit_code") or "").strip() for r in rows} - {""}
    found, failed = _resolve_all(unit_index(), unit_codes) if unit_codes else ({}, {})
    # ref → Unit, or ref → the error message (unknown/ambiguous, with suggestions); resolved codes too
    units = failed | found | {u.code: u for u in found.values()}
    for row in rows:  # the writer reads the resolved unit's code
        ref = str(row.get("unit_code") or "").strip()
        if isinstance(found.get(ref), Unit):
            row["unit_code"] = found[ref].code
    errors = []
    for number, row in enumerate(rows, start=1):
        errors += _area_row_errors(number, row, codes_in_file, existing, units)
        code = str(row.get("code") or "").strip()
        if code in existing and not update_existing:
            errors.append(RowError(number, "code", _("区域编码 %(code)s 已存在。") % {"code": code}))
    if not errors:
        errors += _cycle_errors(rows)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    by_code = {str(r["code"]).strip(): r for r in rows}
    done: dict[str, Area] = dict(existing)
    result: list[Area] = []
    try:
        with transaction.atomic():
            for code in _parents_first(by_code):
                result.append(_write_area(actor, by_code[code], done))
    except ValidationError as exc:
        number = codes_in_file.get(getattr(exc, "area_code", ""), 0)
        raise ImportRejected([RowError(number, "", m) for m in exc.messages])
    return result


def _parents_first(by_code: dict) -> list[str]:
    order, placed = [], set()

    def place(code):
        if code in placed or code not in by_code:
            return
        placed.add(code)
        place(str(by_code[code].get("parent_code") or "").strip())
        order.append(code)

    for code in by_code:
        place(code)
    return order


def _write_area(actor, row: dict, done: dict) -> Area:
    from wenming.geo.services import create_area, set_area_boundary, update_area

    code = str(row["code"]).strip()
    level = AREA_LEVEL_NAMES[str(row["level"]).strip()]
    parent_code = str(row.get("parent_code") or "").strip()
    parent = done.get(parent_code) if parent_code else None
    unit_code = str(row.get("unit_code") or "").strip()
    extra = {
        "name": str(row["name"]).strip(),
        "population": int(row["population"]) if row.get("population") not in (None, "") else None,
        "households": int(row["households"]) if row.get("households") not in (None, "") else None,
        "unit": Unit.objects.get(code=unit_code) if unit_code else None,
        "boundary_is_synthetic": bool(row.get("is_synthetic", False)),
    }
    try:
        area = done.get(code)
        if area is None:
            extra_fields = {k: v for k, v in extra.items() if k != "name"}
            area = create_area(actor=actor, code=code, name=extra["name"], level=level, parent=parent,
                               boundary=row.get("boundary"), **extra_fields)  # fmt: skip
        else:
            if area.level != level:
                raise ValidationError(_("区域 %(code)s 的层级不能通过导入修改。") % {"code": code})
            if (area.parent_id or None) != (parent.pk if parent else None):
                _check_area_parent(level=level, code=code, parent=parent)
                area = move_area(actor=actor, area=area, new_parent=parent)
            area = update_area(actor=actor, area=area, **extra)
            if row.get("boundary"):
                area = set_area_boundary(actor=actor, area=area, boundary=row["boundary"])
    except ValidationError as exc:
        exc.area_code = code
        raise
    done[code] = area
    return area


def area_rows_from_geojson(collection: dict) -> list[dict]:
    """Rows for `import_areas` from a GeoJSON FeatureCollection whose properties carry code, name, level,
    parent_code (and optionally population, households, unit_code, is_synthetic)."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ImportRejected([RowError(0, "", _("文件必须是 GeoJSON FeatureCollection。"))])
    rows = []
    for feature in collection.get("features", []):
        props = dict(feature.get("properties") or {})
        props["boundary"] = feature.get("geometry")
        rows.append(props)
    return rows
