"""Writes for places: areas (tree, boundaries), inspection points (positions, area assignment) and duties.

Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns the changed object(s).
`actor=None` is the system (demo loader, commands). Validation errors are `ValidationError` with Chinese
messages, raised before anything is written.
"""

import datetime
import json
from dataclasses import dataclass

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from wenming.core import versions
from wenming.core.choices import CoordSystem
from wenming.core.coords import in_china
from wenming.geo.choices import AREA_CHILD_LEVEL, AreaLevel, Post
from wenming.geo.models import Area, Duty, Point
from wenming.geo.positions import normalise_position
from wenming.geo.spatial import NO_AREA, AreaIndex, geometry_from_geojson
from wenming.org.services import apply_changes, ensure_can_change

_UNSET = object()
AREA_FIELDS = ("name", "population", "households", "unit", "boundary_is_synthetic", "description")
POINT_FIELDS = (
    "code", "name", "point_type", "address", "responsible_unit", "guarantor_unit", "responsible_person",
    "status", "note",
)  # fmt: skip
DUTY_FIELDS = ("person", "post", "area", "point", "category", "responsibilities", "start_date", "end_date")
AREA_PARENT_LEVEL = {child: parent for parent, child in AREA_CHILD_LEVEL.items()}
# How many leading code digits a child shares with its parent (county 6, street 9).
AREA_CODE_PREFIX = {AreaLevel.STREET: 6, AreaLevel.COMMUNITY: 9, AreaLevel.GRID: 9}


def _save(obj, actor, *, clean: bool = True) -> None:
    if clean:
        obj.full_clean()
    if actor is not None:
        obj._history_user = actor
    obj.save()


# --- the area index ---------------------------------------------------------------------------------


def _build_area_index() -> AreaIndex:
    return AreaIndex.build(
        Area.objects.filter(boundary__isnull=False).values("id", "code", "level", "boundary")
    )


# Rebuilt when an area is saved or deleted (signals connected in GeoConfig.ready) or a bulk path says so.
AREA_INDEX = versions.VersionedCache("area_index", _build_area_index)


def current_area_index() -> AreaIndex:
    """The index of all area boundaries, rebuilt when an area is added, changed or removed (one token query
    per call otherwise; core.versions)."""
    return AREA_INDEX.get()


# --- areas ------------------------------------------------------------------------------------------


def validate_boundary(boundary) -> tuple[dict, object]:
    """A GeoJSON (Multi)Polygon in WGS-84 → (normalised GeoJSON geometry, shapely geometry)."""
    if isinstance(boundary, str | bytes):
        try:
            boundary = json.loads(boundary)
        except ValueError:
            raise ValidationError({"boundary": _("边界不是有效的 JSON。")})
    if not isinstance(boundary, dict):
        raise ValidationError({"boundary": _("边界必须是 GeoJSON 对象。")})
    if boundary.get("type") == "Feature":
        boundary = boundary.get("geometry") or {}
    if boundary.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError({"boundary": _("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。")})
    try:
        geom = geometry_from_geojson(boundary)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, shapely.errors.ShapelyError):
        raise ValidationError({"boundary": _("边界坐标格式不正确（应为 [经度, 纬度] 组成的闭合环）。")})
    if geom is None or geom.is_empty:
        raise ValidationError({"boundary": _("边界为空或面积为零。")})
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (in_china(min_lat, min_lon) and in_china(max_lat, max_lon)):
        raise ValidationError(
            {"boundary": _("边界坐标不在中国境内（请确认为 WGS-84 的 [经度, 纬度] 顺序）。")}
        )
    if not geom.is_valid:
        raise ValidationError(
            {"boundary": _("边界多边形无效：%(reason)s") % {"reason": shapely.is_valid_reason(geom)}}
        )
    if geom.area <= 0:
        raise ValidationError({"boundary": _("边界为空或面积为零。")})
    return json.loads(shapely.to_geojson(geom)), geom


