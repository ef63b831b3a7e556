"""Documents generated from the known October 2026 (tests/bulletins/helpers.py) carry its exact figures: the
snapshot, the DOCX (read back with python-docx), the XLSX (openpyxl) and the PDF (rendered to an image)."""

import io
import subprocess

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from PIL import Image

from tests.bulletins.helpers import NOW
from wenming.bulletins import collect, services
from wenming.bulletins.choices import BulletinKind, JobKind, JobState
from wenming.bulletins.periods import window_of
from wenming.bulletins.render import document, excel, pdf, word


def _inspection_spec(ds):
    return collect.Spec(
        BulletinKind.INSPECTION, collect.window_of_dates(ds.round.period_start, ds.round.period_end), ds.round
    )


def test_inspection_bulletin_snapshot_has_the_hand_computed_figures(ds):
    # when
    data = collect.collect(_inspection_spec(ds), now=NOW)
    # then
    assert data["points"] == {
        "inspected": 4, "passed": 1, "pass_rate": 0.25, "mean_score": 37.5,
        "by_type": [{"label": "农贸市场", "points": 2, "passed": 0}, {"label": "背街小巷", "points": 2, "passed": 1}],
    }  # fmt: skip
    assert data["problems_total"] == 4
    assert data["problems_by_group"] == [
        {"label": "交通秩序整治组", "count": 2},
        {"label": "市容环境卫生整治组", "count": 2},
    ]
    assert (data["units_involved"], data["streets_involved"]) == (2, 2)
    assert data["states"] == {"closed": 2, "on_spot": 1, "open": 2, "overdue": 2}
    assert data["previous"] == {"label": "2026年9月督查", "points": 1, "pass_rate": 0.0, "problems": 1}
    assert data["compliance"]["types"] == ["背街小巷", "农贸市场"]
    assert [
        (r["street"], [(c["passed"], c["points"]) for c in r["cells"]]) for r in data["compliance"]["rows"]
    ] == [
        ("湖里街道", [(0, 1), (0, 1)]),
        ("殿前街道", [(1, 1), (0, 1)]),
    ]
    assert data["compliance"]["total"]["total"] == {"points": 4, "passed": 1, "rate": 0.25}
    streets = [
        (r["rank"], r["label"], r["mean_score"], r["passed"]) for r in data["rankings"]["street"]["rows"]
    ]
    assert streets == [(1, "殿前街道", 50.0, 1), (2, "湖里街道", 25.0, 0)]
    units = [(r["rank"], r["label"], r["mean_score"]) for r in data["rankings"]["unit"]["rows"]]
    assert units == [(1, "区交通局", 50.0), (2, "区市政园林局", 25.0)]
    groups = [
        (r["label"], r["mean_score"], r["passed"], r["points"]) for r in data["rankings"]["group"]["rows"]
    ]
    assert groups == [("市容环境卫生整治组", 50.0, 2, 4), ("交通秩序整治组", 33.33, 1, 3)]
    assert "平均得分" in data["rankings"]["street"]["formula"]


def test_every_problem_row_names_unit_place_and_person(ds):
    data = collect.collect(_inspection_spec(ds), now=NOW)
    rows = {r["code"]: r for r in data["problems"]}
    a, b, c, d = (rows[ds.cases[k].code] for k in "ABCD")
    assert (a["unit"], a["place"], a["person"], a["state"]) == (
        "区市政园林局",
        "湖里街道·村里路",
        "王一",
        "已结案",
    )
    assert (b["unit"], b["place"], b["person"], b["overdue"]) == (
        "区市政园林局",
        "湖里街道·村里农贸市场",
        "王二",
        True,
    )
    assert (c["unit"], c["state"], c["deadline"]) == ("区交通局", "当场整改", "")
    assert (d["unit"], d["place"], d["person"], d["category"]) == (
        "区交通局",
        "殿前街道·兴隆农贸市场",
        "",
        "非机动车乱停放",
    )
    assert a["criterion"] == "K2 非机动车停放有序"
    assert (len(a["before"]), len(a["after"]), len(b["before"]), len(b["after"])) == (1, 1, 1, 0)
    assert data["photos"] == 6


def test_monthly_snapshot_compares_with_september_and_lists_overdue_and_rebounds(ds):
    data = collect.collect(collect.Spec(BulletinKind.MONTHLY, window_of("2026-10")), now=NOW)
    assert data["problems_total"] == 5
    assert data["previous"] == {
        "label": "2026年9月1日至2026年9月30日",
        "points": 1,
        "pass_rate": 0.0,
        "problems": 1,
    }
    # 超期天数: working days after the deadline's day up to today (calendar days beside); NOW is Mon 16 Nov
    overdue = {r["code"]: (r["overdue_days"], r["overdue_calendar_days"]) for r in data["overdue"]}
    assert overdue == {
        ds.cases["B"].code: (24, 34),  # deadline Tue 13 Oct
        ds.cases["E"].code: (18, 26),  # deadline Wed 21 Oct
        ds.cases["F"].code: (14, 20),  # deadline Tue 27 Oct
        ds.cases["D"].code: (24, 34),
    }
    assert [r["code"] for r in data["rebounds"]] == [ds.cases["F"].code]
    theme = next(t for t in data["themes"] if t["name"] == "保洁（测试）")
    assert (theme["occurrences"], theme["problems"], theme["lost"]) == (2, 3, 4.0)


