"""Responses: the idempotent write, eligibility rules, the checks of a submission, who may collect, and the
duplicate protection of the public link (device cookie, phone digest, address window — all in the database)."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_user
from tests.surveys.factories import make_world, payload, respond
from wenming.surveys import services
from wenming.surveys.models import Answer, Response


def submit(world, actor=None, channel="interview", device="", ip="", data=None, **kw):
    data = data or payload(world, **kw)
    return services.submit_response(actor=actor, wave=world.wave, submission=services.parse_submission(data),
                                    channel=channel, device=device, ip=ip)  # fmt: skip


def test_interview_response_records_answers_place_and_time(world):
    # given a respondent interviewed in 江头社区 by the named interviewer
    data = payload(world, q5="2", q6="路灯多装一些")
    # when submitted
    result = submit(world, actor=world.interviewer, data=data)
    # then the response, its stratum (the street above the community), GPS and answers are stored
    r = result.response
    assert result.created is True
    assert (r.stratum.area, r.area, r.channel, r.interviewer) == (world.street, world.community, "interview",
                                                                  world.interviewer)  # fmt: skip
    assert (r.age, r.age_band, r.residence, r.occupation) == (35, "35_44", "3_5y", "employee")
    assert (r.lat, r.lon, r.accuracy_m) == (24.51, 118.14, 15)
    assert r.completed_at == datetime.datetime(2026, 3, 10, 1, 5, tzinfo=datetime.UTC)
    given = {a.question.code: (a.value, a.text) for a in r.answers.select_related("question")}
    assert given == {"Q1": ("1", ""), "Q2": ("1", ""), "Q3": ("1", ""), "Q4": ("1", ""), "Q5": ("2", ""),
                     "Q6": ("", "路灯多装一些")}  # fmt: skip


def test_same_client_id_twice_returns_the_first_response(world):
    data = payload(world)
    first = submit(world, actor=world.interviewer, data=data)
    again = submit(world, actor=world.interviewer, data=data)
    assert (again.created, again.response.pk) == (False, first.response.pk)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 5


def test_client_id_of_another_wave_is_refused(world):
    data = payload(world)
    submit(world, actor=world.office, data=data)
    other = make_world()
    with pytest.raises(services.SurveyError) as exc:
        services.submit_response(actor=other.office, wave=other.wave, submission=services.parse_submission(
            payload(other, client_id=data["client_id"])))  # fmt: skip
    assert exc.value.messages == ["客户端编号已用于其他调查。"]
    assert Response.objects.filter(wave=other.wave).count() == 0


@pytest.mark.parametrize(("age", "ok"), [(17, False), (18, True), (65, True), (66, False)])
def test_age_eligibility_18_to_65(world, age, ok):
    if ok:
        assert submit(world, actor=world.office, age=age).created
        return
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.office, age=age)
    assert exc.value.code == "ineligible"
    assert exc.value.messages == [f"年龄 {age} 岁不在调查对象范围（18–65 岁）内。"]
    assert Response.objects.count() == 0


@pytest.mark.parametrize(("residence", "ok"), [("lt6m", False), ("6m_1y", True), ("gt10y", True)])
def test_residence_of_at_least_six_months(world, residence, ok):
    if ok:
        assert submit(world, actor=world.office, residence=residence).created
        return
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.office, residence=residence)
    assert (exc.value.code, exc.value.messages) == (
        "ineligible",
        ["在本地居住不满 6 个月，不在调查对象范围内。"],
    )
    assert Response.objects.count() == 0


def test_rules_of_a_questionnaire_in_use_are_frozen(world):
    with pytest.raises(services.SurveyError) as exc:
        services.update_questionnaire(
            actor=world.office, questionnaire=world.questionnaire, min_residence_months=12
        )
    assert exc.value.code == "locked"
    world.questionnaire.refresh_from_db()
    assert world.questionnaire.min_residence_months == 6


def test_stricter_rules_apply(draft_world):
    w = draft_world
    services.update_questionnaire(actor=w.office, questionnaire=w.questionnaire, min_age=20, max_age=60,
                                  min_residence_months=12)  # fmt: skip
    w.wave = services.open_wave(actor=w.office, wave=w.wave)
    with pytest.raises(services.SurveyError) as exc:
        submit(w, actor=w.office, age=19, residence="6m_1y")
    assert exc.value.messages == [
        "年龄 19 岁不在调查对象范围（20–60 岁）内。 在本地居住不满 12 个月，不在调查对象范围内。"
    ]
    assert submit(w, actor=w.office, age=20, residence="1_3y").created


def test_age_band_instead_of_age(world):
    data = payload(world)
    data.pop("age")
    data["age_band"] = "55_65"
    assert submit(world, actor=world.office, data=data).response.age_band == "55_65"
    data = payload(world)
    data.pop("age")
    data["age_band"] = "gt65"
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.office, data=data)
    assert exc.value.messages == ["年龄段「65 岁以上」不在调查对象范围（18–65 岁）内。"]


def test_every_problem_is_reported_and_nothing_written(world):
    data = payload(world, q3="9")
    data["answers"].pop(str(world.questions["Q1"].pk))
    data["occupation"] = ""
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.office, data=data)
    assert exc.value.code == "invalid"
    assert exc.value.messages == ["请选择职业。 第 Q1 题未作答。 第 Q3 题没有选项「9」。"]
    assert Response.objects.count() == 0


def test_answers_by_label_or_position(world):
    r = submit(world, actor=world.office, q3="基本支持", q5="3").response
    given = {a.question.code: a.value for a in r.answers.select_related("question")}
    assert (given["Q3"], given["Q5"]) == ("2", "3")


def test_area_outside_the_strata_is_refused(world):
    outsider = make_world().community
    data = payload(world)
    data["area"] = outsider.pk
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.office, data=data)
    assert exc.value.messages == ["居住区域不在本次调查范围内。"]


def test_area_of_another_stratum_is_refused(world):
    data = payload(world)
    data["stratum"] = world.stratum(world.other_street).pk
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.office, data=data)
    assert exc.value.messages == ["居住区域「江头社区」不属于分层「金山街道」。"]


def test_stratum_is_found_from_the_area(world):
    data = payload(world, area=world.other_community)
    data.pop("stratum")
    assert submit(world, actor=world.office, data=data).response.stratum.area == world.other_street


def test_gcj02_position_is_stored_as_wgs84(world):
    data = payload(world)
    data.update(lat=24.5122, lon=118.1457, coord_system="GCJ02")
    r = submit(world, actor=world.office, data=data).response
    assert r.coord_system == "GCJ02"
    assert abs(r.lat - 24.5122) > 1e-4 and abs(r.lat - 24.5122) < 0.01


def test_who_may_collect(world):
    stranger = make_user("unit_handler", unit=world.unit)
    with pytest.raises(services.NotFound):
        submit(world, actor=stranger)
    with pytest.raises(PermissionDenied):
        submit(world, actor=world.leader)  # sees the wave, does not collect
    assert submit(world, actor=world.inspector).created  # the wave is open to inspectors
    assert submit(world, actor=world.interviewer).created  # named interviewer
    assert Response.objects.count() == 2


def test_inspectors_only_when_the_wave_is_open_to_them(world):
    services.update_wave(actor=world.office, wave=world.wave, open_to_inspectors=False)
    with pytest.raises(services.NotFound):
        submit(world, actor=world.inspector)
    assert Response.objects.count() == 0


def test_closed_wave_refuses_responses(world):
    services.close_wave(actor=world.office, wave=world.wave)
    world.wave.refresh_from_db()
    with pytest.raises(services.SurveyError) as exc:
        submit(world, actor=world.interviewer)
    assert exc.value.code == "closed"
    assert Response.objects.count() == 0


# --- the public link ----------------------------------------------------------------------------------------


def test_public_response_stores_only_digests(world):
    data = payload(world)
    data["phone"] = "138 0013 8000"
    r = submit(world, channel="public", data=data, device="d" * 32, ip="10.0.0.1").response
    assert (r.channel, r.interviewer) == ("public", None)
    assert r.phone_hash == services.keyed_hash("phone", world.wave, "13800138000")
    assert r.device_hash == services.keyed_hash("device", world.wave, "d" * 32)
    assert "13800138000" not in (r.phone_hash + r.device_hash + r.ip_hash)
    assert len(r.ip_hash) == 64


def test_same_device_cannot_answer_twice(world):
    submit(world, channel="public", device="a" * 32, ip="10.0.0.1")
    with pytest.raises(services.SurveyError) as exc:
        submit(world, channel="public", device="a" * 32, ip="10.0.0.2")
    assert (exc.value.code, exc.value.messages) == (
        "duplicate",
        ["您已在本设备上参与过本次调查，感谢您的支持！"],
    )
    assert Response.objects.count() == 1


def test_same_phone_cannot_answer_twice_from_another_device(world):
    first = payload(world)
    first["phone"] = "13800138000"
    submit(world, channel="public", data=first, device="a" * 32)
    second = payload(world)
    second["phone"] = "138-0013-8000"
    with pytest.raises(services.SurveyError) as exc:
        submit(world, channel="public", data=second, device="b" * 32)
    assert exc.value.code == "duplicate"
    assert Response.objects.count() == 1


def test_the_digests_do_not_match_across_waves(world):
    other = make_world()
    assert services.keyed_hash("phone", world.wave, "13800138000") != services.keyed_hash(
        "phone", other.wave, "13800138000")  # fmt: skip


def test_malformed_phone_is_refused(world):
    data = payload(world)
    data["phone"] = "12345"
    with pytest.raises(services.SurveyError) as exc:
        submit(world, channel="public", data=data, device="a" * 32)
    assert exc.value.messages == ["手机号格式不正确（11 位手机号码）。"]
    assert Response.objects.count() == 0


def test_address_window_limits_public_responses(world, settings):
    settings.SURVEY_PUBLIC_MAX_PER_IP = 2
    settings.SURVEY_PUBLIC_IP_WINDOW_MINUTES = 60
    for device in ("a", "b"):
        submit(world, channel="public", device=device * 32, ip="10.0.0.9")
    with pytest.raises(services.SurveyError) as exc:
        submit(world, channel="public", device="c" * 32, ip="10.0.0.9")
    assert (exc.value.code, exc.value.messages) == ("rate_limited", ["同一网络提交过于频繁，请稍后再试。"])
    assert submit(world, channel="public", device="d" * 32, ip="10.0.0.10").created  # another address
    # an hour later the window has passed
    Response.objects.filter(wave=world.wave).update(
        received_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    assert submit(world, channel="public", device="e" * 32, ip="10.0.0.9").created
    assert Response.objects.count() == 4


def test_public_link_closed(world):
    services.update_wave(actor=world.office, wave=world.wave, public_link=False)
    world.wave.refresh_from_db()
    with pytest.raises(services.SurveyError) as exc:
        submit(world, channel="public", device="a" * 32)
    assert exc.value.code == "closed"


def test_public_resubmission_with_same_client_id_is_not_a_duplicate(world):
    data = payload(world)
    first = submit(world, channel="public", data=data, device="a" * 32)
    again = submit(world, channel="public", data=data, device="a" * 32)
    assert (again.created, again.response.pk) == (False, first.response.pk)


def test_parse_refuses_a_missing_client_id():
    with pytest.raises(services.SurveyError) as exc:
        services.parse_submission({"answers": {}})
    assert exc.value.messages == ["缺少有效的客户端编号（client_id）。"]


def test_respond_helper_counts(world):
    respond(world, client_id=uuid.uuid4())
    assert world.wave.responses.count() == 1
