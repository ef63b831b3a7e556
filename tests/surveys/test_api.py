"""The surveys API: permission matrices for every endpoint, the idempotent response POST, estimates, scoping and
query counts."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import make_user
from tests.permissions import assert_api_matrix
from tests.surveys.factories import jpeg, make_example, make_session, make_world, payload, respond
from wenming.surveys.models import Response

API = "/api/v1/surveys"


@pytest.fixture
def outsider(world):
    return make_world().interviewer


def auth(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_wave_endpoints_matrix(client, world, outsider):
    w = world
    assert_api_matrix(
        client, f"{API}/waves/", {"anonymous": 401, w.unit_user: 200, w.interviewer: 200, w.leader: 200}
    )
    detail = f"{API}/waves/{w.wave.pk}/"
    assert_api_matrix(client, detail, {"anonymous": 401, w.unit_user: 404, outsider: 404, w.interviewer: 200,
                                       w.inspector: 200, w.leader: 200, w.office: 200})  # fmt: skip
    assert_api_matrix(client, f"{detail}estimates/", {"anonymous": 401, w.unit_user: 404, outsider: 404,
                                                      w.interviewer: 403, w.leader: 200, w.auditor: 200})  # fmt: skip


def test_questionnaire_endpoints_matrix(client, world, outsider):
    w = world
    assert_api_matrix(client, f"{API}/questionnaires/", {"anonymous": 401, w.unit_user: 200, w.leader: 200})
    assert_api_matrix(client, f"{API}/questionnaires/{w.questionnaire.pk}/",
                      {"anonymous": 401, w.unit_user: 404, outsider: 404, w.interviewer: 200, w.leader: 200})  # fmt: skip


def test_response_endpoints_matrix(client, world, outsider):
    w = world
    mine = respond(w, actor=w.interviewer)
    assert_api_matrix(client, f"{API}/responses/", {"anonymous": 401, w.unit_user: 200, w.leader: 200})
    assert_api_matrix(client, f"{API}/responses/{mine.pk}/", {"anonymous": 401, outsider: 404, w.inspector: 404,
                                                              w.interviewer: 200, w.auditor: 200})  # fmt: skip
    body = payload(w) | {"wave": w.wave.pk}
    assert_api_matrix(client, f"{API}/responses/", {"anonymous": 401, w.unit_user: 404, outsider: 404,
                                                    w.leader: 403}, method="post", data=body)  # fmt: skip
    assert Response.objects.count() == 1


def test_training_and_example_endpoints_matrix(client, world):
    w = world
    outside = make_user("unit_handler", unit=make_world().unit)
    session = make_session(w)
    published = make_example(w, photos=[jpeg()])
    draft = make_example(w, is_published=False)
    assert_api_matrix(client, f"{API}/training-sessions/", {"anonymous": 401, w.unit_user: 200, outside: 200})
    assert_api_matrix(client, f"{API}/training-sessions/{session.pk}/",
                      {"anonymous": 401, outside: 404, w.unit_user: 200, w.leader: 200})  # fmt: skip
    assert_api_matrix(client, f"{API}/examples/", {"anonymous": 401, w.unit_user: 200})
    assert_api_matrix(client, f"{API}/examples/{published.pk}/", {"anonymous": 401, w.unit_user: 200})
    assert_api_matrix(
        client, f"{API}/examples/{draft.pk}/", {"anonymous": 401, w.unit_user: 404, w.office: 200}
    )


def test_post_response_is_idempotent(client, world):
    body = payload(world) | {"wave": world.wave.pk}
    first = client.post(
        f"{API}/responses/", body, content_type="application/json", headers=auth(world.inspector)
    )
    again = client.post(
        f"{API}/responses/", body, content_type="application/json", headers=auth(world.inspector)
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    data = first.json()
    assert (data["channel"], data["interviewer"], data["age_band"], len(data["answers"])) == (
        "interview",
        world.inspector.pk,
        "35_44",
        5,
    )
    assert Response.objects.count() == 1


def test_post_response_refusal(client, world):
    body = payload(world, residence="lt6m") | {"wave": world.wave.pk}
    response = client.post(
        f"{API}/responses/", body, content_type="application/json", headers=auth(world.inspector)
    )
    assert response.status_code == 400
    assert response.json() == {"error": "在本地居住不满 6 个月，不在调查对象范围内。", "code": "ineligible"}
    assert Response.objects.count() == 0


def test_estimates_endpoint(client, world):
    for q5 in ("1", "1", "3", "3"):
        respond(world, area=world.community, q5=q5)
    data = client.get(f"{API}/waves/{world.wave.pk}/estimates/", headers=auth(world.leader)).json()
    assert data["indicators"]["satisfaction"]["estimate"] == pytest.approx(0.5)
    assert data["indicators"]["satisfaction"]["by_stratum"][1]["estimate"] is None
    assert data["frozen"] is False


def test_wave_detail_lists_strata_with_progress(client, world):
    respond(world, area=world.other_community)
    data = client.get(f"{API}/waves/{world.wave.pk}/", headers=auth(world.office)).json()
    assert [(s["area_name"], s["target"], s["responses_count"]) for s in data["strata"]] == [
        ("江头街道", 4, 0),
        ("金山街道", 4, 1),
    ]
    assert (data["responses_total"], data["target_total"], data["state"]) == (1, 8, "open")


def test_questionnaire_carries_the_score_mapping(client, world):
    data = client.get(f"{API}/questionnaires/{world.questionnaire.pk}/", headers=auth(world.leader)).json()
    q5 = next(q for q in data["questions"] if q["code"] == "Q5")
    assert [(o["label"], o["score"], o["positive"], o["valid"]) for o in q5["options"]] == [
        ("满意", 100, True, True),
        ("基本满意", 60, True, True),
        ("不满意", 0, False, True),
        ("说不清", None, False, False),
    ]


def test_api_lists_have_bounded_queries(client, world, django_assert_max_num_queries):
    for _ in range(8):
        respond(world)
    for i in range(3):
        make_session(world, topic=f"培训{i}")
        make_example(world, title=f"示例{i}", photos=[jpeg()])
    headers = auth(world.office)
    for endpoint in ("waves", "questionnaires", "responses", "training-sessions", "examples"):
        with django_assert_max_num_queries(12):
            assert client.get(f"{API}/{endpoint}/", headers=headers).status_code == 200
