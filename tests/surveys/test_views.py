"""Pages: a permission matrix for every survey page (anonymous, wrong role, right role out of scope, in scope),
the forms and actions behind them, and query-count bounds for the lists."""

import datetime
import io
import json
import uuid

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import make_area, make_user
from tests.permissions import assert_matrix
from tests.surveys.factories import make_world, payload, respond
from wenming.geo.choices import AreaLevel
from wenming.surveys import services
from wenming.surveys.models import Question, Questionnaire, Response, Wave


@pytest.fixture
def outsider(world):
    """A named interviewer of another wave: has survey pages, but not this wave (out of scope)."""
    other = make_world()
    return other.interviewer


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


# --- permission matrices --------------------------------------------------------------------------------


def test_wave_pages_matrix(client, world, outsider):
    w = world
    assert_matrix(client, url("survey_list"), {"anonymous": 302, w.unit_user: 403, w.street_user: 403,
                                               w.inspector: 200, w.interviewer: 200, w.leader: 200, w.office: 200})  # fmt: skip
    assert_matrix(
        client, url("wave_create"), {"anonymous": 302, w.inspector: 403, w.leader: 403, w.office: 200}
    )
    pk = w.wave.pk
    assert_matrix(client, url("wave_detail", pk), {"anonymous": 302, w.unit_user: 404, outsider: 404,
                                                   w.inspector: 200, w.interviewer: 200, w.leader: 200,
                                                   w.auditor: 200, w.office: 200})  # fmt: skip
    assert_matrix(client, url("wave_update", pk), {"anonymous": 302, outsider: 404, w.inspector: 403,
                                                   w.leader: 403, w.office: 200})  # fmt: skip
    assert_matrix(client, url("wave_estimates", pk), {"anonymous": 302, outsider: 404, w.interviewer: 403,
                                                      w.leader: 200, w.auditor: 200, w.office: 200})  # fmt: skip
    assert_matrix(
        client, url("wave_compare"), {"anonymous": 302, w.inspector: 403, w.leader: 200, w.office: 200}
    )
    assert_matrix(client, url("response_list", pk), {"anonymous": 302, outsider: 404, w.unit_user: 404,
                                                     w.interviewer: 200, w.leader: 200, w.office: 200})  # fmt: skip
    assert_matrix(client, url("wave_export", pk), {"anonymous": 302, outsider: 404, w.interviewer: 403,
                                                   w.auditor: 200, w.office: 200})  # fmt: skip
    assert_matrix(
        client, url("wave_import", pk), {"anonymous": 302, outsider: 404, w.leader: 403, w.office: 200}
    )
    assert_matrix(client, url("wave_import_template", pk), {"anonymous": 302, outsider: 404, w.leader: 403,
                                                            w.office: 200})  # fmt: skip
    stratum = w.stratum()
    assert_matrix(client, url("stratum_poster", pk, stratum.pk), {"anonymous": 302, outsider: 404,
                                                                  w.interviewer: 403, w.leader: 200})  # fmt: skip
    assert_matrix(client, url("collect", pk), {"anonymous": 302, outsider: 404, w.unit_user: 404, w.leader: 403,
                                               w.inspector: 200, w.interviewer: 200, w.office: 200})  # fmt: skip
    assert_matrix(client, url("service_worker"), {"anonymous": 200, w.inspector: 200})


def test_response_detail_matrix(client, world, outsider):
    w = world
    mine = respond(w, actor=w.interviewer)
    assert_matrix(client, url("response_detail", mine.pk), {"anonymous": 302, outsider: 404, w.inspector: 404,
                                                            w.interviewer: 200, w.leader: 200, w.office: 200})  # fmt: skip