def test_special_bulletin_on_a_unit_keeps_only_that_unit(ds):
    data = collect.collect(collect.Spec(BulletinKind.SPECIAL, window_of("2026-10"), unit=ds.u2), now=NOW)
    assert [r["code"] for r in data["problems"]] == [ds.cases["C"].code, ds.cases["D"].code]
    assert (data["points"]["inspected"], data["points"]["passed"]) == (2, 1)


def test_red_black_list_puts_the_best_street_red_and_the_worst_black(ds):
    bulletin = services.create_bulletin(
        actor=ds.office, kind=BulletinKind.REDBLACK, period_code="2026-10", top_n=1
    )
    data = collect.collect(collect.spec_of(bulletin), now=NOW)
    rb = data["redblack"]
    assert [r["label"] for r in rb["red_streets"]] == ["殿前街道"]
    assert [r["label"] for r in rb["black_streets"]] == ["湖里街道"]
    assert [r["label"] for r in rb["black_units"]] == ["区市政园林局"]
    assert rb["overdue_units"] == [{"label": "区市政园林局", "count": 2}]
    assert {r["unit"] for r in data["problems"]} == {"区市政园林局"}


@pytest.fixture
def generated(ds, django_capture_on_commit_callbacks):
    """A monthly bulletin generated through the background job (immediate backend in tests)."""
    bulletin = services.create_bulletin(actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-10")
    services.update_bulletin(
        actor=ds.office, bulletin=bulletin, requirements="立即整改。\n举一反三。", cc="区委办"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=ds.office, bulletin=bulletin, kind=JobKind.GENERATE)
    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == (JobState.DONE, 100, "")
    bulletin.refresh_from_db()
    return bulletin


def test_generation_job_writes_snapshot_summary_recipients_and_files(ds, generated):
    b = generated
    assert b.data["problems_total"] == 5
    assert b.data_hash == collect.data_hash(b.data)
    assert "共测评点位4个（农贸市场2个、背街小巷2个），过关1个，过关率25.0%" in b.summary
    assert "发现问题5个，涉及责任单位3个、街道2个" in b.summary
    assert "与上期（2026年9月1日至2026年9月30日）相比，发现问题增加4个（上期1个）" in b.summary
    assert set(b.recipients.values_list("name", flat=True)) == {
        "区市政园林局",
        "区交通局",
        "湖里街道办事处",
        "殿前街道办事处",
    }
    assert bool(b.docx) and bool(b.xlsx) and not b.pdf
    assert b.title == "关于2026年10月文明创建工作情况的通报"


def test_docx_reads_back_with_the_exact_tables_photos_and_layout(ds, generated, settings):
    d = docx.Document(io.BytesIO(generated.docx.read()))
    texts = [p.text for p in d.paragraphs]
    assert texts[:3] == [
        "湖里区创建全国文明城市工作领导小组办公室",
        "（文号印发时生成）",
        "关于2026年10月文明创建工作情况的通报",
    ]
    assert (
        "一、总体情况" in texts
        and "三、排名情况" in texts
        and "（一）街道排名" in texts
        and "（二）责任单位排名" in texts
    )
    assert "1. 立即整改。" in texts and "2. 举一反三。" in texts
    section = d.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert d.styles["WM Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert d.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    compliance = d.tables[0]
    assert [[c.text for c in r.cells] for r in compliance.rows] == [
        ["点位类型", "湖里街道", "殿前街道", "合计"],
        ["背街小巷", "0/1（0%）", "1/1（100%）", "1/2（50%）"],
        ["农贸市场", "0/1（0%）", "0/1（0%）", "0/2（0%）"],
        ["合计", "0/2（0%）", "1/2（50%）", "1/4（25%）"],
    ]
    streets = d.tables[1]
    assert [[c.text for c in r.cells] for r in streets.rows][1:] == [
        ["1", "殿前街道", "2", "1", "50.0%", "50.00"],
        ["2", "湖里街道", "2", "0", "0.0%", "25.00"],
    ]
    problems = next(t for t in d.tables if t.rows[0].cells[1].text == "问题编号" and len(t.columns) == 9)
    first = [c.text for c in problems.rows[1].cells]
    # printed without the found time (kept in the XLSX): nine columns fit A4 portrait
    assert first == ["1", ds.cases["A"].code, "区市政园林局", "湖里街道·村里路", "王一", "交通秩序 / 非机动车乱停放",
                     "K2 非机动车停放有序", "2026-10-13 10:30", "已结案"]  # fmt: skip
    assert len(problems.rows) == 6
    for row in problems.rows:  # no row breaks across pages; the header repeats
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert problems.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(d.inline_shapes) == 6
    assert all(round(s.width.cm, 1) == word.PHOTO_WIDTH_CM for s in d.inline_shapes)


def test_title_font_is_configurable(ds, generated, settings):
    settings.BULLETIN_TITLE_FONT = "华文中宋"
    out = word.write_docx(document.outline(generated))
    d = docx.Document(io.BytesIO(out))
    assert d.styles["WM Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "华文中宋"


def test_xlsx_has_the_same_tables(ds, generated):
    wb = openpyxl.load_workbook(io.BytesIO(generated.xlsx.read()))
    assert wb.sheetnames[:4] == [
        "总体情况",
        "测评点位达标情况（过关点位参评点位）",
        "街道排名",
        "责任单位排名",
    ]
    overview = {row[0]: row[1] for row in wb["总体情况"].iter_rows(values_only=True) if row and row[0]}
    assert (overview["参评点位"], overview["过关点位"], overview["发现问题"], overview["超期未整改"]) == (
        4,
        1,
        5,
        4,
    )
    rows = list(wb["问题清单"].iter_rows(values_only=True))
    assert rows[1] == (
        "序号",
        "问题编号",
        "责任单位",
        "地点",
        "责任人",
        "问题类别",
        "测评标准",
        "发现时间",
        "整改时限",
        "状态",
    )
    assert len(rows) == 2 + 5
    assert rows[2][:5] == (1, ds.cases["A"].code, "区市政园林局", "湖里街道·村里路", "王一")
    streets = list(wb["街道排名"].iter_rows(values_only=True))
    assert streets[2:4] == [(1, "殿前街道", 2, 1, "50.0%", 50.0), (2, "湖里街道", 2, 0, "0.0%", 25.0)]


def _ink(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("L")
    dark = sum(image.histogram()[:200])
    return dark / (image.width * image.height)


def test_pdf_job_renders_a_cjk_pdf_that_is_not_blank(
    ds, generated, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=ds.office, bulletin=generated, kind=JobKind.PDF)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    generated.refresh_from_db()
    path = tmp_path / "b.pdf"
    path.write_bytes(generated.pdf.read())
    assert path.read_bytes()[:5] == b"%PDF-"
    png = subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path)], capture_output=True, check=True
    ).stdout
    assert _ink(png) > 0.005
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "关于2026年10月文明创建工作情况的通报" in text
    assert "村里农贸市场" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "CID TrueType" in fonts  # the CJK TrueType collection is embedded


def test_pdf_font_is_the_configured_truetype_file(ds, generated):
    html = pdf.html(document.outline(generated))
    assert 'src: url("file:///usr/share/fonts/truetype/wqy/wqy-microhei.ttc")' in html


def test_excel_sheet_titles_are_unique_and_valid():
    used: set[str] = set()
    assert (
        excel._sheet_title("测评点位达标情况（过关点位/参评点位）", used)
        == "测评点位达标情况（过关点位参评点位）"
    )
    assert (
        excel._sheet_title("测评点位达标情况（过关点位/参评点位）", used)
        == "测评点位达标情况（过关点位参评点位）2"
    )
    assert excel._sheet_title("a:b*c?[d]", used) == "abcd"


# Element order of the WordprocessingML schema (ECMA-376 §17) for the properties the renderer writes: Word
# refuses (or "repairs") a document whose property children are out of order.
SCHEMA_ORDER = {
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
            "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
            "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
}  # fmt: skip


def _out_of_order(root) -> list[str]:
    problems = []
    for name, order in SCHEMA_ORDER.items():
        for el in root.iter(qn(f"w:{name}")):
            tags = [c.tag.split("}")[1] for c in el]
            known = [order.index(t) for t in tags if t in order]
            if known != sorted(known):
                problems.append(f"{name}: {tags}")
    return problems


def test_docx_properties_follow_the_schema_order(ds, generated):
    d = docx.Document(io.BytesIO(generated.docx.read()))
    assert _out_of_order(d.element) == []
    assert _out_of_order(d.styles.element) == []


def test_cell_text_escapes_markup_drops_control_characters_and_keeps_line_breaks():
    assert word._cell_text("a<b>&c\x07\nd") == 'a&lt;b&gt;&amp;c</w:t><w:br/><w:t xml:space="preserve">d'


def test_salutation_lists_few_recipients_and_uses_the_collective_form_for_many(ds, generated):
    assert document.recipients_line(generated) == "区市政园林局、区交通局、湖里街道办事处、殿前街道办事处："
    from tests.factories import make_unit

    generated.recipients.add(*[make_unit() for _ in range(5)])
    assert document.recipients_line(generated) == "各街道、区直有关单位："
