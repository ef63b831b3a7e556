"""Import and export: round trips in both formats, and every bad input refused whole with located problems."""

import io
import zipfile

import pytest
import yaml

from tests.factories import make_group, make_unit, make_user
from tests.standards.factories import edit_xlsx, import_small, small_doc, snapshot, to_xlsx, to_yaml
from wenming.standards.models import Criterion, Indicator, PointType, ProblemCategory, StandardSet
from wenming.standards.services import (
    StandardImportError,
    export_standard,
    import_standard,
    load_default_standard,
)
from wenming.standards.transfer import ImportProblem

pytestmark = pytest.mark.django_db


def problems_of(data: bytes, fmt: str) -> list[ImportProblem]:
    """Import `data`, expect a refusal that changed nothing, return the problems."""
    before = snapshot()
    with pytest.raises(StandardImportError) as info:
        import_standard(actor=None, file=data, fmt=fmt)
    assert snapshot() == before
    return info.value.problems


def located(problems) -> set[tuple]:
    return {(p.sheet, p.row, p.column) for p in problems}


# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "yaml"])
def test_default_standard_round_trips_identically(fmt):
    # given the default standard exported
    standard_set = load_default_standard()
    first = export_standard(standard_set=standard_set, fmt=fmt)
    # when the set steps aside (its code changed: sets are never overwritten) and the export is imported back
    StandardSet.objects.filter(pk=standard_set.pk).update(code="OLD", is_active=False)
    again = import_standard(actor=None, file=first, fmt=fmt)
    # then the second export is byte-for-byte the first
    assert export_standard(standard_set=again, fmt=fmt) == first
    assert again.code == "HULI-2021-DEMO"
    assert Criterion.objects.filter(standard_set=again).count() >= 220


def test_xlsx_and_yaml_describe_the_same_standard():
    # given the small standard imported from YAML and exported as XLSX
    standard_set = import_small()
    yaml_first = export_standard(standard_set=standard_set, fmt="yaml")
    xlsx = export_standard(standard_set=standard_set, fmt="xlsx")
    StandardSet.objects.filter(pk=standard_set.pk).update(code="OLD")
    # when the XLSX is imported
    again = import_standard(actor=None, file=xlsx, fmt="xlsx")
    # then its YAML export equals the original YAML export
    assert export_standard(standard_set=again, fmt="yaml") == yaml_first


def test_export_is_the_template_office_keeps():
    import openpyxl

    standard_set = import_small()
    workbook = openpyxl.load_workbook(io.BytesIO(export_standard(standard_set=standard_set, fmt="xlsx")))
    assert workbook.sheetnames == [
        "说明",
        "测评项目",
        "测评指标",
        "测评内容",
        "测评标准",
        "点位类型",
        "通用模块",
        "问题分类",
    ]
    criteria = workbook["测评标准"]
    assert [c.value for c in criteria[1]] == [
        "编号",
        "测评内容编号",
        "测评标准",
        "分值",
        "测评方法",
        "适用点位类型",
        "通用模块",
        "点内抽样说明",
        "评分规则",
        "规则参数",
        "问题分类",
    ]
    assert [c.value for c in criteria[2]] == [
        "A01-01-01",
        "A01-01",
        "路面无暴露垃圾",
        1,
        "实地考察",
        "T_ROAD",
        None,
        "沿道路步行 500 米",
        "按次扣分（封顶）",
        '{"per_problem": 0.5, "cap": 1}',
        "ENV-T1",
    ]
    categories = workbook["问题分类"]
    assert [c.value for c in categories[3]][:7] == [
        "ENV-T1",
        "测试暴露垃圾",
        "ENV",
        "事件",
        "SG01",
        1,
        "工作日",
    ]
    assert categories[3][11].value == "路边有垃圾\n垃圾堆了三天"


def test_export_writes_rule_params_in_the_rules_order_whatever_order_the_database_returns():
    # given a criterion whose params come back from the database with sorted keys, as PostgreSQL's jsonb does
    standard_set = import_small()
    first = export_standard(standard_set=standard_set, fmt="yaml")
    criterion = Criterion.objects.get(standard_set=standard_set, code="A01-01-01")
    Criterion.objects.filter(pk=criterion.pk).update(rule_params={"cap": 1, "per_problem": 0.5})
    # when it is exported again
    again = export_standard(standard_set=standard_set, fmt="yaml")
    # then the file is the same: params are written in the rule's own order (per_problem, cap)
    assert again == first
    assert "rule_params: {per_problem: 0.5, cap: 1}" in again.decode()