@pytest.mark.parametrize("action", ["wave_open", "wave_close"])
def test_wave_actions_matrix(client, world, outsider, action):
    w = world
    assert_matrix(client, url(action, w.wave.pk), {"anonymous": 302, outsider: 404, w.inspector: 403, w.leader: 403},
                  method="post", data={})  # fmt: skip
    assert Wave.objects.get(pk=w.wave.pk).state == "open"


def test_public_pages_need_no_login(client, world):
    token = world.stratum().token
    assert_matrix(client, url("public_survey", token), {"anonymous": 200, world.office: 200})
    assert_matrix(client, url("public_thanks", token), {"anonymous": 200})
    assert_matrix(client, url("public_survey", "no-such-token"), {"anonymous": 404})


def test_questionnaire_pages_matrix(client, world, outsider):
    w = world
    q = w.questionnaire
    question = w.questions["Q1"]
    assert_matrix(client, url("questionnaire_list"), {"anonymous": 302, w.interviewer: 403, w.leader: 200,
                                                      w.office: 200})  # fmt: skip
    assert_matrix(client, url("questionnaire_create"), {"anonymous": 302, w.leader: 403, w.office: 200})
    assert_matrix(client, url("questionnaire_detail", q.pk), {"anonymous": 302, w.unit_user: 404, outsider: 404,
                                                              w.interviewer: 403, w.leader: 200, w.office: 200})  # fmt: skip
    assert_matrix(client, url("questionnaire_update", q.pk), {"anonymous": 302, w.unit_user: 404, w.leader: 403,
                                                              w.office: 200})  # fmt: skip
    assert_matrix(client, url("question_update", question.pk), {"anonymous": 302, w.unit_user: 404,
                                                                w.leader: 403, w.office: 200})  # fmt: skip
    for name, target in (("questionnaire_copy", q.pk), ("question_create", q.pk), ("question_delete", question.pk),
                         ("question_move", question.pk)):  # fmt: skip
        assert_matrix(client, url(name, target), {"anonymous": 302, w.unit_user: 404, w.leader: 403},
                      method="post", data={"direction": "down", "code": "Q9", "text": "x", "kind": "support",
                                           "scale": "three"})  # fmt: skip
    assert (Questionnaire.objects.count(), Question.objects.filter(questionnaire=q).count()) == (2, 6)


def test_training_pages_matrix(client, world):
    from tests.surveys.factories import make_session
    from wenming.surveys.services import parse_quiz_text, save_quiz, upload_material

    w = world
    outside = make_user("unit_handler", unit=make_world().unit)
    session = make_session(w)
    material = upload_material(
        actor=w.office, session=session, title="讲义", upload=_file("讲义.pdf", b"%PDF")
    )
    quiz = save_quiz(
        actor=w.office, session=session, title="测验", questions=parse_quiz_text("题？\n* 对\n错")
    )
    everyone = {"anonymous": 302, w.unit_user: 200, w.inspector: 200, w.leader: 200, w.office: 200}
    assert_matrix(client, url("training_list"), everyone)
    assert_matrix(client, url("training_coverage"), everyone)
    assert_matrix(
        client, url("training_create"), {"anonymous": 302, w.unit_user: 403, w.leader: 403, w.office: 200}
    )
    in_scope = {"anonymous": 302, outside: 404, w.unit_user: 200, w.leader: 200, w.office: 200}
    assert_matrix(client, url("training_detail", session.pk), in_scope)
    assert_matrix(client, url("material_download", material.pk), in_scope)
    assert_matrix(client, url("quiz_take", quiz.pk), in_scope)
    office_only = {"anonymous": 302, outside: 404, w.unit_user: 403, w.leader: 403, w.office: 200}
    for name, target in (("training_update", session.pk), ("training_delete", session.pk),
                         ("training_attendance", session.pk), ("quiz_create", session.pk), ("quiz_update", quiz.pk)):  # fmt: skip
        assert_matrix(client, url(name, target), office_only)
    for name, target in (("material_upload", session.pk), ("material_delete", material.pk),
                         ("training_attendance", session.pk), ("training_delete", session.pk)):  # fmt: skip
        assert_matrix(client, url(name, target), {"anonymous": 302, outside: 404, w.unit_user: 403, w.leader: 403},
                      method="post", data={})  # fmt: skip
    assert session.materials.count() == 1 and session.attendances.count() == 0


