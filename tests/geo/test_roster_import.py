"""People and duties from an office's sheet, by names and abbreviations (geo/roster.py)."""

import pytest

from tests.factories import make_category, make_point, make_point_type, make_unit
from tests.geo.helpers import build_district, xlsx_bytes
from wenming.geo.choices import Post
from wenming.geo.models import Duty
from wenming.geo.roster import import_roster
from wenming.geo.services import ImportRejected
from wenming.org.models import Person

HEADER = ["姓名", "单位", "联系电话", "职务", "岗位", "所属社区", "点位", "类别"]


@pytest.fixture
def world(db):
    d = build_district()
    units = {
        "szyl": make_unit(code="QS-SZYL", name="厦门市湖里区市政园林局", short_name="区市政园林局"),
        "jia1": make_unit(code="JW-JIA1", name="甲一社区居委会"),
    }
    point = make_point(code="P-001", name="甲一路", point_type=make_point_type(), area=d.grid_a1)
    category = make_category(code="ENV", name="环境卫生")
    return d, units, point, category


def test_an_office_roster_creates_people_and_duties_by_name(world):
    d, units, point, category = world
    rows = [
        ["林网格", "甲一社区", "13900000001", "网格员", "网格员", "甲一社区第1网格", "", ""],
        ["林网格", "JW-JIA1", "13900000001", "", "社区负责人", "甲一社区", "", ""],
        ["陈路长", "区市政园林局", "", "科员", "点位责任人", "", "甲一路", ""],
        ["吴专项", "湖里区市政园林局", "13900000003", "副局长", "专项负责人", "", "", "环境卫生"],
        ["黄科员", "市政园林局", "", "", "", "", "", ""],
    ]
    result = import_roster(actor=None, data=xlsx_bytes(HEADER, rows), filename="roster.xlsx")
    assert (result.persons_created, result.persons_reused, result.duties_created) == (4, 0, 4)
    lin = Person.objects.get(name="林网格")
    assert lin.unit == units["jia1"] and lin.phone == "13900000001"
    assert set(Duty.objects.filter(person=lin).values_list("post", "area")) == {
        (Post.GRID_WORKER, d.grid_a1.pk), (Post.COMMUNITY_LEAD, d.community_a1.pk),
    }  # fmt: skip
    assert Duty.objects.get(person__name="陈路长").point == point
    assert Duty.objects.get(person__name="吴专项").category == category
    assert Person.objects.get(name="黄科员").unit == units["szyl"]
    again = import_roster(actor=None, data=xlsx_bytes(HEADER, rows), filename="roster.xlsx")
    assert (again.persons_created, again.persons_reused, again.duties_created, again.duties_existing) == (
        0,
        4,
        0,
        4,
    )


def test_unknown_names_and_missing_subjects_are_reported_and_nothing_is_written(world):
    rows = [
        ["王五", "市政园林", "", "", "", "", "", ""],
        ["赵六", "甲一社区", "", "", "网格员", "", "", ""],
        ["钱七", "甲一社区", "电话不详", "", "队长", "", "", ""],
        ["孙八", "甲一社区", "", "", "网格员", "丙一社区", "", ""],
    ]
    with pytest.raises(ImportRejected) as exc:
        import_roster(actor=None, data=xlsx_bytes(HEADER, rows), filename="roster.xlsx")
    errors = [(e.row, e.column, e.message) for e in exc.value.errors]
    assert errors[0] == (2, "所属单位", "未知单位“市政园林”。您是否要找：厦门市湖里区市政园林局（QS-SZYL）？")
    assert errors[1] == (3, "岗位", "岗位需要且只能填写责任区域、责任点位、问题类别中的一项。")
    assert (errors[2][0], errors[2][1]) == (4, "手机号")
    assert errors[3][:2] == (4, "岗位") and "未知岗位“队长”" in errors[3][2]
    assert errors[4][:2] == (5, "责任区域") and errors[4][2].startswith("未知区域“丙一社区”。您是否要找：")
    assert not Person.objects.filter(name__in=["王五", "赵六", "钱七", "孙八"]).exists()


def test_the_command_imports_a_csv_roster(world, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "roster.csv"
    path.write_text("姓名,单位,岗位,所属社区\n林网格,甲一社区,网格员,甲一社区第1网格\n", encoding="utf-8")
    call_command("import_roster", str(path))
    assert "新增人员 1 名" in capsys.readouterr().out
    assert Duty.objects.filter(person__name="林网格", post=Post.GRID_WORKER).count() == 1


def test_units_import_with_parents_by_name_including_units_of_the_same_file(world):
    from wenming.geo.roster import import_units
    from wenming.org.models import Unit

    header = ["单位编码", "单位名称", "简称", "层级", "上级单位"]
    rows = [
        ["QS-SZYL-HW", "厦门市湖里区市政园林局环卫所", "区环卫所", "区属", "区市政园林局"],
        ["JW-JIA2", "甲二社区居委会", "", "社区", "甲街道"],  # the street office is further down the file
        ["JD-JIA", "甲街道办事处", "", "街道", ""],
        ["QS-SZYL", "厦门市湖里区市政园林局", "区市政园林局", "", ""],  # known code: updated, level kept
    ]
    result = import_units(actor=None, data=xlsx_bytes(header, rows), filename="units.xlsx")
    assert (result.created, result.updated) == (3, 1)
    assert Unit.objects.get(code="QS-SZYL-HW").parent.code == "QS-SZYL"
    assert Unit.objects.get(code="JW-JIA2").parent.code == "JD-JIA"
    assert Unit.objects.get(code="QS-SZYL").level == "district"

    bad = [["X-1", "某单位", "", "部门", "市政园林"]]
    with pytest.raises(ImportRejected) as exc:
        import_units(actor=None, data=xlsx_bytes(header, bad), filename="units.xlsx")
    messages = [(e.row, e.column, e.message) for e in exc.value.errors]
    assert messages[0][:2] == (2, "层级") and "未知层级“部门”" in messages[0][2]
    assert messages[1] == (
        2,
        "上级单位",
        "未知单位“市政园林”。您是否要找：厦门市湖里区市政园林局（QS-SZYL）、厦门市湖里区市政园林局环卫所（QS-SZYL-HW）？",
    )
    assert not Unit.objects.filter(code="X-1").exists()


def test_the_upload_page_imports_or_lists_every_error(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_user
    from tests.permissions import assert_matrix

    office = make_user("office")
    assert_matrix(client, "/geo/import/people/", {"anonymous": 302, make_user("leader"): 403, office: 200})
    client.force_login(office)
    assert client.get("/geo/import/other/").status_code == 404
    good = SimpleUploadedFile("r.csv", "姓名,单位\n黄科员,区市政园林局\n".encode())
    assert client.post("/geo/import/people/", {"file": good}).status_code == 302
    assert Person.objects.get(name="黄科员").unit.code == "QS-SZYL"
    bad = SimpleUploadedFile("u.csv", "单位编码,单位名称,层级,上级单位\nX-1,某单位,区属,市政园林\n".encode())
    response = client.post("/geo/import/units/", {"file": bad})
    assert response.status_code == 400
    assert "您是否要找：厦门市湖里区市政园林局（QS-SZYL）" in response.content.decode()
