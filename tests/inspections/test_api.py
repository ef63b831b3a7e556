"""The inspections API: permission matrices, submission idempotency, round actions, query counts."""

import json

import pytest

from tests.factories import make_user
from tests.inspections.factories import jpeg, payload, with_result
from tests.permissions import assert_matrix
from wenming.cases.models import Case
from wenming.inspections import services
from wenming.inspections.models import Inspection, Round

BASE = "/api/v1/inspections"


def submitted(world, point_index=0):
    point = world.points[point_index]
    task = world.tasks[point.pk]
    sub = services.parse_submission(payload(task, world.criteria, lat=point.lat, lon=point.lon))
    return services.submit_inspection(actor=world.inspector, submission=sub).inspection


def test_read_endpoints_matrix(client, world):
    w = world
    inspection = submitted(w)
    observation = inspection.observations.first()
    task = w.tasks[w.points[1].pk]
    assert_matrix(
        client, f"{BASE}/rounds/", {"anonymous": 401, w.street_user: 200, w.inspector: 200, w.office: 200}
    )
    assert_matrix(
        client,
        f"{BASE}/rounds/{w.round.pk}/",
        {"anonymous": 401, w.street_user: 404, w.stranger: 404, w.inspector: 200, w.office: 200},
    )
    assert_matrix(
        client,
        f"{BASE}/tasks/{task.pk}/",
        {"anonymous": 401, w.street_user: 404, w.stranger: 404, w.partner: 200, w.office: 200},
    )
    assert_matrix(
        client,
        f"{BASE}/inspections/{inspection.pk}/",
        {"anonymous": 401, w.other_street_user: 404, w.stranger: 404, w.street_user: 200, w.office: 200},
    )
    assert_matrix(
        client,
        f"{BASE}/observations/{observation.pk}/",
        {"anonymous": 401, w.other_street_user: 404, w.stranger: 404, w.unit_user: 200, w.inspector: 200},
    )
    assert_matrix(
        client,
        f"{BASE}/rounds/{w.round.pk}/preview/",
        {"anonymous": 401, w.stranger: 404, w.inspector: 403, w.office: 200},
    )


def test_lists_are_scoped_and_bounded(client, world, django_assert_max_num_queries):
    w = world
    for i in range(3):
        submitted(w, i)
    client.force_login(w.street_user)
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/inspections/").json()
    assert body["count"] == 2  # the two points of 江头街道
    client.force_login(w.office)
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/observations/").json()["count"] == 18
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/tasks/").json()["count"] == 3
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/rounds/").json()["count"] == 1
    client.force_login(w.stranger)
    assert client.get(f"{BASE}/tasks/").json()["count"] == 0
    assert client.get(f"{BASE}/rounds/").json()["count"] == 0


def test_submit_is_idempotent_over_the_api(client, world):
    w = world
    task = w.tasks[w.points[0].pk]
    abc = w.criteria["abc"]
    obs = with_result(payload(task, w.criteria)["observations"], abc, result="noncompliant", problems=2)
    data = payload(task, w.criteria, observations=obs)
    client.force_login(w.inspector)
    first = client.post(f"{BASE}/inspections/", {"payload": json.dumps(data), f"photo_{abc.pk}": jpeg()})
    second = client.post(f"{BASE}/inspections/", data, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["client_id"] == data["client_id"]
    failure = next(o for o in first.json()["observations"] if o["criterion"] == abc.pk)
    assert failure["problems"] == 2
    assert failure["case"] == Case.objects.get().pk
    assert len(failure["photos"]) == 1
    assert (Inspection.objects.count(), Case.objects.count()) == (1, 1)


def test_submit_matrix_and_refusals_write_nothing(client, world):
    w = world
    task = w.tasks[w.points[0].pk]
    url = f"{BASE}/inspections/"
    for who, status in [("anonymous", 401), (w.street_user, 404), (w.stranger, 404)]:
        client.logout()
        if who != "anonymous":
            client.force_login(who)
        response = client.post(url, payload(task, w.criteria), content_type="application/json")
        assert response.status_code == status, who
    client.force_login(w.inspector)
    bad = client.post(url, payload(task, w.criteria, observations=[]), content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "incomplete"
    assert bad.json()["error"].startswith("还有 6 项未填写")
    assert Inspection.objects.count() == 0
    ok = client.post(url, payload(task, w.criteria), content_type="application/json")
    assert ok.status_code == 201


def test_round_lifecycle_over_the_api(client, world):
    w = world
    leader = make_user("leader")
    body = {
        "kind": "daily",
        "name": "五月常态巡查",
        "period_start": "2026-05-01",
        "period_end": "2026-05-31",
        "standard_set": w.standard.pk,
        "sampling_plan": {"mode": "random", "per_type": {w.point_type.code: 2}},
        "seed": 7,
        "inspectors": [w.inspector.pk, w.partner.pk],
    }
    client.force_login(leader)
    assert client.post(f"{BASE}/rounds/", body, content_type="application/json").status_code == 403
    assert Round.objects.count() == 1
    client.force_login(w.office)
    created = client.post(f"{BASE}/rounds/", body, content_type="application/json")
    assert created.status_code == 201
    rid = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert created.json()["inspectors"] == [
        {"user": w.inspector.pk, "team": 1},
        {"user": w.partner.pk, "team": 1},
    ]
    preview = client.get(f"{BASE}/rounds/{rid}/preview/").json()
    assert preview["total"] == 2 and preview["seed"] == 7
    patched = client.patch(f"{BASE}/rounds/{rid}/", {"name": "五月巡查"}, content_type="application/json")
    assert patched.json()["name"] == "五月巡查"
    published = client.post(f"{BASE}/rounds/{rid}/publish/")
    assert published.json()["state"] == "published"
    assert published.json()["tasks_total"] == 2
    assert sorted(Round.objects.get(pk=rid).tasks.values_list("point_id", flat=True)) == sorted(
        preview["by_type"][0]["drawn"]
    )
    again = client.post(f"{BASE}/rounds/{rid}/publish/")
    assert again.status_code == 400
    assert again.json()["error"] == "只有草稿状态的轮次可以发布。"
    copy = client.post(f"{BASE}/rounds/{rid}/copy/", {"keep_seed": True}, content_type="application/json")
    assert copy.status_code == 201 and copy.json()["seed"] == 7 and copy.json()["copied_from"] == rid
    closed = client.post(f"{BASE}/rounds/{rid}/close/")
    assert closed.json()["state"] == "closed"


@pytest.mark.parametrize("action", ["publish", "copy", "close"])
def test_round_actions_matrix(client, world, action):
    w = world
    url = f"{BASE}/rounds/{w.round.pk}/{action}/"
    assert_matrix(
        client,
        url,
        {"anonymous": 401, w.street_user: 404, w.stranger: 404, w.inspector: 403},
        method="post",
        data={},
    )
    assert Round.objects.count() == 1
    assert Round.objects.get().state == "published"
