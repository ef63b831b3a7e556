"""Pages: permission matrices, the planner, the phone form (JSON and plain posts), scan, review, lists."""

import json
import uuid

import pytest
from django.urls import reverse

from tests.factories import make_point, make_user
from tests.inspections.factories import jpeg, payload, with_result
from tests.permissions import assert_matrix
from wenming.cases.models import Case
from wenming.core import media as core_media
from wenming.inspections import services
from wenming.inspections.models import Inspection, Round


def submitted(world, point_index=0, **kw):
    point = world.points[point_index]
    task = world.tasks[point.pk]
    kw.setdefault("lat", point.lat)
    kw.setdefault("lon", point.lon)
    sub = services.parse_submission(payload(task, world.criteria, **kw))
    return services.submit_inspection(actor=world.inspector, submission=sub).inspection


# --- permission matrices ---------------------------------------------------------------------------------


def test_round_pages_matrix(client, world):
    w = world
    leader = make_user("leader")
    assert_matrix(
        client,
        reverse("inspections:round_list"),
        {"anonymous": 302, w.street_user: 200, w.stranger: 200, w.inspector: 200, w.office: 200},
    )
    assert_matrix(
        client,
        reverse("inspections:round_create"),
        {"anonymous": 302, w.inspector: 403, leader: 403, w.office: 200},
    )
    assert_matrix(
        client,
        reverse("inspections:round_detail", args=[w.round.pk]),
        {"anonymous": 302, w.street_user: 404, w.stranger: 404, w.inspector: 200, leader: 200, w.office: 200},
    )
    assert_matrix(
        client,
        reverse("inspections:round_preview", args=[w.round.pk]),
        {"anonymous": 302, w.street_user: 404, w.stranger: 404, w.inspector: 403, w.office: 200},
    )
    assert_matrix(
        client,
        reverse("inspections:round_update", args=[w.round.pk]),
        {"anonymous": 302, w.stranger: 404, w.inspector: 403, w.office: 302},  # published: back to the round
    )
    draft = services.copy_round(actor=w.office, round=w.round)
    assert_matrix(
        client,
        reverse("inspections:round_update", args=[draft.pk]),
        {"anonymous": 302, w.inspector: 404, w.office: 200},
    )


@pytest.mark.parametrize("action", ["round_publish", "round_copy", "round_close"])
def test_round_actions_matrix(client, world, action):
    w = world
    url = reverse(f"inspections:{action}", args=[w.round.pk])
    assert_matrix(
        client,
        url,
        {"anonymous": 302, w.street_user: 404, w.stranger: 404, w.inspector: 403},
        method="post",
        data={},
    )
    assert Round.objects.get(pk=w.round.pk).state == "published"
    assert Round.objects.count() == 1


def test_inspector_pages_matrix(client, world):
    w = world
    task = w.tasks[w.points[0].pk]
    assert_matrix(
        client,
        reverse("inspections:task_list"),
        {"anonymous": 302, w.street_user: 200, w.inspector: 200, w.office: 200},
    )
    assert_matrix(
        client,
        reverse("inspections:task_inspect", args=[task.pk]),
        {
            "anonymous": 302,
            w.street_user: 404,
            w.stranger: 404,
            w.partner: 200,
            w.inspector: 200,
            w.office: 200,
        },
    )
    assert_matrix(
        client,
        reverse("inspections:scan", args=[w.points[0].code]),
        {"anonymous": 302, w.street_user: 404, w.stranger: 404, w.inspector: 302},
    )
    assert_matrix(client, reverse("inspections:service_worker"), {"anonymous": 200, w.inspector: 200})


def test_review_pages_matrix(client, world):
    w = world
    inspection = submitted(w)
    assert_matrix(
        client,
        reverse("inspections:inspection_list"),
        {"anonymous": 302, w.other_street_user: 200, w.street_user: 200, w.inspector: 200, w.office: 200},
    )
    assert_matrix(
        client,
        reverse("inspections:inspection_detail", args=[inspection.pk]),
        {
            "anonymous": 302,
            w.other_street_user: 404,
            w.stranger: 404,
            w.street_user: 200,
            w.unit_user: 200,
            w.partner: 200,
            w.inspector: 200,
            w.office: 200,
        },
    )


