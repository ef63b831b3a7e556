import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    make_area,
    make_category,
    make_person,
    make_point,
    make_point_type,
    make_unit,
    make_user,
)
from tests.geo.helpers import LAT0, LON0, build_district, rect
from wenming.core.coords import from_wgs84
from wenming.geo import services
from wenming.geo.choices import AreaLevel, Post
from wenming.geo.models import Area, Duty, Point

# --- areas ------------------------------------------------------------------------------------------


def test_create_area_computes_centroid_and_path(db):
    d = build_district()
    assert d.grid_a1.path == f"/{d.district.pk}/{d.street_a.pk}/{d.community_a1.pk}/{d.grid_a1.pk}/"
    assert d.community_a1.centroid_lat == pytest.approx(LAT0 + 0.005)
    assert d.community_a1.centroid_lon == pytest.approx(LON0 + 0.01)


@pytest.mark.parametrize(
    ("level", "code", "parent_name", "message"),
    [
        (AreaLevel.STREET, "350206003000", None, "街道必须指定上级区域。"),
        (AreaLevel.COMMUNITY, "350206001009", "district", "社区的上级必须是街道。"),
        (AreaLevel.COMMUNITY, "350206002009", "street_a", "编码 350206002009 的前 9 位应与上级区域编码 350206001000 一致。"),
        (AreaLevel.GRID, "3502060010010", "community_a1", "网格编码应为 15 位数字。"),
        (AreaLevel.DISTRICT, "350207", "district", "区（县）级区域不能有上级区域。"),
    ],
)  # fmt: skip
def test_create_area_refuses_bad_tree_and_codes(db, level, code, parent_name, message):
    d = build_district()
    before = Area.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_area(actor=None, code=code, name="新区域", level=level,
                             parent=getattr(d, parent_name) if parent_name else None)  # fmt: skip
    assert message in exc.value.messages
    assert Area.objects.count() == before


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("{not json", "边界不是有效的 JSON。"),
        ({"type": "Point", "coordinates": [118.1, 24.5]}, "边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"),
        ({"type": "Polygon", "coordinates": [[[118.1, 24.5], [118.2]]]}, "边界坐标格式不正确（应为 [经度, 纬度] 组成的闭合环）。"),
        (rect(-0.2, 51.5, 0.1, 0.1), "边界坐标不在中国境内（请确认为 WGS-84 的 [经度, 纬度] 顺序）。"),
        ({"type": "Polygon", "coordinates": [[[118.1, 24.5], [118.2, 24.6], [118.2, 24.5], [118.1, 24.6], [118.1, 24.5]]]},
         "边界多边形无效：Self-intersection[118.15 24.55]"),
    ],
)  # fmt: skip
def test_set_area_boundary_refuses_bad_geojson(db, boundary, message):
    area = make_area(boundary=rect(LON0, LAT0, 0.01, 0.01), centroid_lat=1.0)
    with pytest.raises(ValidationError) as exc:
        services.set_area_boundary(actor=None, area=area, boundary=boundary)
    assert exc.value.messages == [message]
    area.refresh_from_db()
    assert area.boundary == rect(LON0, LAT0, 0.01, 0.01)
    assert area.centroid_lat == 1.0


def test_set_area_boundary_accepts_a_feature_and_multipolygon(db):
    area = make_area()
    feature = {"type": "Feature", "properties": {}, "geometry": {
        "type": "MultiPolygon", "coordinates": [rect(LON0, LAT0, 0.01, 0.01)["coordinates"]]}}  # fmt: skip
    area = services.set_area_boundary(actor=None, area=area, boundary=feature, is_synthetic=True)
    assert area.boundary["type"] == "MultiPolygon"
    assert area.boundary_is_synthetic is True
    assert area.centroid_lon == pytest.approx(LON0 + 0.005)


def test_move_area_repaths_the_subtree(db):
    # given community A1 (with its grid) under street A
    d = build_district()
    # when it moves to street B
    moved = services.move_area(actor=None, area=d.community_a1, new_parent=d.street_b)
    # then it and its grid carry street B's path
    assert moved.path == f"{d.street_b.path}{d.community_a1.pk}/"
    d.grid_a1.refresh_from_db()
    assert d.grid_a1.path == f"{d.street_b.path}{d.community_a1.pk}/{d.grid_a1.pk}/"
    assert set(Area.objects.subtree(d.street_b).values_list("pk", flat=True)) == {
        d.street_b.pk, d.community_b1.pk, d.community_a1.pk, d.grid_a1.pk}  # fmt: skip