def test_canonical_params_orders_by_rule_and_sorts_what_no_longer_validates():
    from decimal import Decimal

    from wenming.standards.transfer.plan import canonical_params

    sampled = {
        "unit": "条",
        "rates": {"C": 0, "A": 1, "B": 0.66},
        "grades": {"B": 4, "A": 5},
        "sample_size": 5,
    }
    assert list(canonical_params("sampled", sampled, Decimal(2)).items()) == [
        ("sample_size", 5),
        ("grades", {"A": 5, "B": 4}),
        ("fallback", "C"),
        ("rates", {"A": 1, "B": 0.66, "C": 0}),
        ("unit", "条"),
    ]
    assert list(canonical_params("sampled", sampled, Decimal(2))["grades"]) == ["A", "B"]
    # cap above the weight no longer validates: written as stored, keys sorted (nested too)
    stale = {"per_problem": 0.5, "cap": 3, "z": {"b": 1, "a": 2}}
    result = canonical_params("deduction", stale, Decimal(1))
    assert list(result) == ["cap", "per_problem", "z"] and list(result["z"]) == ["a", "b"]


def test_import_writes_the_tree_the_catalogues_and_links_existing_groups():
    group = make_group(code="SG01", lead_unit=make_unit())
    standard_set = import_small()
    assert standard_set.is_active is False
    assert list(
        Indicator.objects.filter(standard_set=standard_set).values_list("code", "level", "parent__code")
    ) == [
        ("A", 1, None),
        ("A01", 2, "A"),
        ("A01-01", 3, "A01"),
        ("A01-02", 3, "A01"),
        ("A01-03", 3, "A01"),
    ]
    spit = Criterion.objects.get(standard_set=standard_set, code="A01-02-01")
    assert (spit.block.code, spit.rule_params["letters"], spit.category.code) == (
        "COMMON",
        ["A", "B", "C", "C#"],
        "BEHAVIOR-T1",
    )
    road = Criterion.objects.get(standard_set=standard_set, code="A01-01-01")
    assert list(road.point_types.values_list("code", flat=True)) == ["T_ROAD"]
    assert road.rule_params == {"per_problem": 0.5, "cap": 1}
    env = ProblemCategory.objects.get(code="ENV-T1")
    assert (env.special_group, env.special_group_code, env.example_list()) == (
        group,
        "SG01",
        ["路边有垃圾", "垃圾堆了三天"],
    )
    # the eight top categories always exist, even those the file does not list
    assert ProblemCategory.objects.top_level().count() == 8


def test_import_updates_shared_catalogues_by_code():
    # given a first set, then a second file renaming a point type and moving a deadline
    import_small()
    doc = small_doc(code="T-2")
    doc["point_types"][0]["name"] = "测试主干道"
    doc["categories"][1]["deadline_value"] = 2
    # when
    import_standard(actor=None, file=to_yaml(doc), fmt="yaml")
    # then the catalogue entries are updated in place (same rows)
    assert PointType.objects.get(code="T_ROAD").name == "测试主干道"
    assert ProblemCategory.objects.get(code="ENV-T1").deadline_value == 2
    assert PointType.objects.filter(code="T_ROAD").count() == 1


def test_import_with_activate_switches_the_active_set():
    first = import_small()
    import_standard(actor=None, file=to_yaml(small_doc(code="T-2")), fmt="yaml", activate=True)
    assert list(StandardSet.objects.active().values_list("code", flat=True)) == ["T-2"]
    first.refresh_from_db()
    assert first.is_active is False


def test_import_by_a_user_who_may_not_change_is_refused():
    from django.core.exceptions import PermissionDenied

    leader = make_user("leader")
    with pytest.raises(PermissionDenied):
        import_standard(actor=leader, file=to_yaml(small_doc()), fmt="yaml")
    assert StandardSet.objects.count() == 0


# --- refused inputs: XLSX ---------------------------------------------------------------------------


def test_xlsx_missing_and_wrong_columns_are_reported_on_the_header_row():
    def rename(workbook):
        workbook["测评项目"]["C1"] = "权重"  # wrong header instead of 权数
        workbook["问题分类"].delete_cols(12)  # 示例描述 removed

    problems = problems_of(edit_xlsx(to_xlsx(small_doc()), rename), "xlsx")
    assert located(problems) == {
        ("测评项目", 1, "权重"),
        ("测评项目", 1, "权数"),
        ("问题分类", 1, "示例描述"),
    }
    messages = {p.message for p in problems}
    assert "未知列「权重」（本表的列：编号、名称、权数、测评方法）。" in messages
    assert "缺少列「权数」。" in messages


