"""Office-style point sheets: units and areas by name or common abbreviation, with suggestions when unknown."""

import pytest

from tests.factories import make_point_type, make_unit
from tests.geo.helpers import LAT0, LON0, build_district, xlsx_bytes
from wenming.core.names import NameIndex, NameNotFound, core_keys
from wenming.geo.imports import import_points
from wenming.geo.models import Point
from wenming.geo.services import ImportRejected

OFFICE_HEADER = ["点位编码", "点位名称", "类型", "经度", "纬度", "所属社区", "责任单位", "责任人"]


@pytest.fixture
def world(db):
    d = build_district()
    make_point_type(code="BJXX", name="背街小巷")
    units = {
        "szyl": make_unit(code="QS-SZYL", name="厦门市湖里区市政园林局", short_name="区市政园林局"),
        "cgj": make_unit(code="QS-CGJ", name="厦门市湖里区城市管理局", short_name="区城市管理局"),
        "community": make_unit(code="JW-HL", name="湖里社区居委会"),
        "street": make_unit(code="JD-HL", name="湖里街道办事处"),
    }
    return d, units


def test_abbreviated_forms_of_a_name():
    assert core_keys("厦门市湖里区市政园林局") == {"厦门市湖里区市政园林局", "市政园林局"}
    assert core_keys("区市政园林局") == {"区市政园林局", "市政园林局"}
    assert core_keys("湖里社区居委会") == {"湖里社区居委会", "湖里社区", "湖里"}
    assert core_keys("湖里街道办事处") == {"湖里街道办事处", "湖里街道", "湖里"}


def test_an_office_sheet_with_names_imports_like_one_with_codes(world):
    d, units = world
    rows = [
        # a community named by the office that contains the located grid: the grid, not an override
        ["HL-101", "甲一路", "背街小巷", LON0 + 0.004, LAT0 + 0.004, "甲一社区", "区市政园林局", "王芳"],
        # 湖里区市政园林局 and ＱＳ－ＣＧＪ (full-width) are the same units; 乙一 is 乙一社区
        ["HL-102", "乙一巷", "背街小巷", LON0 + 0.03, LAT0 + 0.01, "乙一", "湖里区市政园林局", ""],
        ["HL-103", "乙二巷", "背街小巷", LON0 + 0.031, LAT0 + 0.011, "", "ＱＳ－ＣＧＪ", ""],
    ]
    result = import_points(actor=None, data=xlsx_bytes(OFFICE_HEADER, rows), filename="office.xlsx")
    assert result.created == 3
    first, second, third = (Point.objects.get(code=c) for c in ("HL-101", "HL-102", "HL-103"))
    assert (first.area, first.area_overridden, first.responsible_unit) == (d.grid_a1, False, units["szyl"])
    assert first.responsible_person.name == "王芳" and first.responsible_person.unit == units["szyl"]
    assert (second.area, second.area_overridden, second.responsible_unit) == (
        d.community_b1,
        False,
        units["szyl"],
    )
    assert third.responsible_unit == units["cgj"]


def test_unknown_and_ambiguous_names_are_refused_with_the_closest_matches(world):
    rows = [
        ["HL-201", "甲一路", "背街小巷", LON0 + 0.004, LAT0 + 0.004, "甲一社区", "市政园林", ""],
        ["HL-202", "甲二路", "背街小巷", LON0 + 0.004, LAT0 + 0.004, "甲一社区", "湖里", ""],
        ["HL-203", "甲三路", "背街小巷", LON0 + 0.004, LAT0 + 0.004, "丙一社区", "区城市管理局", ""],
    ]
    with pytest.raises(ImportRejected) as exc:
        import_points(actor=None, data=xlsx_bytes(OFFICE_HEADER, rows), filename="office.xlsx")
    errors = [(e.row, e.column, e.message) for e in exc.value.errors]
    assert errors == [
        (2, "责任单位编码", "未知单位“市政园林”。您是否要找：厦门市湖里区市政园林局（QS-SZYL）？"),
        (
            3,
            "责任单位编码",
            "单位“湖里”对应多个：湖里社区居委会（JW-HL）、湖里街道办事处（JD-HL）。请填写编码或全称。",
        ),
        (
            4,
            "所属区域编码",
            "未知区域“丙一社区”。您是否要找：甲街道·甲一社区（350206001001）、乙街道·乙一社区（350206002001）、"
            "甲一社区·甲一社区第1网格（350206001001001）？",
        ),
    ]
    assert not Point.objects.exists()


def test_the_index_prefers_the_code_then_the_exact_name_then_the_abbreviation():
    class U:
        def __init__(self, code, name):
            self.code, self.name = code, name

    # "市政园林局" is the exact name of one unit and the abbreviation of another: the exact name wins.
    exact, abbreviated = U("A", "市政园林局"), U("B", "厦门市湖里区市政园林局")
    index = NameIndex([exact, abbreviated], code=lambda u: u.code, names=lambda u: (u.name,),
                      label=lambda u: u.name, noun="单位")  # fmt: skip
    assert index.resolve("市政园林局") is exact
    assert index.resolve("b") is abbreviated
    # "湖里区市政园林局" abbreviates to "市政园林局", which both answer to: ambiguous, both listed.
    with pytest.raises(NameNotFound, match="对应多个：厦门市湖里区市政园林局、市政园林局"):
        index.resolve("湖里区市政园林局")
    with pytest.raises(NameNotFound):
        index.resolve("")


def test_the_area_import_accepts_the_unit_by_name(db):
    from tests.geo.test_area_import import _tree
    from wenming.geo.imports import import_areas
    from wenming.geo.models import Area

    unit = make_unit(code="JD-JIA", name="甲街道办事处")
    rows = _tree()
    rows[1]["unit_code"] = "甲街道"  # the office writes the street office's name, abbreviated
    import_areas(actor=None, rows=rows)
    assert Area.objects.get(code="350206001000").unit == unit
