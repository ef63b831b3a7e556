import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_person, make_point, make_point_type, make_unit, make_user
from tests.geo.helpers import LAT0, LON0, build_district, csv_bytes, xlsx_bytes
from wenming.core.coords import from_wgs84
from wenming.geo.choices import Post
from wenming.geo.exports import export_points_xlsx
from wenming.geo.imports import import_points
from wenming.geo.models import Duty, Point
from wenming.geo.services import ImportRejected
from wenming.org.models import Person

HEADER = [
    "点位编码",
    "点位名称",
    "点位类型",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "责任单位编码",
    "责任人姓名",
    "责任人电话",
]


@pytest.fixture
def world(db):
    d = build_district()
    point_type = make_point_type(code="BJXX", name="背街小巷")
    unit = make_unit(code="U-STREET-A", name="甲街道办事处")
    return d, point_type, unit


def _counts():
    return Point.objects.count(), Person.objects.count(), Duty.objects.count()


def _errors(data: bytes, filename: str = "points.xlsx", **kw):
    with pytest.raises(ImportRejected) as exc:
        import_points(actor=None, data=data, filename=filename, **kw)
    return [(e.row, e.column, e.message) for e in exc.value.errors]


def test_xlsx_import_converts_gcj02_assigns_areas_and_names_people(world):
    # given a sheet with one GCJ-02 row (AMap) inside the grid and one WGS-84 row in community B1
    d, point_type, unit = world
    gcj_lat, gcj_lon = from_wgs84(LAT0 + 0.004, LON0 + 0.004, "GCJ02")
    rows = [
        [
            "HL-001",
            "甲一路",
            "背街小巷",
            "甲一路 1 号",
            gcj_lon,
            gcj_lat,
            "GCJ-02",
            "U-STREET-A",
            "王芳",
            "13900001234",
        ],
        ["HL-002", "乙一巷", "BJXX", "", LON0 + 0.03, LAT0 + 0.01, "", "", "", ""],
    ]
    # when
    result = import_points(actor=None, data=xlsx_bytes(HEADER, rows), filename="points.xlsx")
    # then
    assert (result.created, result.updated, result.persons_created, result.duties_created) == (2, 0, 1, 1)
    first = Point.objects.get(code="HL-001")
    assert first.lat == pytest.approx(LAT0 + 0.004, abs=1e-6)
    assert first.lon == pytest.approx(LON0 + 0.004, abs=1e-6)
    assert first.coord_system == "GCJ02"
    assert first.area == d.grid_a1
    assert first.responsible_unit == unit
    assert (first.responsible_person.name, first.responsible_person.phone) == ("王芳", "13900001234")
    assert first.responsible_person.unit == unit
    assert Duty.objects.get(point=first).post == Post.POINT_OWNER
    second = Point.objects.get(code="HL-002")
    assert (second.area, second.coord_system, second.point_type) == (d.community_b1, "WGS84", point_type)
    assert Point.history.filter(code="HL-001").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_import_in_utf8_and_gbk(world, encoding):
    d, _, unit = world
    person = make_person(name="李雷", unit=unit)
    rows = [
        [
            "HL-101",
            "甲二街",
            "背街小巷",
            "甲二街",
            LON0 + 0.005,
            LAT0 + 0.015,
            "WGS84",
            "U-STREET-A",
            "李雷",
            "",
        ]
    ]
    result = import_points(actor=None, data=csv_bytes(HEADER, rows, encoding), filename="points.csv")
    assert (result.created, result.persons_created) == (1, 0)
    point = Point.objects.get(code="HL-101")
    assert (point.name, point.area, point.responsible_person) == ("甲二街", d.community_a2, person)


def test_bd09_row_lands_at_the_wgs84_position(world):
    bd_lat, bd_lon = from_wgs84(LAT0 + 0.012, LON0 + 0.012, "BD09")
    rows = [["HL-201", "百度点", "背街小巷", "", bd_lon, bd_lat, "百度", "", "", ""]]
    import_points(actor=None, data=xlsx_bytes(HEADER, rows), filename="p.xlsx")
    point = Point.objects.get(code="HL-201")
    assert (round(point.lat, 6), round(point.lon, 6), point.coord_system) == (
        round(LAT0 + 0.012, 6), round(LON0 + 0.012, 6), "BD09")  # fmt: skip


