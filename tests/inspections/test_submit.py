"""Submitting an inspection: observations, photos, GPS, idempotency, and a case for every failure."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.inspections.factories import jpeg, payload, with_result
from wenming.cases.models import Case
from wenming.inspections import services
from wenming.inspections.models import Inspection, Observation, ObservationPhoto, Task


def submit(world, task, data, photos=None, after=None, actor=None):
    sub = services.parse_submission(data, photos or {}, after or {})
    return services.submit_inspection(actor=actor or world.inspector, submission=sub)


def counts():
    return (
        Inspection.objects.count(),
        Observation.objects.count(),
        ObservationPhoto.objects.count(),
        Case.objects.count(),
    )


def test_all_compliant_submission_records_everything_and_opens_no_case(world):
    task = world.tasks[world.points[0].pk]
    result = submit(world, task, payload(task, world.criteria))
    inspection = result.inspection
    assert result.created is True
    assert inspection.point == world.points[0]
    assert inspection.round == world.round
    assert inspection.inspector == world.inspector
    assert list(inspection.co_inspectors.all()) == [world.partner]
    assert inspection.distance_m == 0.0
    assert inspection.far_away is False
    assert inspection.observations.count() == 6
    assert Case.objects.count() == 0
    task.refresh_from_db()
    assert task.state == "done"


def test_each_noncompliance_opens_an_inspection_case_with_photos(world):
    # given two failures: 2 problems on the abc item (with two photos) and a missing ad on the quota item
    task = world.tasks[world.points[0].pk]
    obs = with_result(
        payload(task, world.criteria)["observations"],
        world.criteria["abc"],
        result="noncompliant",
        problems=2,
        note="东侧垃圾堆放",
    )
    obs = with_result(obs, world.criteria["quota"], result="noncompliant", count=1)
    abc = world.criteria["abc"]
    result = submit(
        world,
        task,
        payload(task, world.criteria, observations=obs),
        photos={abc.pk: [jpeg("a.jpg"), jpeg("b.jpg")]},
    )
    # then one case per non-compliance, sourced from its observation
    failures = {o.criterion_id: o for o in result.inspection.observations.filter(result="noncompliant")}
    assert set(failures) == {abc.pk, world.criteria["quota"].pk}
    assert Case.objects.count() == 2
    case = failures[abc.pk].case
    assert case.source == "inspection"
    assert case.criterion == abc
    assert case.category == abc.category
    assert case.point == world.points[0]
    assert case.source_ref == f"observation:{failures[abc.pk].pk}"
    assert case.fixed_on_spot is False
    assert case.state == "reported"
    assert case.photos.filter(stage="before").count() == 2
    assert "东侧垃圾堆放" in case.description
    assert failures[abc.pk].problems == 2
    assert failures[world.criteria["quota"].pk].problems == 1  # one ad missing
    assert ObservationPhoto.objects.filter(observation=failures[abc.pk], stage="before").count() == 2


def test_fixed_on_spot_creates_a_case_closed_on_the_spot(world):
    task = world.tasks[world.points[0].pk]
    c = world.criteria["compliance"]
    obs = with_result(
        payload(task, world.criteria)["observations"], c, result="noncompliant", fixed_on_spot=True
    )
    result = submit(
        world,
        task,
        payload(task, world.criteria, observations=obs),
        photos={c.pk: [jpeg()]},
        after={c.pk: [jpeg("after.jpg")]},
    )
    observation = result.inspection.observations.get(criterion=c)
    assert observation.fixed_on_spot is True
    assert observation.case.fixed_on_spot is True
    assert observation.case.state == "closed"
    assert observation.case.photos.filter(stage="after").count() == 1
    assert observation.photos.filter(stage="after").count() == 1


def test_fixed_on_spot_without_after_photo_is_refused_and_nothing_written(world):
    task = world.tasks[world.points[0].pk]
    c = world.criteria["compliance"]
    obs = with_result(
        payload(task, world.criteria)["observations"], c, result="noncompliant", fixed_on_spot=True
    )
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria, observations=obs))
    assert exc.value.messages == [f"「{c.code}」标记为当场整改，请上传整改后照片。"]
    assert counts() == (0, 0, 0, 0)


def test_resubmitting_the_same_client_id_returns_the_first_inspection(world):
    task = world.tasks[world.points[0].pk]
    abc = world.criteria["abc"]
    obs = with_result(payload(task, world.criteria)["observations"], abc, result="noncompliant", problems=1)
    data = payload(task, world.criteria, observations=obs)
    first = submit(world, task, data, photos={abc.pk: [jpeg()]})
    before = counts()
    second = submit(world, task, data, photos={abc.pk: [jpeg()]})
    assert second.created is False
    assert second.inspection.pk == first.inspection.pk
    assert counts() == before == (1, 6, 1, 1)


def test_client_id_of_another_inspector_is_refused(world):
    task = world.tasks[world.points[0].pk]
    data = payload(task, world.criteria)
    submit(world, task, data)
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, data, actor=world.partner)
    assert exc.value.code == "conflict"
    assert Inspection.objects.count() == 1


def test_a_second_inspection_of_a_done_task_is_refused(world):
    task = world.tasks[world.points[0].pk]
    submit(world, task, payload(task, world.criteria))
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria), actor=world.partner)
    assert exc.value.messages == ["该任务已完成测评，不能重复提交。"]
    assert Inspection.objects.count() == 1


def test_criterion_not_applying_to_the_point_type_is_refused(world):
    # given a criterion of a market (another point type)
    from tests.inspections.factories import make_standard

    _, market = make_standard([world.other_type])
    task = world.tasks[world.points[0].pk]
    obs = payload(task, world.criteria)["observations"] + [
        {"criterion": market["compliance"].pk, "result": "compliant"}
    ]
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria, observations=obs))
    assert exc.value.code == "not_applicable"
    assert exc.value.messages == [f"测评标准「{market['compliance'].code}」不适用于点位类型「背街小巷」。"]
    assert counts() == (0, 0, 0, 0)
    assert Task.objects.get(pk=task.pk).state == "pending"


def test_inspector_not_assigned_is_refused_as_not_found(world):
    task = world.tasks[world.points[0].pk]
    with pytest.raises(services.NotFound):
        submit(world, task, payload(task, world.criteria), actor=world.stranger)
    assert counts() == (0, 0, 0, 0)


def test_street_staff_cannot_submit(world):
    task = world.tasks[world.points[0].pk]
    with pytest.raises(services.NotFound):
        submit(world, task, payload(task, world.criteria), actor=world.street_user)
    assert counts() == (0, 0, 0, 0)


def test_far_away_needs_a_reason_then_is_flagged(world, settings):
    settings.INSPECTION_MAX_DISTANCE_M = 300
    task = world.tasks[world.points[0].pk]
    far = payload(task, world.criteria, lat=24.52)  # ≈ 556 m north of the point
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, far)
    assert exc.value.code == "far_away"
    assert exc.value.messages == [
        "您距离点位约 556 米，超过 300 米。请到点位后再提交，或填写原因后确认提交。"
    ]
    assert counts() == (0, 0, 0, 0)
    far["location_note"] = "点位坐标有误，实际在路口对面"
    inspection = submit(world, task, far).inspection
    assert inspection.far_away is True
    assert inspection.distance_m == pytest.approx(556.0, abs=1)
    assert inspection.location_note == "点位坐标有误，实际在路口对面"


def test_distance_limit_comes_from_settings(world, settings):
    settings.INSPECTION_MAX_DISTANCE_M = 1000
    task = world.tasks[world.points[0].pk]
    inspection = submit(world, task, payload(task, world.criteria, lat=24.52)).inspection
    assert inspection.far_away is False


def test_no_position_needs_a_reason(world):
    task = world.tasks[world.points[0].pk]
    data = payload(task, world.criteria, lat=None, lon=None)
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, data)
    assert exc.value.code == "no_location"
    assert counts() == (0, 0, 0, 0)
    data["location_note"] = "室内无信号"
    inspection = submit(world, task, data).inspection
    assert (inspection.lat, inspection.distance_m, inspection.far_away) == (None, None, False)


def test_gcj02_position_is_stored_as_wgs84(world):
    from wenming.core.coords import from_wgs84

    task = world.tasks[world.points[0].pk]
    lat, lon = from_wgs84(24.515, 118.14, "GCJ02")
    inspection = submit(
        world, task, payload(task, world.criteria, lat=lat, lon=lon, coord_system="GCJ02")
    ).inspection
    assert inspection.lat == pytest.approx(24.515, abs=1e-6)
    assert inspection.distance_m < 1


def test_incomplete_checklist_is_refused(world):
    task = world.tasks[world.points[0].pk]
    obs = [
        o
        for o in payload(task, world.criteria)["observations"]
        if o["criterion"] != world.criteria["block"].pk
    ]
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria, observations=obs))
    assert exc.value.messages == [f"还有 1 项未填写：{world.criteria['block'].code}"]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("key", "values", "message"),
    [
        ("abc", {"result": "compliant", "problems": 2}, "「{code}」判定为符合时，问题数必须为 0。"),
        ("abc", {"result": "noncompliant", "problems": 0}, "「{code}」判定为不符合时，问题数至少为 1。"),
        ("deduction", {"result": "noncompliant"}, "「{code}」请填写问题数。"),
        ("quota", {"result": "compliant", "count": 1}, "「{code}」实有 1，应有 2，应判定为不符合。"),
        ("quota", {"result": "noncompliant", "count": None}, "「{code}」请填写实有数量。"),
        (
            "sampled",
            {"result": "compliant", "sub_results": [True, False, True]},
            "「{code}」抽查 3 个中 2 个合格，应判定为不符合。",
        ),
        (
            "sampled",
            {"result": "noncompliant", "sub_results": [False]},
            "「{code}」须逐个填写抽查的 3 个子单元是否合格。",
        ),
        ("compliance", {"result": "maybe"}, "「{code}」请选择符合、不符合或不适用。"),
    ],
)
def test_observation_inconsistent_with_its_rule_is_refused(world, key, values, message):
    task = world.tasks[world.points[0].pk]
    criterion = world.criteria[key]
    obs = with_result(payload(task, world.criteria)["observations"], criterion, **values)
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria, observations=obs))
    assert exc.value.messages == [message.format(code=criterion.code)]
    assert counts() == (0, 0, 0, 0)


def test_sampled_failure_counts_failing_sub_units(world):
    task = world.tasks[world.points[0].pk]
    c = world.criteria["sampled"]
    obs = with_result(
        payload(task, world.criteria)["observations"],
        c,
        result="noncompliant",
        sub_results=[True, False, False],
    )
    inspection = submit(world, task, payload(task, world.criteria, observations=obs)).inspection
    observation = inspection.observations.get(criterion=c)
    assert observation.sub_results == [True, False, False]
    assert observation.problems == 2


def test_na_clears_numbers(world):
    task = world.tasks[world.points[0].pk]
    c = world.criteria["quota"]
    obs = with_result(payload(task, world.criteria)["observations"], c, result="na", count=5)
    observation = submit(
        world, task, payload(task, world.criteria, observations=obs)
    ).inspection.observations.get(criterion=c)
    assert (observation.result, observation.count, observation.problems, observation.case) == (
        "na",
        None,
        0,
        None,
    )


def test_a_file_that_is_not_an_image_is_refused_and_nothing_written(world):
    task = world.tasks[world.points[0].pk]
    c = world.criteria["abc"]
    obs = with_result(payload(task, world.criteria)["observations"], c, result="noncompliant", problems=1)
    fake = SimpleUploadedFile("x.jpg", b"this is not an image at all", content_type="image/jpeg")
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria, observations=obs), photos={c.pk: [fake]})
    assert exc.value.code == "photo"
    assert exc.value.messages[0].startswith("照片「x.jpg」无法使用：")
    assert counts() == (0, 0, 0, 0)


def test_malformed_payloads_are_refused():
    for data, message in [
        ({"client_id": "nope", "task": 1, "observations": []}, "缺少或无效的提交编号（client_id）。"),
        ({"client_id": str(uuid.uuid4()), "observations": []}, "缺少测评任务。"),
        ({"client_id": str(uuid.uuid4()), "task": 1, "observations": "x"}, "测评结果格式错误。"),
        ({"client_id": str(uuid.uuid4()), "task": 1, "observations": [], "lat": "north"}, "纬度必须是数字。"),
    ]:
        with pytest.raises(services.InspectionError) as exc:
            services.parse_submission(data)
        assert exc.value.messages == [message]


def test_submission_to_a_closed_round_is_refused(world):
    from wenming.inspections.models import Round

    task = world.tasks[world.points[0].pk]
    Round.objects.filter(pk=world.round.pk).update(state="closed")
    with pytest.raises(services.InspectionError) as exc:
        submit(world, task, payload(task, world.criteria))
    assert exc.value.code == "state"
    assert counts() == (0, 0, 0, 0)