def test_example_pages_matrix(client, world):
    from tests.surveys.factories import jpeg, make_example

    w = world
    published = make_example(w, photos=[jpeg()])
    draft = make_example(w, is_published=False, title="草稿示例")
    photo = published.photos.get()
    everyone = {"anonymous": 302, w.unit_user: 200, w.inspector: 200, w.office: 200}
    assert_matrix(client, url("example_list"), everyone)
    assert_matrix(client, url("example_detail", published.pk), everyone)
    assert_matrix(
        client, url("example_detail", draft.pk), {"anonymous": 302, w.unit_user: 404, w.office: 200}
    )
    assert_matrix(client, url("example_create"), {"anonymous": 302, w.unit_user: 403, w.office: 200})
    assert_matrix(
        client, url("example_update", published.pk), {"anonymous": 302, w.unit_user: 403, w.office: 200}
    )
    assert_matrix(
        client, url("example_update", draft.pk), {"anonymous": 302, w.unit_user: 404, w.office: 200}
    )
    assert_matrix(
        client, url("example_delete", published.pk), {"anonymous": 302, w.unit_user: 403, w.office: 200}
    )
    for name, target in (("example_photo_add", published.pk), ("example_photo_delete", photo.pk),
                         ("example_delete", published.pk)):  # fmt: skip
        assert_matrix(client, url(name, target), {"anonymous": 302, w.unit_user: 403, w.inspector: 403},
                      method="post", data={})  # fmt: skip
    assert published.photos.count() == 1


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- waves: forms and actions -----------------------------------------------------------------------------


def test_create_a_wave_through_the_form(client, world):
    client.force_login(world.office)
    response = client.post(url("wave_create"), {
        "name": "第二季度", "questionnaire": world.questionnaire.pk, "period_start": "2026-06-01",
        "period_end": "2026-06-30", "stratum_level": "street", "areas": [world.street.pk, world.other_street.pk],
        "design": "per_stratum", "margin_percent": "5", "confidence_percent": "95", "expected_p_percent": "50",
        "use_fpc": "on", "open_to_inspectors": "on", "public_link": "on",
    })  # fmt: skip
    wave = Wave.objects.get(name="第二季度")
    assert response.status_code == 302 and response["Location"] == wave.get_absolute_url()
    assert [s.target for s in wave.strata.order_by("order")] == [278, 341]
    page = client.get(wave.get_absolute_url()).content.decode()
    assert (
        "278" in page and "341" in page and "有限总体校正后" not in page
    )  # per-stratum design: no overall n


def test_wave_form_errors_write_nothing(client, world):
    client.force_login(world.office)
    response = client.post(url("wave_create"), {
        "name": "坏的", "questionnaire": world.questionnaire.pk, "period_start": "2026-06-30",
        "period_end": "2026-06-01", "stratum_level": "street", "design": "quota", "margin_percent": "5",
        "confidence_percent": "95", "expected_p_percent": "50", "quota": "20",
    })  # fmt: skip
    assert response.status_code == 400
    assert "结束日期不能早于开始日期。" in response.content.decode()
    assert Wave.objects.count() == 1


def test_open_and_close_through_the_page(client, draft_world):
    w = draft_world
    client.force_login(w.office)
    client.post(url("wave_open", w.wave.pk))
    assert Wave.objects.get(pk=w.wave.pk).state == "open"
    response = client.post(url("wave_close", w.wave.pk), follow=True)
    assert Wave.objects.get(pk=w.wave.pk).state == "closed"
    assert "调查已结束，估计结果已固化。" in response.content.decode()