def test_bad_rows_are_all_reported_and_nothing_is_written(world):
    make_point(code="HL-OLD")
    before = _counts()
    rows = [
        ["HL-1", "", "不存在的类型", "", "abc", LAT0, "", "NOPE", "", ""],
        ["HL-1", "重复", "背街小巷", "", -0.12, 51.5, "", "", "", ""],
        ["HL-OLD", "已有", "背街小巷", "", LON0, LAT0, "UTM", "", "", ""],
        ["HL-4", "无单位责任人", "背街小巷", "", LON0, LAT0, "", "", "韩梅梅", "12ab"],
        ["HL-5", "经纬反了", "背街小巷", "", LAT0, LON0, "", "", "", ""],
    ]
    errors = _errors(xlsx_bytes(HEADER, rows))
    assert errors == [
        (2, "点位名称", "不能为空。"),
        (2, "点位类型", "未知点位类型“不存在的类型”（填写类型名称或编码）。"),
        (2, "经度", "经度必须是数字。"),
        (2, "责任单位编码", "未知单位“NOPE”。"),
        (3, "经度/纬度", "坐标（纬度 51.5，经度 -0.12）不在中国境内。"),
        (3, "点位编码", "点位编码 HL-1 与第 2 行重复。"),
        (4, "坐标系", "未知坐标系“UTM”，可用：WGS84、GCJ02、BD09、CGCS2000。"),
        (4, "点位编码", "点位编码 HL-OLD 已存在于系统中；如需更新已有点位，请勾选“更新已有点位”。"),
        (5, "责任人电话", "电话号码格式不正确。"),
        (5, "责任人姓名", "填写责任人时必须同时填写责任单位编码（责任人属于该单位）。"),
        (6, "经度/纬度", "坐标不在中国境内：经度和纬度可能填反了。"),
    ]
    assert _counts() == before


def test_unknown_and_missing_columns(world):
    before = _counts()
    errors = _errors(
        xlsx_bytes(["点位编码", "名称", "点位类型", "经度", "纬度", "点位编码"], [["A", "B", "C", 1, 2, "A"]])
    )
    assert errors == [
        (1, "名称", "未知列名。可用列：点位编码、点位名称、点位类型、地址、经度、纬度、坐标系、所属区域编码、责任单位编码、包保单位编码、责任人姓名、责任人电话、状态、备注"),
        (1, "点位编码", "表头列名重复。"),
        (1, "点位名称", "缺少必填列。"),
    ]  # fmt: skip
    assert _counts() == before


def test_duplicate_codes_update_existing_when_asked(world):
    d, _, unit = world
    old = make_point(code="HL-OLD", name="旧名", lat=LAT0 + 0.005, lon=LON0 + 0.005)
    rows = [["HL-OLD", "新名", "背街小巷", LON0 + 0.03, LAT0 + 0.01]]
    data = xlsx_bytes(["点位编码", "点位名称", "点位类型", "经度", "纬度"], rows)
    assert _errors(data)[0][2].startswith("点位编码 HL-OLD 已存在于系统中")
    result = import_points(actor=None, data=data, filename="p.xlsx", update_existing=True)
    assert (result.created, result.updated) == (0, 1)
    old.refresh_from_db()
    assert (old.name, old.area) == ("新名", d.community_b1)


def test_area_code_column_overrides_only_when_it_differs(world):
    d, _, _ = world
    header = ["点位编码", "点位名称", "点位类型", "经度", "纬度", "所属区域编码"]
    rows = [
        ["HL-1", "同", "背街小巷", LON0 + 0.005, LAT0 + 0.005, "350206001001001"],
        ["HL-2", "异", "背街小巷", LON0 + 0.005, LAT0 + 0.005, "350206002000"],
        ["HL-3", "错", "背街小巷", LON0 + 0.005, LAT0 + 0.005, "999"],
    ]
    assert _errors(xlsx_bytes(header, rows)) == [(4, "所属区域编码", "未知区域“999”。")]
    import_points(actor=None, data=xlsx_bytes(header, rows[:2]), filename="p.xlsx")
    same, other = Point.objects.get(code="HL-1"), Point.objects.get(code="HL-2")
    assert (same.area, same.area_overridden) == (d.grid_a1, False)
    assert (other.area, other.area_overridden) == (d.street_b, True)


def test_ambiguous_person_needs_a_phone(world):
    _, _, unit = world
    make_person(name="张伟", unit=unit, phone="13900000001")
    make_person(name="张伟", unit=unit, phone="13900000002")
    row = ["HL-1", "x", "背街小巷", "", LON0, LAT0, "", "U-STREET-A", "张伟", ""]
    assert _errors(xlsx_bytes(HEADER, [row])) == [
        (2, "责任人姓名", "该单位有多名叫“张伟”的人员，请填写责任人电话以区分。")]  # fmt: skip
    row[-1] = "13900000002"
    import_points(actor=None, data=xlsx_bytes(HEADER, [row]), filename="p.xlsx")
    assert Point.objects.get(code="HL-1").responsible_person.phone == "13900000002"