def test_xlsx_missing_sheet_is_reported():
    problems = problems_of(edit_xlsx(to_xlsx(small_doc()), lambda wb: wb.remove(wb["通用模块"])), "xlsx")
    # only the missing sheet: references into it are not reported again as unknown codes
    assert problems == [ImportProblem("通用模块", None, "", "缺少工作表「通用模块」。")]


def test_xlsx_every_problem_is_reported_with_sheet_row_and_column():
    def spoil(workbook):
        criteria = workbook["测评标准"]
        criteria["A3"] = "A01-01-01"  # duplicate code (row 3 repeats row 2)
        criteria["F2"] = "T_ROAD、NO_SUCH_TYPE"  # unknown point type
        criteria["K3"] = "ENV-99"  # unknown category
        criteria["J2"] = '{"per_problem": 0.5, "cap": 5}'  # cap above weight
        criteria["J3"] = '{"required": 2, '  # broken JSON
        workbook["测评指标"]["B2"] = "Z"  # unknown parent
        workbook["测评内容"]["D2"] = "abc"  # not a number
        workbook["测评内容"]["D3"] = -1  # negative
        workbook["测评内容"]["D4"] = 0.1234  # too many decimals

    problems = problems_of(edit_xlsx(to_xlsx(small_doc()), spoil), "xlsx")
    by_place = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert by_place[("测评标准", 3, "编号")] == "编码「A01-01-01」与第 2 行重复。"
    assert (
        by_place[("测评标准", 2, "适用点位类型")]
        == "未知点位类型「NO_SUCH_TYPE」（不在「点位类型」表，也不在系统中）。"
    )
    assert (
        by_place[("测评标准", 3, "问题分类")]
        == "问题分类「ENV-99」不存在（既不在「问题分类」表，也不在系统中）。"
    )
    assert by_place[("测评标准", 2, "规则参数")] == "cap（扣分上限）5 不能大于本条分值 1。"
    assert by_place[("测评标准", 3, "规则参数")].startswith("规则参数不是合法的 JSON")
    assert by_place[("测评指标", 2, "上级编号")] == "上级编号「Z」不存在于「测评项目」表。"
    assert by_place[("测评内容", 2, "权数")] == "「权数」必须是数字，却是「abc」。"
    assert by_place[("测评内容", 3, "权数")] == "「权数」必须不小于 0，却是 -1。"
    assert by_place[("测评内容", 4, "权数")] == "「权数」最多 3 位小数，却是 0.1234。"


def test_xlsx_weights_must_add_up_level_by_level():
    def spoil(workbook):
        workbook["测评项目"]["C2"] = 5  # children sum to 4
        workbook["测评标准"]["D5"] = 0.4  # content A01-03 is 0.5

    problems = problems_of(edit_xlsx(to_xlsx(small_doc()), spoil), "xlsx")
    assert ImportProblem("测评项目", 2, "权数", "权数 5 与其下测评指标的权数之和 4 不一致。") in problems
    assert ImportProblem("测评内容", 4, "权数", "权数 0.5 与其下测评标准的分值之和 0.4 不一致。") in problems


def test_xlsx_category_cycle_and_third_level_are_refused():
    doc = small_doc()
    doc["categories"] += [
        {
            "code": "ENV-T2",
            "name": "甲",
            "parent": "ENV-T3",
            "kind": "event",
            "deadline_value": 1,
            "deadline_unit": "days",
        },
        {
            "code": "ENV-T3",
            "name": "乙",
            "parent": "ENV-T2",
            "kind": "event",
            "deadline_value": 1,
            "deadline_unit": "days",
        },
        {
            "code": "ENV-T4",
            "name": "丙",
            "parent": "ENV-T1",
            "kind": "event",
            "deadline_value": 1,
            "deadline_unit": "days",
        },
        {"code": "XYZ", "name": "自造顶级"},
    ]
    xlsx = edit_xlsx(
        to_xlsx(small_doc()),
        lambda wb: [
            wb["问题分类"].append(row)
            for row in [
                ["ENV-T2", "甲", "ENV-T3", "事件", None, 1, "工作日"],
                ["ENV-T3", "乙", "ENV-T2", "事件", None, 1, "工作日"],
                ["ENV-T4", "丙", "ENV-T1", "事件", None, 1, "工作日"],
                ["XYZ", "自造顶级"],
            ]
        ],
    )
    problems = problems_of(xlsx, "xlsx")
    by_place = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert by_place[("问题分类", 6, "上级编码")] == "上级编码形成循环：ENV-T2 → ENV-T3 → ENV-T2。"
    assert by_place[("问题分类", 7, "上级编码")] == "上级编码形成循环：ENV-T3 → ENV-T2 → ENV-T3。"
    assert by_place[("问题分类", 8, "上级编码")] == "问题分类只有两级：上级「ENV-T1」本身是二级分类。"
    assert by_place[("问题分类", 9, "上级编码")].startswith("「XYZ」没有上级编码，但顶级分类只能是这八个")