def test_wave_detail_shows_progress_per_stratum(client, world):
    for _ in range(3):
        respond(world, area=world.community)
    client.force_login(world.leader)
    html = client.get(url("wave_detail", world.wave.pk)).content.decode()
    assert "75%" in html  # 3 of 4 in 江头街道
    assert f"/surveys/s/{world.stratum().token}/" in html


def test_estimates_page_and_json(client, world):
    for q5 in ("1", "2", "3"):
        respond(world, area=world.community, q5=q5)
    respond(world, area=world.other_community, q5="1")
    client.force_login(world.leader)
    html = client.get(url("wave_estimates", world.wave.pk)).content.decode()
    assert "满意率" in html and "estimates-data" in html and "设计效应" in html
    data = client.get(url("wave_estimates", world.wave.pk) + "?format=json").json()
    # 0.25 × 2/3 + 0.75 × 1
    assert data["indicators"]["satisfaction"]["estimate"] == pytest.approx(0.25 * 2 / 3 + 0.75)


def test_compare_page(client, world):
    respond(world)
    closed = services.close_wave(actor=world.office, wave=world.wave)
    client.force_login(world.office)
    html = client.get(url("wave_compare") + f"?waves={closed.pk}").content.decode()
    assert closed.name in html and "compare-data" in html


def test_collect_json_submission_is_idempotent(client, world):
    client.force_login(world.interviewer)
    body = payload(world)
    first = client.post(url("collect", world.wave.pk), data=json.dumps(body), content_type="application/json",
                        headers={"Accept": "application/json"})  # fmt: skip
    again = client.post(url("collect", world.wave.pk), data=json.dumps(body), content_type="application/json",
                        headers={"Accept": "application/json"})  # fmt: skip
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["created"], again.json()["created"], again.json()["count"]) == (True, False, 1)
    assert Response.objects.get().interviewer == world.interviewer