def _zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_malformed_xlsx_files_are_refused(world, settings):
    before = _counts()
    valid = xlsx_bytes(HEADER, [["A", "B", "背街小巷", "", LON0, LAT0, "", "", "", ""]])
    assert _errors(b"PK\x03\x04 not really") == [
        (0, "", "不是有效的 XLSX 文件（文件不是 zip 格式，可能是旧版 .xls 或已损坏）。")
    ]
    assert _errors(b"") == [(0, "", "文件为空。")]
    assert _errors(valid, filename="points.xls") == [(0, "", "只支持 .xlsx 或 .csv 文件。")]
    assert _errors(_zip_with({"a.txt": b"hello"})) == [(0, "", "不是有效的 XLSX 文件（缺少工作表）。")]
    broken = _zip_with({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"<not-xml"})
    assert _errors(broken) == [(0, "", "无法读取 XLSX 文件内容（文件已损坏或格式不正确）。")]
    # zip bomb: a member that inflates a thousandfold
    with zipfile.ZipFile(io.BytesIO(valid)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    bomb = _zip_with(members | {"xl/media/filler.xml": b"0" * 5_000_000})
    assert _errors(bomb) == [(0, "", "XLSX 文件压缩比异常（疑似压缩炸弹），已拒绝。")]
    # entity expansion
    dtd = _zip_with(
        members | {"xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x/>'}
    )
    assert _errors(dtd) == [(0, "", "XLSX 文件包含不允许的 XML 声明，已拒绝。")]
    # total uncompressed size over the cap
    settings.UPLOAD_MAX_XLSX_BYTES = len(valid) + 100
    assert _errors(valid)[0][2].startswith("XLSX 解压后过大")
    settings.UPLOAD_MAX_XLSX_BYTES = 100
    assert _errors(valid) == [(0, "", "文件过大（上限 0.0 MB）。")]
    assert _counts() == before


def test_row_cap(world, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [[f"HL-{i}", "x", "背街小巷", "", LON0, LAT0, "", "", "", ""] for i in range(3)]
    assert _errors(xlsx_bytes(HEADER, rows)) == [(0, "", "数据行数超过上限 2 行，请拆分文件后导入。")]
    assert _errors(csv_bytes(HEADER, rows), "p.csv") == [(0, "", "数据行数超过上限 2 行，请拆分文件后导入。")]
    assert not Point.objects.exists()


def test_csv_with_unknown_encoding_and_no_rows(world):
    assert _errors("点位编码".encode("utf-16"), "p.csv") == [
        (0, "", "无法识别 CSV 文件编码（支持 UTF-8 和 GBK）。")
    ]
    assert _errors(csv_bytes(HEADER, []), "p.csv") == [(0, "", "文件中没有数据行。")]


def test_export_round_trips_through_import(world):
    # given imported points
    _, _, unit = world
    rows = [
        [
            "HL-1",
            "甲一路",
            "背街小巷",
            "地址",
            LON0 + 0.004,
            LAT0 + 0.004,
            "WGS84",
            "U-STREET-A",
            "王芳",
            "13900001234",
        ]
    ]
    import_points(actor=None, data=xlsx_bytes(HEADER, rows), filename="p.xlsx")
    # when exported and re-imported as an update
    data = export_points_xlsx(Point.objects.all())
    result = import_points(actor=None, data=data, filename="export.xlsx", update_existing=True)
    # then nothing changes but the count of updated rows
    assert (result.created, result.updated, result.persons_created, result.duties_created) == (0, 1, 0, 0)
    point = Point.objects.get(code="HL-1")
    assert (point.area_overridden, point.responsible_person.name, point.status) == (False, "王芳", "active")


def test_import_needs_office(world):
    handler = make_user("unit_handler", unit=make_unit())
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_points(actor=handler, data=b"x", filename="p.csv")


def test_import_points_command(world, tmp_path):
    good = tmp_path / "points.csv"
    good.write_bytes(
        csv_bytes(HEADER, [["HL-9", "x", "背街小巷", "", LON0, LAT0 + 0.001, "", "", "", ""]], "gbk")
    )
    call_command("import_points", str(good))
    assert Point.objects.filter(code="HL-9").exists()
    with pytest.raises(CommandError, match="导入失败：共 1 个错误，未写入任何数据。"):
        call_command("import_points", str(good))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_points", str(tmp_path / "missing.csv"))