def _check_area_parent(*, level: str, code: str, parent: Area | None) -> None:
    wanted = AREA_PARENT_LEVEL.get(level)
    if wanted is None:
        if parent is not None:
            raise ValidationError({"parent": _("区（县）级区域不能有上级区域。")})
        return
    if parent is None:
        raise ValidationError(
            {"parent": _("%(level)s必须指定上级区域。") % {"level": AreaLevel(level).label}}
        )
    if parent.level != wanted:
        raise ValidationError(
            {"parent": _("%(level)s的上级必须是%(wanted)s。")
             % {"level": AreaLevel(level).label, "wanted": AreaLevel(wanted).label}}
        )  # fmt: skip
    digits = AREA_CODE_PREFIX[level]
    if code[:digits] != parent.code[:digits]:
        raise ValidationError(
            {"code": _("编码 %(code)s 的前 %(n)d 位应与上级区域编码 %(parent)s 一致。")
             % {"code": code, "n": digits, "parent": parent.code}}
        )  # fmt: skip


def _set_boundary(area: Area, boundary) -> None:
    if boundary is None:
        area.boundary = None
        area.centroid_lat = area.centroid_lon = None
        return
    area.boundary, geom = validate_boundary(boundary)
    centroid = geom.centroid
    area.centroid_lat, area.centroid_lon = round(centroid.y, 7), round(centroid.x, 7)


@transaction.atomic
def create_area(
    *, actor, code: str, name: str, level: str, parent: Area | None = None, boundary=None, **extra
) -> Area:
    """Add an area to the tree (区/街道/社区/网格); the parent must be one level up and share the code prefix."""
    ensure_can_change(actor, Area)
    code = str(code or "").strip()
    if level not in AreaLevel.values:
        raise ValidationError({"level": _("未知区域层级：%(level)s") % {"level": level}})
    _check_area_parent(level=level, code=code, parent=parent)
    area = Area(code=code, name=(name or "").strip(), level=level, parent=parent)
    apply_changes(area, AREA_FIELDS, extra)
    _set_boundary(area, boundary)
    _save(area, actor)
    return area