def test_xlsx_bad_enumerations_and_missing_required_values():
    def spoil(workbook):
        workbook["测评标准"]["E2"] = "目测"  # unknown method
        workbook["测评标准"]["I3"] = "打分"  # unknown rule
        workbook["测评标准"]["C4"] = None  # text required
        workbook["问题分类"]["G3"] = "小时"  # unknown unit
        workbook["说明"]["B6"] = "乡镇"  # scope

    problems = problems_of(edit_xlsx(to_xlsx(small_doc()), spoil), "xlsx")
    by_place = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert by_place[("测评标准", 2, "测评方法")].startswith("「目测」不是有效选项（可选：实地考察、问卷调查")
    assert by_place[("测评标准", 3, "评分规则")].startswith("「打分」不是有效选项")
    assert by_place[("测评标准", 4, "测评标准")] == "「测评标准」必填。"
    assert by_place[("问题分类", 3, "时限单位")] == "「小时」不是有效选项（可选：工作小时、工作日）。"
    assert by_place[("说明", 6, "发布层级")] == "「乡镇」不是有效选项（可选：全国、省级、市级、区级）。"


def test_not_a_zip_is_refused():
    problems = problems_of(b"this is a CSV, not a workbook\n1,2,3\n", "xlsx")
    assert problems == [
        ImportProblem(
            "", None, "", "文件不是有效的 Excel（.xlsx）文件：它不是 zip 压缩包。旧版 .xls 请先另存为 .xlsx。"
        )
    ]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    assert (
        problems_of(buffer.getvalue(), "xlsx")[0].message
        == "文件不是有效的 Excel（.xlsx）文件：缺少工作簿内容。"
    )