def test_move_area_refuses_cycles_and_wrong_levels(db):
    d = build_district()
    paths = dict(Area.objects.values_list("pk", "path"))
    with pytest.raises(ValidationError) as exc:
        services.move_area(actor=None, area=d.street_a, new_parent=d.community_a1)
    assert exc.value.messages == ["上级区域不能是本区域或其下级区域（循环引用）。"]
    with pytest.raises(ValidationError) as exc:
        services.move_area(actor=None, area=d.street_a, new_parent=d.street_a)
    assert exc.value.messages == ["上级区域不能是本区域或其下级区域（循环引用）。"]
    with pytest.raises(ValidationError) as exc:
        services.move_area(actor=None, area=d.grid_a1, new_parent=d.street_b)
    assert exc.value.messages == ["网格的上级必须是社区。"]
    assert dict(Area.objects.values_list("pk", "path")) == paths


def test_area_writes_need_office(db):
    d = build_district()
    street_user = make_user("street", area=d.street_a)
    with pytest.raises(PermissionDenied):
        services.update_area(actor=street_user, area=d.street_a, name="改名")
    office = make_user("office")
    assert services.update_area(actor=office, area=d.street_a, name="改名").name == "改名"
    assert Area.history.filter(id=d.street_a.pk).first().history_user == office


# --- points -----------------------------------------------------------------------------------------


def test_create_point_converts_gcj02_and_assigns_the_grid(db):
    # given a district and a position inside the grid, as an AMap (GCJ-02) user would give it
    d = build_district()
    wgs_lat, wgs_lon = LAT0 + 0.004, LON0 + 0.004
    gcj_lat, gcj_lon = from_wgs84(wgs_lat, wgs_lon, "GCJ02")
    # when
    point = services.create_point(actor=None, code="P-1", name="某路", point_type=make_point_type(),
                                  lat=gcj_lat, lon=gcj_lon, coord_system="GCJ-02")  # fmt: skip
    # then it is stored in WGS-84 with the system it arrived in, and lands in the grid
    assert point.lat == pytest.approx(wgs_lat, abs=1e-6)
    assert point.lon == pytest.approx(wgs_lon, abs=1e-6)
    assert point.coord_system == "GCJ02"
    assert point.area == d.grid_a1
    assert point.area_overridden is False


def test_create_point_with_chosen_area_is_an_override(db):
    d = build_district()
    point = services.create_point(actor=None, code="P-2", name="某点", point_type=make_point_type(),
                                  lat=LAT0 + 0.005, lon=LON0 + 0.005, area=d.street_b)  # fmt: skip
    assert point.area == d.street_b
    assert point.area_overridden is True


@pytest.mark.parametrize(
    ("lat", "lon", "system", "field", "message"),
    [
        (51.5, -0.12, "WGS84", "lat", "坐标（纬度 51.5，经度 -0.12）不在中国境内。"),
        (118.1, 24.5, "WGS84", "lat", "坐标不在中国境内：经度和纬度可能填反了。"),
        ("abc", 118.1, "WGS84", "lat", "纬度必须是数字。"),
        (24.5, 118.1, "UTM", "coord_system", "未知坐标系“UTM”，可用：WGS84、GCJ02、BD09、CGCS2000。"),
    ],
)  # fmt: skip
def test_create_point_refuses_bad_positions(db, lat, lon, system, field, message):
    with pytest.raises(ValidationError) as exc:
        services.create_point(actor=None, code="P-X", name="x", point_type=make_point_type(), lat=lat, lon=lon,
                              coord_system=system)  # fmt: skip
    assert exc.value.message_dict == {field: [message]}
    assert not Point.objects.exists()


def test_create_point_refuses_duplicate_code(db):
    make_point(code="P-1")
    with pytest.raises(ValidationError) as exc:
        services.create_point(
            actor=None, code=" P-1 ", name="x", point_type=make_point_type(), lat=24.5, lon=118.1
        )
    assert exc.value.message_dict == {"code": ["点位编码 P-1 已存在。"]}
    assert Point.objects.count() == 1