def test_collect_json_refusal(client, world):
    client.force_login(world.interviewer)
    body = payload(world, age=70)
    response = client.post(url("collect", world.wave.pk), data=json.dumps(body), content_type="application/json",
                           headers={"Accept": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"error": "年龄 70 岁不在调查对象范围（18–65 岁）内。", "code": "ineligible"}
    assert Response.objects.count() == 0


def test_collect_plain_form_post(client, world):
    client.force_login(world.inspector)
    data = payload(world)
    form = {k: v for k, v in data.items() if k != "answers"}
    form.update({f"q_{qid}": v for qid, v in data["answers"].items()})
    response = client.post(url("collect", world.wave.pk), form, follow=True)
    assert "答卷已提交（本批次您已提交 1 份）。" in response.content.decode()
    assert Response.objects.get().interviewer == world.inspector


def test_collect_page_renders_the_questionnaire(client, world):
    client.force_login(world.interviewer)
    html = client.get(url("collect", world.wave.pk)).content.decode()
    assert "data-collect" in html and f'name="q_{world.questions["Q5"].pk}"' in html
    assert "江头街道 · 江头社区" in html and 'data-min-age="18"' in html
    services.close_wave(actor=world.office, wave=world.wave)
    html = client.get(url("collect", world.wave.pk)).content.decode()
    assert "本次调查未开始或已结束" in html and "data-collect" not in html


# --- the public link ----------------------------------------------------------------------------------------


def public_form(world, area=None, **kw) -> dict:
    data = payload(world, area=area or world.community, **kw)
    form = {k: v for k, v in data.items() if k in ("client_id", "area", "age", "residence", "occupation")}
    form.update({f"q_{qid}": v for qid, v in data["answers"].items()})
    return form


def test_public_link_sets_a_device_cookie_and_refuses_a_second_answer(client, world):
    token = world.stratum().token
    page = client.get(url("public_survey", token))
    assert "wenming_survey_device" in page.cookies
    assert "江头社区" in page.content.decode()
    first = client.post(url("public_survey", token), public_form(world))
    assert first.status_code == 302 and first["Location"] == url("public_thanks", token)
    again = client.post(url("public_survey", token), public_form(world))
    assert again.status_code == 409
    assert "您已在本设备上参与过本次调查，感谢您的支持！" in again.content.decode()
    r = Response.objects.get()
    assert (r.channel, r.stratum, r.area) == ("public", world.stratum(), world.community)


def test_public_link_cannot_answer_for_another_stratum(client, world):
    token = world.stratum().token
    client.get(url("public_survey", token))
    response = client.post(url("public_survey", token), public_form(world, area=world.other_community))
    assert response.status_code == 400
    assert "居住区域「高林社区」不属于分层「江头街道」。" in response.content.decode()
    assert Response.objects.count() == 0


def test_public_link_keeps_answers_after_an_error(client, world):
    token = world.stratum().token
    client.get(url("public_survey", token))
    response = client.post(url("public_survey", token), public_form(world, age=16))
    html = response.content.decode()
    assert response.status_code == 400 and "年龄 16 岁不在调查对象范围（18–65 岁）内。" in html
    q5 = world.questions["Q5"]
    assert f'name="q_{q5.pk}" value="1" required checked' in html


def test_public_link_of_a_closed_wave(client, world):
    services.close_wave(actor=world.office, wave=world.wave)
    token = world.stratum().token
    assert (
        "本次调查未开始或已结束，感谢您的关注。" in client.get(url("public_survey", token)).content.decode()
    )
    assert client.post(url("public_survey", token), public_form(world)).status_code == 410


# --- import / export pages ------------------------------------------------------------------------------------


def test_import_page_shows_errors_and_writes_nothing(client, world):
    workbook = Workbook()
    workbook.active.append(["区域编码", "年龄", "居住时间", "职业", "Q1", "Q2", "Q3", "Q4", "Q5"])
    workbook.active.append([world.community.code, 12, "3–5 年", "学生", "知道", "1", "1", "1", "1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "data.xlsx"
    buffer.seek(0)
    client.force_login(world.office)
    response = client.post(url("wave_import", world.wave.pk), {"file": buffer})
    assert response.status_code == 400
    html = response.content.decode()
    assert "发现 1 个错误，未导入任何数据" in html and "年龄 12 岁不在调查对象范围（18–65 岁）内。" in html
    assert Response.objects.count() == 0


def test_export_is_an_xlsx(client, world):
    respond(world)
    client.force_login(world.auditor)
    response = client.get(url("wave_export", world.wave.pk))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "anonymised" in response["Content-Disposition"]


# --- the questionnaire builder ------------------------------------------------------------------------------


def test_build_a_questionnaire(client, db):
    office = make_user("office")
    client.force_login(office)
    client.post(
        url("questionnaire_create"),
        {"title": "新问卷", "min_age": 18, "max_age": 65, "min_residence_months": 6},
    )
    q = Questionnaire.objects.get(title="新问卷")
    response = client.post(url("question_create", q.pk), {"code": "Q1", "text": "满意吗？", "kind": "satisfaction",
                                                          "scale": "three", "required": "on"})  # fmt: skip
    question = q.questions.get()
    assert response["Location"] == url("question_update", question.pk)
    form = {"code": "Q1", "text": "满意吗？", "kind": "satisfaction", "scale": "three", "required": "on"}
    for i, (label, score, positive) in enumerate(
        (("满意", "100", True), ("一般", "50", False), ("不满意", "0", False))
    ):
        form |= {f"opt_label_{i}": label, f"opt_score_{i}": score, f"opt_valid_{i}": "1"}
        if positive:
            form[f"opt_positive_{i}"] = "1"
    response = client.post(url("question_update", question.pk), form)
    assert response.status_code == 302
    question.refresh_from_db()
    assert [(o["label"], o["score"], o["positive"]) for o in question.options] == [
        ("满意", 100, True),
        ("一般", 50, False),
        ("不满意", 0, False),
    ]
    form["opt_score_1"] = "150"
    response = client.post(url("question_update", question.pk), form)
    assert (
        response.status_code == 400 and "选项「一般」的分值必须在 0–100 之间。" in response.content.decode()
    )
    question.refresh_from_db()
    assert question.options[1]["score"] == 50


def test_frozen_questionnaire_refuses_edits_on_the_page(client, world):
    client.force_login(world.office)
    q1 = world.questions["Q1"]
    response = client.post(url("question_delete", q1.pk), follow=True)
    assert "问卷已用于已开始的调查" in response.content.decode()
    assert Question.objects.filter(pk=q1.pk).exists()


# --- query counts ---------------------------------------------------------------------------------------------


def test_list_pages_have_bounded_queries(client, world, django_assert_max_num_queries):
    from tests.surveys.factories import jpeg, make_example, make_session

    for _ in range(12):
        respond(world, area=world.other_community)
    for i in range(3):
        services.create_wave(actor=world.office, name=f"批次{i}", questionnaire=world.questionnaire, design="quota",
                             quota=5, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31),
                             areas=[world.street])  # fmt: skip
        make_session(world, topic=f"培训{i}")
        make_example(world, title=f"示例{i}", photos=[jpeg()])
    client.force_login(world.office)
    pages = [url("survey_list"), url("response_list", world.wave.pk), url("questionnaire_list"), url("training_list"),
             url("example_list"), url("training_coverage"), url("wave_detail", world.wave.pk),
             url("wave_estimates", world.wave.pk)]  # fmt: skip
    for page in pages:
        with django_assert_max_num_queries(20):
            assert client.get(page).status_code == 200
        with django_assert_max_num_queries(20):
            assert client.get(page, headers={"HX-Request": "true"}).status_code == 200


def test_lists_are_scoped(client, world):
    other = make_world()
    respond(world, actor=world.interviewer)
    respond(world, actor=world.office)
    client.force_login(world.interviewer)
    html = client.get(url("survey_list")).content.decode()
    assert world.wave.name in html and f'href="{other.wave.get_absolute_url()}"' not in html
    rows = client.get(url("response_list", world.wave.pk), headers={"HX-Request": "true"}).content.decode()
    assert rows.count('href="/surveys/responses/') == 1  # only the interviewer's own response


def test_area_outside_any_street_is_not_offered(client, world):
    stray = make_area(AreaLevel.COMMUNITY, name="飞地社区", population=10)
    client.force_login(world.interviewer)
    assert "飞地社区" not in client.get(url("collect", world.wave.pk)).content.decode()
    assert stray.pk


def test_uuid_is_fresh_per_render(client, world):
    client.force_login(world.interviewer)
    a = client.get(url("collect", world.wave.pk)).context["client_id"]
    b = client.get(url("collect", world.wave.pk)).context["client_id"]
    assert isinstance(a, uuid.UUID) and a != b


def test_list_exports(client, world):
    from openpyxl import load_workbook

    from tests.surveys.factories import make_example, make_session

    make_session(world)
    make_example(world, title="公平秤示例")
    respond(world)
    client.force_login(world.office)
    expected = {
        url("survey_list"): ["2026 年第一季度市民满意度调查"],
        url("questionnaire_list"): ["文明城市创建市民满意度调查"],
        url("response_list", world.wave.pk): ["江头街道"],
        url("training_list"): ["文明城市测评标准解读"],
        url("example_list"): ["公平秤示例"],
        url("training_coverage"): ["江头街道办事处"],
    }
    for page, texts in expected.items():
        response = client.get(page + "?export=xlsx")
        assert response["Content-Type"].endswith("spreadsheetml.sheet"), page
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row]
        assert all(t in cells for t in texts), (page, cells)