def test_inspection_list_is_scoped(client, world):
    w = world
    mine = submitted(w, 0)
    other = submitted(w, 2)
    client.force_login(w.street_user)
    page = client.get(reverse("inspections:inspection_list"))
    assert [i.pk for i in page.context["page_obj"].object_list] == [mine.pk]
    client.force_login(w.other_street_user)
    page = client.get(reverse("inspections:inspection_list"))
    assert [i.pk for i in page.context["page_obj"].object_list] == [other.pk]


# --- planner -----------------------------------------------------------------------------------------------


def test_office_plans_a_round_through_the_form(client, world):
    w = world
    client.force_login(w.office)
    response = client.post(
        reverse("inspections:round_create"),
        {
            "kind": "supervision",
            "name": "四月督查",
            "period_start": "2026-04-01",
            "period_end": "2026-04-30",
            "standard_set": w.standard.pk,
            "mode": "stratified",
            f"type_{w.point_type.code}": "2",
            "seed": "99",
            "inspectors": [w.inspector.pk, w.partner.pk],
            "team_size": "2",
            "note": "",
        },
    )
    round_ = Round.objects.get(name="四月督查")
    assert response.status_code == 302
    assert response.url == reverse("inspections:round_preview", args=[round_.pk])
    assert round_.sampling_plan == {"mode": "stratified", "per_type": {w.point_type.code: 2}}
    assert round_.seed == 99
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert preview.context["total"] == 2
    html = preview.content.decode()
    assert "按街道分层随机抽取" in html and "99" in html
    client.post(reverse("inspections:round_publish", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.state == "published"
    assert sorted(round_.tasks.values_list("point_id", flat=True)) == sorted(
        services.draw_round(round_).point_ids
    )


def test_invalid_round_form_shows_a_chinese_error_and_writes_nothing(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("inspections:round_create"),
        {
            "kind": "mock",
            "name": "空方案",
            "period_start": "2026-04-01",
            "period_end": "2026-04-30",
            "standard_set": world.standard.pk,
            "mode": "random",
            "team_size": "2",
        },
    )
    assert response.status_code == 400
    assert "请至少为一种点位类型设置抽取数量。" in response.content.decode()
    assert Round.objects.count() == 1


def test_publish_refusal_is_shown_as_a_message(client, world):
    client.force_login(world.office)
    response = client.post(reverse("inspections:round_publish", args=[world.round.pk]), follow=True)
    assert "只有草稿状态的轮次可以发布。" in response.content.decode()


def test_round_detail_shows_progress(client, world):
    submitted(world)
    client.force_login(world.office)
    response = client.get(reverse("inspections:round_detail", args=[world.round.pk]))
    assert response.context["round"].tasks_done == 1
    assert response.context["round"].tasks_total == 3
    assert response.context["percent"] == 33
    assert "1 / 3" in response.content.decode()


def test_close_through_the_page(client, world):
    client.force_login(world.office)
    response = client.post(reverse("inspections:round_close", args=[world.round.pk]))
    assert response.status_code == 302
    assert Round.objects.get(pk=world.round.pk).state == "closed"


def test_copy_through_the_page_redirects_to_the_copy(client, world):
    client.force_login(world.office)
    response = client.post(reverse("inspections:round_copy", args=[world.round.pk]))
    copy = Round.objects.exclude(pk=world.round.pk).get()
    assert response.url == reverse("inspections:round_detail", args=[copy.pk])
    assert copy.state == "draft"


# --- the phone form ------------------------------------------------------------------------------------------


def test_phone_form_lists_the_checklist_grouped_with_inputs(client, world):
    task = world.tasks[world.points[0].pk]
    client.force_login(world.inspector)
    response = client.get(reverse("inspections:task_inspect", args=[task.pk]))
    html = response.content.decode()
    groups = response.context["groups"]
    assert [g.is_block for g in groups] == [False, True]
    assert [i.criterion.code for i in groups[1].items] == [world.criteria["block"].code]
    assert len(groups[0].items) == 5
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert f'name="count_{world.criteria["quota"].pk}"' in html
    assert f'name="sub_{world.criteria["sampled"].pk}_3"' in html
    assert f'name="problems_{world.criteria["abc"].pk}"' in html
    assert "抽查 3 个楼道" in html
    assert 'data-max-distance="300"' in html


def test_phone_form_json_post_is_idempotent(client, world):
    task = world.tasks[world.points[0].pk]
    abc = world.criteria["abc"]
    obs = with_result(payload(task, world.criteria)["observations"], abc, result="noncompliant", problems=1)
    data = payload(task, world.criteria, observations=obs)
    client.force_login(world.inspector)
    url = reverse("inspections:task_inspect", args=[task.pk])
    first = client.post(
        url, {"payload": json.dumps(data), f"photo_{abc.pk}": jpeg()}, headers={"accept": "application/json"}
    )
    again = client.post(
        url, {"payload": json.dumps(data), f"photo_{abc.pk}": jpeg()}, headers={"accept": "application/json"}
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["created"] is True and again.json()["created"] is False
    assert first.json()["cases"] == 1
    assert (Inspection.objects.count(), Case.objects.count()) == (1, 1)


def test_phone_form_json_refusal_is_a_chinese_error(client, world):
    task = world.tasks[world.points[0].pk]
    client.force_login(world.inspector)
    data = payload(task, world.criteria, lat=24.53)
    response = client.post(
        reverse("inspections:task_inspect", args=[task.pk]),
        {"payload": json.dumps(data)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "far_away"
    assert response.json()["error"].startswith("您距离点位约 1668 米，超过 300 米。")
    assert Inspection.objects.count() == 0


def test_payload_for_another_task_is_refused(client, world):
    task, other = world.tasks[world.points[0].pk], world.tasks[world.points[1].pk]
    client.force_login(world.inspector)
    data = payload(other, world.criteria)
    response = client.post(
        reverse("inspections:task_inspect", args=[task.pk]),
        {"payload": json.dumps(data)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "提交的任务与页面不一致。"
    assert Inspection.objects.count() == 0


def test_plain_form_post_without_javascript(client, world):
    task = world.tasks[world.points[0].pk]
    c = world.criteria
    client.force_login(world.inspector)
    form = {
        "client_id": str(uuid.uuid4()),
        "task": task.pk,
        "lat": "24.515",
        "lon": "118.14",
        "accuracy": "5",
        f"result_{c['compliance'].pk}": "compliant",
        f"result_{c['abc'].pk}": "noncompliant",
        f"problems_{c['abc'].pk}": "3",
        f"note_{c['abc'].pk}": "垃圾",
        f"photo_{c['abc'].pk}": jpeg(),
        f"result_{c['deduction'].pk}": "compliant",
        f"problems_{c['deduction'].pk}": "",
        f"result_{c['quota'].pk}": "compliant",
        f"count_{c['quota'].pk}": "4",
        f"result_{c['sampled'].pk}": "compliant",
        f"sub_{c['sampled'].pk}_1": "1",
        f"sub_{c['sampled'].pk}_2": "1",
        f"sub_{c['sampled'].pk}_3": "1",
        f"result_{c['block'].pk}": "na",
    }
    response = client.post(reverse("inspections:task_inspect", args=[task.pk]), form)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inspections:inspection_detail", args=[inspection.pk])
    abc = inspection.observations.get(criterion=c["abc"])
    assert (abc.result, abc.problems, abc.note, abc.photos.count()) == ("noncompliant", 3, "垃圾", 1)
    assert inspection.observations.get(criterion=c["quota"]).count == 4
    assert inspection.observations.get(criterion=c["sampled"]).sub_results == [True, True, True]


def test_done_task_page_links_to_the_record(client, world):
    inspection = submitted(world)
    client.force_login(world.inspector)
    response = client.get(reverse("inspections:task_inspect", args=[inspection.task_id]))
    assert response.context["open_for_input"] is False
    assert inspection.get_absolute_url() in response.content.decode()


def test_scan_opens_the_task_or_says_why_not(client, world):
    client.force_login(world.inspector)
    response = client.get(reverse("inspections:scan", args=[world.points[0].code]))
    assert response.url == reverse("inspections:task_inspect", args=[world.tasks[world.points[0].pk].pk])
    missing = client.get(reverse("inspections:scan", args=["NOPE"]))
    assert missing.status_code == 404
    assert "点位「NOPE」不存在。" in missing.content.decode()
    unassigned = make_point(point_type=world.point_type)
    response = client.get(reverse("inspections:scan", args=[unassigned.code]))
    assert response.status_code == 404
    assert "您在该点位没有待测评的任务。" in response.content.decode()


# --- task list ---------------------------------------------------------------------------------------------------


def test_task_list_shows_own_pending_tasks_nearest_first(client, world, django_assert_max_num_queries):
    client.force_login(world.inspector)
    # near the third point (金山路 24.50, 118.18)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inspections:task_list"), {"lat": "24.5001", "lon": "118.1801"})
    tasks = list(response.context["page_obj"].object_list)
    assert [t.point_id for t in tasks] == [world.points[2].pk, world.points[1].pk, world.points[0].pk]
    assert round(tasks[0].distance_m) == 15  # 11.1 m north, 10.1 m east
    client.force_login(world.stranger)
    assert list(client.get(reverse("inspections:task_list")).context["page_obj"].object_list) == []


def test_task_list_htmx_returns_the_partial(client, world):
    client.force_login(world.inspector)
    response = client.get(reverse("inspections:task_list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "task-card" in html


# --- lists: query counts, htmx, export -------------------------------------------------------------------------------


def test_round_list_query_count_htmx_and_export(client, world, django_assert_max_num_queries):
    for i in range(5):
        services.copy_round(actor=world.office, round=world.round, name=f"副本{i}")
    client.force_login(world.office)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("inspections:round_list"))
    assert len(response.context["page_obj"].object_list) == 6
    partial = client.get(
        reverse("inspections:round_list"), {"state": "draft"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode()
    assert len(partial.context["page_obj"].object_list) == 5
    export = client.get(reverse("inspections:round_list"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_inspection_list_query_count_and_export(client, world, django_assert_max_num_queries):
    for i in range(3):
        submitted(world, i)
    client.force_login(world.office)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("inspections:inspection_list"))
    assert len(response.context["page_obj"].object_list) == 3
    export = client.get(reverse("inspections:inspection_list"), {"export": "xlsx", "round": world.round.pk})
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.max_row == 4
    assert sheet["A1"].value == "提交时间"


def test_round_detail_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world.office)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("inspections:round_detail", args=[world.round.pk]))
    assert response.status_code == 200


# --- review ----------------------------------------------------------------------------------------------------------


def test_inspection_detail_shows_score_distance_photos_and_cases(
    client, world, django_assert_max_num_queries
):
    task = world.tasks[world.points[0].pk]
    abc = world.criteria["abc"]
    obs = with_result(payload(task, world.criteria)["observations"], abc, result="noncompliant", problems=1)
    sub = services.parse_submission(
        payload(task, world.criteria, observations=obs, lat=24.5151), {abc.pk: [jpeg()]}
    )
    inspection = services.submit_inspection(actor=world.inspector, submission=sub).inspection
    client.force_login(world.office)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    score = response.context["score"]
    # possible = 5 × 2 + 1 = 11; abc with 1 problem → B = 66 % of 2 = 1.32; lost 0.68 → 10.32 / 11
    assert score.possible == 11.0
    assert score.earned == pytest.approx(10.32)
    assert score.score == pytest.approx(93.8)
    assert score.passed is False
    html = response.content.decode()
    case = Case.objects.get()
    assert case.code in html
    assert "距点位 11 米" in html
    photo = inspection.observations.get(criterion=abc).photos.get()
    assert photo.thumbnail.url not in html and 'src="/m/' in html  # a short-lived signed link (core.media)
    src = html.split('src="/m/', 1)[1].split('"', 1)[0]
    assert core_media.name_from_token(src.rstrip("/")) == photo.thumbnail.name