def test_update_point_moves_and_reassigns_unless_overridden(db):
    d = build_district()
    point = services.create_point(actor=None, code="P-1", name="x", point_type=make_point_type(),
                                  lat=LAT0 + 0.005, lon=LON0 + 0.005)  # fmt: skip
    assert point.area == d.grid_a1
    point = services.update_point(actor=None, point=point, lat=LAT0 + 0.005, lon=LON0 + 0.03)
    assert point.area == d.community_b1
    point = services.update_point(actor=None, point=point, area=d.street_a)
    assert (point.area, point.area_overridden) == (d.street_a, True)
    point = services.update_point(actor=None, point=point, lat=LAT0 + 0.005, lon=LON0 + 0.005)
    assert point.area == d.street_a  # override kept
    point = services.update_point(actor=None, point=point, area=None)
    assert (point.area, point.area_overridden) == (d.grid_a1, False)


def test_update_point_same_wgs_position_keeps_the_arrival_system(db):
    point = services.create_point(actor=None, code="P-1", name="x", point_type=make_point_type(),
                                  lat=24.51, lon=118.14, coord_system="BD09")  # fmt: skip
    point = services.update_point(actor=None, point=point, lat=point.lat, lon=point.lon, name="新名")
    assert (point.coord_system, point.name) == ("BD09", "新名")


def test_update_point_needs_both_coordinates(db):
    point = make_point()
    with pytest.raises(ValidationError) as exc:
        services.update_point(actor=None, point=point, lat=24.6)
    assert exc.value.message_dict == {"lat": ["修改位置时必须同时提供经度和纬度。"]}


# --- duties -----------------------------------------------------------------------------------------


def test_create_and_end_duty(db):
    person = make_person()
    point = make_point()
    duty = services.create_duty(actor=None, person=person, post=Post.POINT_OWNER, point=point,
                                start_date=datetime.date(2026, 1, 1))  # fmt: skip
    assert list(Duty.objects.current(datetime.date(2026, 6, 1))) == [duty]
    ended = services.end_duty(actor=None, duty=duty, end_date=datetime.date(2026, 3, 1))
    assert ended.end_date == datetime.date(2026, 3, 1)
    assert not Duty.objects.current(datetime.date(2026, 6, 1)).exists()
    with pytest.raises(ValidationError) as exc:
        services.end_duty(actor=None, duty=ended, end_date=datetime.date(2026, 4, 1))
    assert exc.value.messages == ["该岗位职责已于 2026-03-01 结束。"]


def test_create_duty_refuses_missing_subject_bad_dates_and_duplicates(db):
    person = make_person()
    area = make_area(level=AreaLevel.GRID, parent=None)
    with pytest.raises(ValidationError) as exc:
        services.create_duty(actor=None, person=person, post=Post.GRID_WORKER)
    assert exc.value.messages == ["岗位职责必须指定负责的区域、点位或问题类别。"]
    with pytest.raises(ValidationError) as exc:
        services.create_duty(actor=None, person=person, post=Post.GRID_WORKER, area=area,
                             start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2026, 1, 1))  # fmt: skip
    assert exc.value.message_dict == {"end_date": ["结束日期不能早于开始日期。"]}
    services.create_duty(actor=None, person=person, post=Post.GRID_WORKER, area=area)
    with pytest.raises(ValidationError) as exc:
        services.create_duty(actor=None, person=person, post=Post.GRID_WORKER, area=area)
    assert exc.value.messages == ["该人员在此期间已担任相同的岗位职责。"]
    assert Duty.objects.count() == 1
    # a category duty is fine
    services.create_duty(actor=None, person=person, post=Post.CATEGORY_LEAD, category=make_category())
    assert Duty.objects.count() == 2


def test_ensure_point_owner_duty_is_idempotent(db):
    person = make_person()
    point = make_point(responsible_person=person)
    first = services.ensure_point_owner_duty(actor=None, point=point)
    assert services.ensure_point_owner_duty(actor=None, point=point) == first
    assert Duty.objects.filter(point=point, post=Post.POINT_OWNER).count() == 1
    assert services.ensure_point_owner_duty(actor=None, point=make_point()) is None


def test_point_writes_need_office(db):
    unit = make_unit()
    handler = make_user("unit_handler", unit=unit)
    with pytest.raises(PermissionDenied):
        services.create_point(
            actor=handler, code="P", name="x", point_type=make_point_type(), lat=24.5, lon=118.1
        )
    assert not Point.objects.exists()