def test_zip_bomb_is_refused_from_the_zip_directory(settings, monkeypatch):
    # given a 1 MB cap and a workbook whose sheet inflates to 3 MB (it compresses to a few KB)
    settings.UPLOAD_MAX_XLSX_BYTES = 1024 * 1024
    source = io.BytesIO(to_xlsx(small_doc()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            archive.writestr(info.filename, original.read(info.filename))
        archive.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    data = bomb.getvalue()
    assert len(data) < 100 * 1024
    # openpyxl must never be asked to open it

    def forbidden(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", forbidden)
    # when / then
    problems = problems_of(data, "xlsx")
    assert len(problems) == 1
    assert problems[0].message.startswith("文件解压后共 3.0 MB，超过上限 1.0 MB（疑似压缩炸弹）")


def test_too_large_file_is_refused_before_parsing(settings):
    settings.UPLOAD_MAX_XLSX_BYTES = 1000
    problems = problems_of(to_yaml(small_doc()), "yaml")
    assert problems[0].message.startswith("文件大小") and "超过上限" in problems[0].message


def test_huge_sheet_stops_at_the_row_cap(settings):
    settings.STANDARD_IMPORT_MAX_ROWS = 10

    def pad(workbook):
        sheet = workbook["点位类型"]
        for i in range(20):
            sheet.append([f"PAD_{i}", f"填充{i}"])

    problems = problems_of(edit_xlsx(to_xlsx(small_doc()), pad), "xlsx")
    assert ImportProblem("点位类型", 12, "", "数据行数超过上限 10，请拆分文件。") in problems


def test_corrupt_workbook_is_refused():
    data = bytearray(to_xlsx(small_doc()))
    # keep the zip directory but corrupt the compressed sheets
    data[200:4000] = b"\x00" * 3800
    problems = problems_of(bytes(data), "xlsx")
    assert len(problems) >= 1
    assert all(
        p.sheet
        in ("", "说明", "测评项目", "测评指标", "测评内容", "测评标准", "点位类型", "通用模块", "问题分类")
        for p in problems
    )


# --- refused inputs: YAML ---------------------------------------------------------------------------


def test_malformed_yaml_reports_the_line():
    problems = problems_of(b"format: wenming-standard/1\nitems: [\n  {code: A\n", "yaml")
    assert len(problems) == 1
    assert problems[0].sheet == "YAML" and problems[0].row == 4
    assert problems[0].message.startswith("YAML 格式错误：")


def test_yaml_aliases_are_refused():
    text = "format: wenming-standard/1\nx: &a [1, 2]\ny: [*a, *a]\n"
    problems = problems_of(text.encode(), "yaml")
    assert problems == [ImportProblem("YAML", 2, "第 4 列", "YAML 格式错误：不允许使用 YAML 锚点（&anchor）")]


def test_yaml_problems_are_located_by_section_item_and_key():
    doc = small_doc()
    doc["criteria"][1]["rule_params"] = {"required": 0, "per_missing": 0.5}
    doc["criteria"][2]["colour"] = "red"
    doc["point_types"].append({"code": "bad code", "name": "坏编码"})
    doc["contents"][0]["parent"] = "A"  # a level-Ⅰ code where a level-Ⅱ one belongs
    del doc["blocks"]
    problems = problems_of(to_yaml(doc), "yaml")
    by_place = {(p.sheet, p.row, p.column): p.message for p in problems}
    assert by_place[("criteria", 2, "rule_params")] == "required（应有数量）不能小于 1。"
    assert by_place[("criteria", 3, "colour")].startswith("未知字段「colour」")
    assert by_place[("point_types", 3, "code")].startswith("编码「bad code」格式不正确")
    assert (
        by_place[("contents", 1, "parent")] == "上级编号「A」在「测评项目」表，应填写「测评指标」表中的编号。"
    )
    assert by_place[("blocks", None, "")] == "缺少「blocks」（通用模块）部分。"


def test_yaml_top_level_must_be_a_mapping_with_format():
    assert problems_of(b"- a\n- b\n", "yaml")[0].message.startswith("YAML 顶层必须是键值对")
    doc = small_doc()
    doc["format"] = "other/9"
    assert ImportProblem(
        "standard_set", None, "format", "模板版本应为「wenming-standard/1」，却是「other/9」。"
    ) in problems_of(to_yaml(doc), "yaml")


def test_existing_code_is_refused_with_a_clear_message():
    import_small()
    problems = problems_of(to_yaml(small_doc()), "yaml")
    assert problems == [
        ImportProblem(
            "standard_set",
            None,
            "code",
            "测评体系编码「T-1」已存在（版本 1）。已导入的体系不会被覆盖：请改用新的编码（如加上年份或版本号）后再导入。",
        )
    ]


def test_point_type_name_taken_by_another_code_is_refused():
    import_small()
    doc = small_doc(code="T-2")
    doc["point_types"].append({"code": "T_OTHER", "name": "测试道路"})
    problems = problems_of(to_yaml(doc), "yaml")
    assert ImportProblem("point_types", 3, "name", "名称「测试道路」与第 1 行重复。") in problems


def test_field_criterion_needs_a_place_and_other_methods_must_not_have_one():
    doc = small_doc()
    doc["criteria"][0]["point_types"] = []
    doc["criteria"][3]["point_types"] = ["T_ROAD"]
    problems = problems_of(to_yaml(doc), "yaml")
    assert (
        ImportProblem("criteria", 1, "point_types", "实地考察的标准必须填写适用点位类型或通用模块。")
        in problems
    )
    assert (
        ImportProblem("criteria", 4, "point_types", "只有实地考察的标准才适用点位类型或通用模块。")
        in problems
    )


def test_unsupported_format_is_refused():
    assert problems_of(b"x", "csv") == [
        ImportProblem("", None, "", "不支持的文件格式「csv」，只接受 .xlsx 或 .yaml。")
    ]


def test_a_valid_file_still_fails_whole_when_one_row_is_bad():
    # given a file whose only problem is the last criterion
    doc = small_doc()
    doc["criteria"][3]["weight"] = 0
    # then nothing at all is written (not even the new point types or categories)
    problems = problems_of(to_yaml(doc), "yaml")
    assert PointType.objects.filter(code="T_ROAD").exists() is False
    assert ImportProblem("criteria", 4, "weight", "「weight」必须大于 0，却是 0。") in problems


def test_yaml_reader_ignores_nothing_silently():
    doc = small_doc()
    doc["extra_section"] = []
    text = to_yaml(doc)
    problems = problems_of(text, "yaml")
    assert problems[0].message.startswith("未知的顶层键「extra_section」")
    assert yaml.safe_load(text)["extra_section"] == []