@transaction.atomic
def update_area(*, actor, area: Area, **changes) -> Area:
    """Change an area's name, population, households, territorial unit or synthetic flag."""
    ensure_can_change(actor, Area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    apply_changes(area, AREA_FIELDS, changes)
    _save(area, actor)
    return area


@transaction.atomic
def set_area_boundary(*, actor, area: Area, boundary, is_synthetic: bool | None = None) -> Area:
    """Replace an area's boundary (GeoJSON Polygon/MultiPolygon, WGS-84) and recompute its centroid."""
    ensure_can_change(actor, Area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    _set_boundary(area, boundary)
    if is_synthetic is not None:
        area.boundary_is_synthetic = is_synthetic
    _save(area, actor)
    return area


@transaction.atomic
def move_area(*, actor, area: Area, new_parent: Area | None) -> Area:
    """Attach an area (and its subtree) to another parent; cycles and level mismatches are refused."""
    ensure_can_change(actor, Area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    if new_parent is not None:
        new_parent = Area.objects.get(pk=new_parent.pk)
        if new_parent.pk == area.pk or new_parent.path.startswith(area.path):
            raise ValidationError({"parent": _("上级区域不能是本区域或其下级区域（循环引用）。")})
    wanted = AREA_PARENT_LEVEL.get(area.level)
    if wanted is None and new_parent is not None:
        raise ValidationError({"parent": _("区（县）级区域不能有上级区域。")})
    if wanted is not None and (new_parent is None or new_parent.level != wanted):
        raise ValidationError(
            {"parent": _("%(level)s的上级必须是%(wanted)s。")
             % {"level": area.get_level_display(), "wanted": AreaLevel(wanted).label}}
        )  # fmt: skip
    if area.parent_id == (new_parent.pk if new_parent else None):
        return area
    old_path = area.path
    new_path = f"{new_parent.path if new_parent else '/'}{area.pk}/"
    area.parent = new_parent
    if actor is not None:
        area._history_user = actor
    area.save()  # sets area.path
    descendants = Area.objects.filter(path__startswith=old_path).exclude(pk=area.pk)
    descendants.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    versions.changed("routing", "area_index")  # a bulk update: no signal tells the in-memory area trees
    area.refresh_from_db()
    return area


# --- points -----------------------------------------------------------------------------------------


def assign_area(point: Point, index: AreaIndex | None = None) -> None:
    """Set the point's area by point-in-polygon unless an area was chosen by hand."""
    if point.area_overridden:
        return
    index = index or current_area_index()
    point.area_id = index.locate(point.lat, point.lon)


def _check_point_code(code: str, exclude_pk=None) -> None:
    if not code:
        raise ValidationError({"code": _("点位编码不能为空。")})
    if Point.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": _("点位编码 %(code)s 已存在。") % {"code": code}})


def _position_errors(lat, lon, coord_system) -> tuple[float, float, str]:
    try:
        return normalise_position(lat, lon, coord_system)
    except ValidationError as exc:
        field = "coord_system" if exc.code == "coord_system" else "lat"
        raise ValidationError({field: exc.messages})


@transaction.atomic
def create_point(
    *, actor, code: str, name: str, point_type, lat, lon, coord_system: str = CoordSystem.WGS84,
    area: Area | None = None, **extra,
) -> Point:  # fmt: skip
    """Add an inspection point. The position is converted to WGS-84 from `coord_system`; positions outside
    China are refused. Without `area` the area is found by point-in-polygon; with it, it is kept (override)."""
    ensure_can_change(actor, Point)
    code = str(code or "").strip()
    _check_point_code(code)
    wgs_lat, wgs_lon, system = _position_errors(lat, lon, coord_system)
    point = Point(code=code, name=(name or "").strip(), point_type=point_type, lat=wgs_lat, lon=wgs_lon)
    point.coord_system = system
    apply_changes(point, POINT_FIELDS, extra)
    point.area = area
    point.area_overridden = area is not None
    assign_area(point)
    _save(point, actor)
    return point


@transaction.atomic
def update_point(
    *, actor, point: Point, lat=_UNSET, lon=_UNSET, coord_system=None, area=_UNSET, **changes
) -> Point:
    """Change a point. A new position (lat and lon in `coord_system`, WGS-84 by default) re-assigns the area
    unless it was set by hand; `area=<Area>` sets it by hand, `area=None` returns to automatic assignment."""
    ensure_can_change(actor, Point)
    point = Point.objects.select_for_update().get(pk=point.pk)
    unknown = set(changes) - set(POINT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if "code" in changes:
        changes["code"] = str(changes["code"] or "").strip()
        _check_point_code(changes["code"], exclude_pk=point.pk)
    for key, value in changes.items():
        setattr(point, key, value)
    moved = False
    if lat is not _UNSET or lon is not _UNSET:
        if lat is _UNSET or lon is _UNSET:
            raise ValidationError({"lat": _("修改位置时必须同时提供经度和纬度。")})
        wgs_lat, wgs_lon, system = _position_errors(lat, lon, coord_system or CoordSystem.WGS84)
        if abs(wgs_lat - point.lat) > 1e-7 or abs(wgs_lon - point.lon) > 1e-7:
            point.lat, point.lon, point.coord_system = wgs_lat, wgs_lon, system
            moved = True
    if area is not _UNSET:
        point.area = area
        point.area_overridden = area is not None
        assign_area(point)
    elif moved:
        assign_area(point)
    _save(point, actor)
    return point


@transaction.atomic
def assign_point_areas(*, points=None, actor=None) -> int:
    """Re-assign areas by point-in-polygon for `points` (ids, Point objects or a queryset; default all),
    skipping points whose area was set by hand. Returns how many points changed area."""
    qs = Point.objects.filter(area_overridden=False)
    if points is not None:
        ids = [getattr(p, "pk", p) for p in points] if not hasattr(points, "values_list") else None
        qs = qs.filter(pk__in=ids if ids is not None else points.values("pk"))
    rows = list(qs.values_list("id", "lat", "lon", "area_id"))
    if not rows:
        return 0
    index = current_area_index()
    found = index.locate_many([r[1] for r in rows], [r[2] for r in rows]).tolist()
    changes = {
        row[0]: (None if area_id == NO_AREA else area_id)
        for row, area_id in zip(rows, found, strict=True)
        if row[3] != (None if area_id == NO_AREA else area_id)
    }
    if not changes:
        return 0
    objs = list(Point.objects.filter(pk__in=list(changes)).only("id", "area_id"))
    for obj in objs:
        obj.area_id = changes[obj.pk]
    bulk_update_with_history(objs, Point, ["area"], batch_size=500, default_user=actor)
    return len(objs)


# --- duties -----------------------------------------------------------------------------------------


def _check_duty_duplicate(duty: Duty) -> None:
    same = Duty.objects.filter(
        person_id=duty.person_id, post=duty.post, area_id=duty.area_id, point_id=duty.point_id,
        category_id=duty.category_id,
    ).exclude(pk=duty.pk)  # fmt: skip
    # Periods are [start, end): they overlap when each starts before the other ends.
    overlapping = same.exclude(end_date__lte=duty.start_date)
    if duty.end_date is not None:
        overlapping = overlapping.filter(start_date__lt=duty.end_date)
    if overlapping.exists():
        raise ValidationError(_("该人员在此期间已担任相同的岗位职责。"))


@transaction.atomic
def create_duty(
    *, actor, person, post: str, area: Area | None = None, point: Point | None = None, category=None,
    responsibilities: str = "", start_date: datetime.date | None = None, end_date: datetime.date | None = None,
) -> Duty:  # fmt: skip
    """Give a person a post answerable for an area, a point or a problem category (定人定岗定责)."""
    ensure_can_change(actor, Duty)
    duty = Duty(
        person=person, post=post, area=area, point=point, category=category,
        responsibilities=(responsibilities or "").strip(), start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )  # fmt: skip
    # The check constraint repeats clean()'s subject rule; the database still enforces it.
    duty.full_clean(validate_constraints=False)
    _check_duty_duplicate(duty)
    _save(duty, actor, clean=False)
    return duty


@transaction.atomic
def update_duty(*, actor, duty: Duty, **changes) -> Duty:
    ensure_can_change(actor, Duty)
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    apply_changes(duty, DUTY_FIELDS, changes)
    # The check constraint repeats clean()'s subject rule; the database still enforces it.
    duty.full_clean(validate_constraints=False)
    _check_duty_duplicate(duty)
    _save(duty, actor, clean=False)
    return duty


@transaction.atomic
def end_duty(*, actor, duty: Duty, end_date: datetime.date | None = None) -> Duty:
    """End a duty on `end_date` (default today); the row stays as history of who answered for what."""
    ensure_can_change(actor, Duty)
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    end_date = end_date or timezone.localdate()
    if duty.end_date is not None and duty.end_date <= end_date:
        raise ValidationError(_("该岗位职责已于 %(date)s 结束。") % {"date": duty.end_date.isoformat()})
    if end_date < duty.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    duty.end_date = end_date
    _save(duty, actor)
    return duty


@transaction.atomic
def ensure_point_owner_duty(*, actor, point: Point) -> Duty | None:
    """Make the point's responsible person its current 点位责任人 duty holder (no-op when already so)."""
    if point.responsible_person_id is None:
        return None
    current = Duty.objects.current().filter(
        point=point, post=Post.POINT_OWNER, person_id=point.responsible_person_id
    )
    if current.exists():
        return current.first()
    return create_duty(actor=actor, person=point.responsible_person, post=Post.POINT_OWNER, point=point)


@dataclass
class RowError:
    """One problem in an imported file: 1-based spreadsheet row, column header and a Chinese message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return _("文件：%(message)s") % {"message": self.message}
        return _("第 %(row)s 行【%(column)s】：%(message)s") % {
            "row": self.row, "column": self.column or "-", "message": self.message,
        }  # fmt: skip


class ImportRejected(Exception):
    """The whole file was refused; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors
