import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_point, make_unit
from tests.geo.helpers import LAT0, LON0, build_district, rect
from wenming.geo.imports import area_rows_from_geojson, import_areas
from wenming.geo.models import Area, Point
from wenming.geo.services import ImportRejected


def _tree():
    # given in children-first order, to show that the import orders parents itself
    return [
        {"code": "350206001001", "name": "甲一社区", "level": "社区", "parent_code": "350206001000",
         "boundary": rect(LON0, LAT0, 0.02, 0.01), "population": "3000"},
        {"code": "350206001000", "name": "甲街道", "level": "street", "parent_code": "350206",
         "boundary": rect(LON0, LAT0, 0.02, 0.02), "unit_code": "JD"},
        {"code": "350206", "name": "测试区", "level": "区", "boundary": rect(LON0, LAT0, 0.04, 0.02),
         "is_synthetic": True},
    ]  # fmt: skip


def test_import_areas_builds_the_tree_in_any_order(db):
    unit = make_unit(code="JD")
    areas = import_areas(actor=None, rows=_tree())
    assert [a.code for a in areas] == ["350206", "350206001000", "350206001001"]
    community = Area.objects.get(code="350206001001")
    assert community.path == "/{}/{}/{}/".format(*[a.pk for a in areas])
    assert community.population == 3000
    assert Area.objects.get(code="350206001000").unit == unit
    assert Area.objects.get(code="350206").boundary_is_synthetic is True
    # running it again changes nothing (idempotent update)
    import_areas(actor=None, rows=_tree())
    assert Area.objects.count() == 3


def test_import_areas_refuses_cycles_and_writes_nothing(db):
    # given rows whose parents form a loop
    rows = [
        {"code": "350206001001", "name": "甲", "level": "community", "parent_code": "350206001002"},
        {"code": "350206001002", "name": "乙", "level": "community", "parent_code": "350206001001"},
    ]
    with pytest.raises(ImportRejected) as exc:
        import_areas(actor=None, rows=rows)
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [
        (1, "parent_code", "上级区域形成循环引用（350206001001）。"),
        (2, "parent_code", "上级区域形成循环引用（350206001002）。"),
    ]
    assert not Area.objects.exists()


def test_import_areas_refuses_a_cycle_through_existing_areas(db):
    d = build_district()
    paths = dict(Area.objects.values_list("code", "path"))
    rows = [{"code": d.street_a.code, "name": "甲街道", "level": "street", "parent_code": d.grid_a1.code}]
    with pytest.raises(ImportRejected) as exc:
        import_areas(actor=None, rows=rows)
    assert exc.value.errors[0].message == "上级区域形成循环引用（350206001000）。"
    assert dict(Area.objects.values_list("code", "path")) == paths


def test_import_areas_reports_bad_rows(db):
    rows = [
        {"code": "", "name": "", "level": "省", "parent_code": "999"},
        {"code": "350206", "name": "区", "level": "district", "population": "many", "unit_code": "NOPE",
         "boundary": {"type": "Point", "coordinates": [1, 2]}},
        {"code": "350206", "name": "区2", "level": "district"},
    ]  # fmt: skip
    with pytest.raises(ImportRejected) as exc:
        import_areas(actor=None, rows=rows)
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [
        (1, "code", "区域编码不能为空。"),
        (1, "name", "区域名称不能为空。"),
        (1, "level", "未知区域层级“省”（区、街道、社区或网格）。"),
        (1, "parent_code", "上级区域编码 999 不存在。"),
        (2, "population", "必须是非负整数。"),
        (2, "unit_code", "未知单位“NOPE”。"),
        (2, "boundary", "边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"),
        (3, "code", "区域编码 350206 与第 2 行重复。"),
    ]
    assert not Area.objects.exists()


def test_import_areas_level_mismatch_rolls_back(db):
    rows = [
        {"code": "350206", "name": "区", "level": "district"},
        {"code": "350206001001001", "name": "网格", "level": "grid", "parent_code": "350206"},
    ]
    with pytest.raises(ImportRejected) as exc:
        import_areas(actor=None, rows=rows)
    assert [(e.row, e.message) for e in exc.value.errors] == [(2, "网格的上级必须是社区。")]
    assert not Area.objects.exists()


def test_import_areas_command_reassigns_points(db, tmp_path):
    point = make_point(lat=LAT0 + 0.005, lon=LON0 + 0.005)
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": row.pop("boundary"), "properties": row} for row in _tree()
    ]}  # fmt: skip
    for feature in collection["features"]:
        feature["properties"].pop("unit_code", None)
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    call_command("import_areas", str(path))
    assert Point.objects.get(pk=point.pk).area.code == "350206001001"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_areas", str(path))
    with pytest.raises(ImportRejected):
        area_rows_from_geojson([])
