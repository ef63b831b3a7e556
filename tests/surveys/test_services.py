"""Services of the questionnaire builder, waves (design, open, close) and the XLSX import/export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from tests.factories import make_area, make_user
from tests.surveys.factories import make_questionnaire, make_world, respond
from wenming.geo.choices import AreaLevel
from wenming.geo.services import ImportRejected
from wenming.surveys import services
from wenming.surveys.exports import anonymised_rows, anonymised_xlsx
from wenming.surveys.imports import import_responses, import_template
from wenming.surveys.models import Answer, Question, Questionnaire, Response, Stratum, Wave

# --- questionnaires ---------------------------------------------------------------------------------------


def test_default_options_carry_the_score_mapping(db):
    office = make_user("office")
    q = services.create_questionnaire(actor=office, title="问卷")
    sat = services.add_question(
        actor=office, questionnaire=q, code="S1", text="满意吗？", kind="satisfaction", scale="three"
    )
    assert [(o["label"], o["score"], o["positive"], o["valid"]) for o in sat.options] == [
        ("满意", 100, True, True),
        ("基本满意", 60, True, True),
        ("不满意", 0, False, True),
        ("说不清", None, False, False),
    ]
    five = services.add_question(
        actor=office, questionnaire=q, code="S2", text="总体？", kind="satisfaction", scale="five"
    )
    assert [o["score"] for o in five.options] == [100, 80, 60, 40, 0, None]
    assert [o["positive"] for o in five.options] == [True, True, True, False, False, False]
    assert [q.order for q in q.questions.all()] == [1, 2]


def test_awareness_needs_a_correct_answer(db):
    office = make_user("office")
    q = services.create_questionnaire(actor=office, title="问卷")
    with pytest.raises(services.SurveyError) as exc:
        services.add_question(actor=office, questionnaire=q, code="A1", text="核心价值观？", kind="awareness",
                              scale="custom", options=[{"label": "甲"}, {"label": "乙"}])  # fmt: skip
    assert exc.value.messages == ["知晓度题目必须标记正确答案。"]
    assert q.questions.count() == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([{"label": "满意", "score": 100, "positive": True}], "选择题至少需要 2 个选项。"),
        (
            [{"label": "满意", "score": 100, "positive": True}, {"label": "满意", "score": 0}],
            "选项「满意」重复。",
        ),
        (
            [{"label": "满意", "score": 120, "positive": True}, {"label": "不满意", "score": 0}],
            "选项「满意」的分值必须在 0–100 之间。",
        ),
        (
            [{"label": "满意", "score": 100, "positive": True}, {"label": "不满意"}],
            "满意度题目的每个有效选项都需要分值（如 100/60/0）：不满意",
        ),
        (
            [
                {"label": "满意", "score": 100, "positive": True},
                {"label": "说不清", "positive": True, "valid": False},
            ],
            "选项「说不清」不计入有效回答，不能同时计为正向。",
        ),
        (
            [
                {"label": "满意", "score": 100, "positive": True},
                {"label": "基本满意", "score": 60, "positive": True},
            ],
            "至少要有一个有效选项不计入比率（否则比率恒为 100%）。",
        ),
    ],
)
def test_invalid_option_sets_are_refused(db, options, message):
    office = make_user("office")
    q = services.create_questionnaire(actor=office, title="问卷")
    with pytest.raises(services.SurveyError) as exc:
        services.add_question(actor=office, questionnaire=q, code="S1", text="满意吗？", kind="satisfaction",
                              scale="custom", options=options)  # fmt: skip
    assert exc.value.messages == [message]
    assert Question.objects.count() == 0


def test_duplicate_code_and_office_only(db):
    office = make_user("office")
    q = make_questionnaire(office)
    with pytest.raises(services.SurveyError) as exc:
        services.add_question(
            actor=office, questionnaire=q, code="Q1", text="又一题", kind="support", scale="three"
        )
    assert exc.value.messages == ["题号「Q1」已存在。"]
    with pytest.raises(PermissionDenied):
        services.add_question(
            actor=make_user("leader"), questionnaire=q, code="Q9", text="题", kind="support"
        )
    assert q.questions.count() == 6


def test_move_update_and_delete_questions(db):
    office = make_user("office")
    q = make_questionnaire(office)
    q3 = q.questions.get(code="Q3")
    services.move_question(actor=office, question=q3, direction="up")
    assert list(q.questions.order_by("order").values_list("code", flat=True)) == [
        "Q1",
        "Q3",
        "Q2",
        "Q4",
        "Q5",
        "Q6",
    ]
    services.update_question(
        actor=office, question=q3, scale="five"
    )  # a new scale brings its default options
    q3.refresh_from_db()
    assert [o["label"] for o in q3.options] == [
        "非常支持",
        "支持",
        "基本支持",
        "不太支持",
        "不支持",
        "说不清",
    ]
    services.delete_question(actor=office, question=q3)
    assert list(q.questions.values_list("code", flat=True)) == ["Q1", "Q2", "Q4", "Q5", "Q6"]


def test_a_questionnaire_in_use_is_frozen_and_can_be_copied(world):
    q5 = world.questions["Q5"]
    with pytest.raises(services.SurveyError) as exc:
        services.update_question(actor=world.office, question=q5, text="改题目")
    assert exc.value.code == "locked"
    q5.refresh_from_db()
    assert q5.text == "您对本区文明创建工作成效是否满意？"
    copy = services.copy_questionnaire(actor=world.office, questionnaire=world.questionnaire)
    assert copy.title == "文明城市创建市民满意度调查（副本）"
    assert list(copy.questions.values_list("code", "options")) == list(
        world.questionnaire.questions.values_list("code", "options")
    )
    assert services.is_locked(copy) is False
    services.update_question(actor=world.office, question=copy.questions.get(code="Q5"), text="改题目")
    # the title may change even when frozen
    services.update_questionnaire(actor=world.office, questionnaire=world.questionnaire, title="新名称")
    assert Questionnaire.objects.get(pk=world.questionnaire.pk).title == "新名称"


# --- waves ------------------------------------------------------------------------------------------------


def test_wave_strata_carry_population_and_targets(db):
    w = make_world(open_wave=False, design="per_stratum")
    strata = list(w.wave.strata.order_by("order"))
    assert [(s.area, s.population, s.target, s.target_srs) for s in strata] == [
        (w.street, 1000, 278, 385),
        (w.other_street, 3000, 341, 385),
    ]
    assert len({s.token for s in strata}) == 2
    summary = services.design_summary(w.wave)
    assert (summary["total_target"], summary["total_srs"], summary["population"]) == (619, 770, 4000)


def test_wave_default_areas_are_every_area_of_the_level(db):
    office = make_user("office")
    district = make_area(AreaLevel.DISTRICT)
    streets = [make_area(AreaLevel.STREET, parent=district, population=p) for p in (100, 200)]
    wave = services.create_wave(actor=office, name="全区", questionnaire=make_questionnaire(office),
                                period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31),
                                design="quota", quota=20)  # fmt: skip
    assert [s.area for s in wave.strata.order_by("order")] == streets
    assert [s.target for s in wave.strata.order_by("order")] == [20, 20]


def test_areas_without_population_cannot_be_weighted(db):
    office = make_user("office")
    street = make_area(AreaLevel.STREET, name="无人口街道")
    with pytest.raises(services.SurveyError) as exc:
        services.create_wave(actor=office, name="x", questionnaire=make_questionnaire(office), areas=[street],
                             period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 2))  # fmt: skip
    assert exc.value.messages == [
        "以下区域没有人口数据，无法按人口加权：无人口街道。请先在区域台账中填写人口。"
    ]
    assert Wave.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"design": "per_stratum", "margin": Decimal("0.5")}, "允许误差须在 0.5%–20% 之间。"),
        ({"design": "quota", "quota": None}, "固定配额方式须填写每区域配额（至少 1）。"),
        ({"period_end": datetime.date(2026, 2, 1)}, "结束日期不能早于开始日期。"),
    ],
)
def test_invalid_designs_change_nothing(draft_world, changes, message):
    w = draft_world
    before = list(Stratum.objects.filter(wave=w.wave).values_list("target", flat=True))
    with pytest.raises(services.SurveyError) as exc:
        services.update_wave(actor=w.office, wave=w.wave, **changes)
    assert exc.value.messages == [message]
    w.wave.refresh_from_db()
    assert (w.wave.margin, w.wave.design, w.wave.period_end) == (
        Decimal("0.050"),
        "quota",
        datetime.date(2026, 3, 31),
    )
    assert list(Stratum.objects.filter(wave=w.wave).values_list("target", flat=True)) == before


def test_redesign_a_draft_keeps_public_tokens(draft_world):
    w = draft_world
    tokens = set(w.wave.strata.values_list("token", flat=True))
    services.update_wave(actor=w.office, wave=w.wave, design="quota", quota=30)
    assert set(w.wave.strata.values_list("token", flat=True)) == tokens
    assert list(w.wave.strata.values_list("target", flat=True)) == [30, 30]


def test_an_open_wave_keeps_its_design(world):
    with pytest.raises(services.SurveyError) as exc:
        services.update_wave(actor=world.office, wave=world.wave, quota=50)
    assert exc.value.code == "state"
    services.update_wave(
        actor=world.office, wave=world.wave, name="改名", period_end=datetime.date(2026, 4, 15)
    )
    world.wave.refresh_from_db()
    assert (world.wave.name, world.wave.quota) == ("改名", 4)


def test_open_and_close_transitions(draft_world):
    w = draft_world
    with pytest.raises(services.SurveyError):
        services.close_wave(actor=w.office, wave=w.wave)
    with pytest.raises(PermissionDenied):
        services.open_wave(actor=w.leader, wave=w.wave)
    wave = services.open_wave(actor=w.office, wave=w.wave)
    assert wave.state == "open" and wave.opened_at is not None
    with pytest.raises(services.SurveyError):
        services.open_wave(actor=w.office, wave=wave)
    closed = services.close_wave(actor=w.office, wave=wave)
    assert closed.state == "closed" and closed.estimates_snapshot["responses"] == 0
    with pytest.raises(services.SurveyError) as exc:
        services.update_wave(actor=w.office, wave=closed, name="x")
    assert exc.value.code == "closed"


# --- import / export ---------------------------------------------------------------------------------------


def xlsx(rows: list[list], header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        header
        or [
            "答卷编号",
            "区域编码",
            "年龄",
            "居住时间",
            "职业",
            "调查时间",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            "Q5",
            "Q6",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(world, number: str, area=None, age=35, **over):
    values = ["知道", "富强、民主、文明、和谐", "支持", "参与过", "满意", ""]
    for i, key in enumerate(("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")):
        if key in over:
            values[i] = over[key]
    return [number, (area or world.community).code, age, "3–5 年", "企业职工", "2026-03-12 10:30", *values]


def test_import_writes_every_row(world):
    data = xlsx([row(world, "W-1"), row(world, "W-2", area=world.other_community, age="25–34 岁", Q5="不满意"),
                 row(world, "W-3", area=world.other_street, Q5=3, Q6="多种树")])  # fmt: skip
    result = import_responses(actor=world.office, wave=world.wave, data=data, filename="third-party.xlsx")
    assert result.created == 3
    imported = {r.external_id: r for r in Response.objects.filter(wave=world.wave)}
    assert imported["W-2"].age_band == "25_34" and imported["W-2"].age is None
    assert imported["W-3"].area == world.other_street and imported["W-3"].stratum.area == world.other_street
    assert {r.channel for r in imported.values()} == {"import"}
    assert imported["W-1"].completed_at == datetime.datetime(2026, 3, 12, 2, 30, tzinfo=datetime.UTC)
    q5 = world.questions["Q5"]
    assert dict(Answer.objects.filter(question=q5).values_list("response__external_id", "value")) == {
        "W-1": "1",
        "W-2": "3",
        "W-3": "3",
    }
    assert Answer.objects.get(response__external_id="W-3", question=world.questions["Q6"]).text == "多种树"


def test_import_is_all_or_nothing_with_row_and_column_errors(world):
    data = xlsx([
        row(world, "W-1"),
        row(world, "W-2", age=70),
        row(world, "W-3", Q3="也许"),
        ["W-4", "999999999999", 30, "十年", "学生", "", "知道", "1", "1", "1", "1", ""],
        row(world, "W-1"),
    ])  # fmt: skip
    with pytest.raises(ImportRejected) as exc:
        import_responses(actor=world.office, wave=world.wave, data=data, filename="x.xlsx")
    assert [str(e) for e in exc.value.errors] == [
        "第 3 行【年龄】：年龄 70 岁不在调查对象范围（18–65 岁）内。",
        "第 4 行【Q3】：第 Q3 题没有选项「也许」。",
        "第 5 行【区域编码】：区域编码「999999999999」不在本次调查范围内。",
        "第 5 行【居住时间】：「十年」不是可选的值。",
        "第 6 行【答卷编号】：答卷编号与第 2 行重复。",
    ]
    assert Response.objects.count() == 0


def test_import_refuses_a_second_import_of_the_same_ids(world):
    import_responses(actor=world.office, wave=world.wave, data=xlsx([row(world, "W-1")]), filename="a.xlsx")
    with pytest.raises(ImportRejected) as exc:
        import_responses(
            actor=world.office, wave=world.wave, data=xlsx([row(world, "W-1")]), filename="a.xlsx"
        )
    assert [str(e) for e in exc.value.errors] == ["第 2 行【答卷编号】：答卷编号「W-1」已导入过本次调查。"]
    assert Response.objects.count() == 1


def test_import_checks_the_columns(world):
    data = xlsx([row(world, "W-1")], header=["答卷编号", "区域编码", "年龄", "职业", "Q1", "Q9"])
    with pytest.raises(ImportRejected) as exc:
        import_responses(actor=world.office, wave=world.wave, data=data, filename="a.xlsx")
    assert [str(e) for e in exc.value.errors] == [
        "文件：缺少列：居住时间",
        "文件：未知列：问卷中没有题号「Q9」。",
        "文件：缺少必答题的列：Q2、Q3、Q4、Q5",
    ]
    with pytest.raises(ImportRejected) as exc:
        import_responses(actor=world.office, wave=world.wave, data=b"not a spreadsheet", filename="a.xlsx")
    assert str(exc.value.errors[0]).startswith("文件：不是有效的 XLSX 文件")


def test_import_template_round_trips(world):
    data = import_template(world.wave)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["答卷编号", "区域编码*", "年龄*", "居住时间*", "职业*", "调查时间"]
    assert header[6].startswith("Q1* ") and header[-1].startswith("Q6 ")
    result = import_responses(actor=world.office, wave=world.wave, data=data, filename="template.xlsx")
    assert result.created == 1  # the template's example row is a valid response


def test_anonymised_export(world):
    respond(world, age=37, q6="多种树")
    header, rows = anonymised_rows(world.wave)
    assert header[:8] == [
        "序号",
        "分层",
        "居住街道/社区",
        "年龄段",
        "居住时间",
        "职业",
        "采集方式",
        "调查日期",
    ]
    assert rows == [
        [
            1,
            "江头街道",
            "江头社区",
            "35–44 岁",
            "3–5 年",
            "企业职工",
            "入户/拦截访问",
            datetime.date(2026, 3, 10),
            "知道",
            "富强、民主、文明、和谐",
            "支持",
            "参与过",
            "满意",
            "多种树",
        ]
    ]
    text = " ".join(
        str(c.value)
        for r in load_workbook(io.BytesIO(anonymised_xlsx(world.wave))).worksheets[0].iter_rows()
        for c in r
    )
    assert "37" not in text and str(world.office) not in text and "24.51" not in text
