"""Planning, previewing, publishing, copying and closing rounds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import make_point, make_user
from tests.inspections.factories import make_world, payload
from wenming.geo.choices import PointStatus
from wenming.inspections import services
from wenming.inspections.models import Round, RoundInspector, Task


def test_publish_draws_the_previewed_points_and_assigns_them_to_the_pair(draft_world):
    w = draft_world
    preview = services.draw_round(w.round)
    services.publish_round(actor=w.office, round=w.round)
    w.round.refresh_from_db()
    assert w.round.state == "published"
    assert w.round.published_at is not None
    tasks = list(w.round.tasks.order_by("point_id"))
    assert sorted(t.point_id for t in tasks) == sorted(preview.point_ids) == sorted(p.pk for p in w.points)
    for task in tasks:
        assert task.team == 1
        assert set(task.inspectors.all()) == {w.inspector, w.partner}
        assert task.state == "pending"


def test_teams_get_contiguous_shares_of_the_points(db):
    w = make_world(publish=False)
    third, fourth = make_user("inspector"), make_user("inspector")
    services.update_round(actor=w.office, round=w.round, inspectors=[w.inspector, w.partner, third, fourth])
    services.publish_round(actor=w.office, round=w.round)
    teams = {t.point_id: t.team for t in w.round.tasks.all()}
    # two points of street 1 go to team 1, the street-2 point to team 2 (ordered by street, then code)
    assert teams == {w.points[0].pk: 1, w.points[1].pk: 1, w.points[2].pk: 2}
    assert set(Task.objects.get(point=w.points[2], round=w.round).inspectors.all()) == {third, fourth}


def test_retired_points_are_never_drawn(draft_world):
    w = draft_world
    make_point(point_type=w.point_type, area=w.street, status=PointStatus.RETIRED)
    changed = services.update_round(
        actor=w.office, round=w.round, sampling_plan={"mode": "random", "per_type": {w.point_type.code: 10}}
    )
    draw = services.draw_round(changed)
    assert sorted(draw.point_ids) == sorted(p.pk for p in w.points)
    assert draw.warnings == ["点位类型「背街小巷」在库点位只有 3 个，少于计划的 10 个，已全部抽取。"]


def test_area_scope_limits_the_draw(draft_world):
    w = draft_world
    changed = services.update_round(actor=w.office, round=w.round, area=w.other_street)
    assert services.draw_round(changed).point_ids == [w.points[2].pk]


def test_only_the_office_publishes_and_nothing_changes_otherwise(draft_world):
    w = draft_world
    with pytest.raises(services.NotFound):  # a draft is invisible to its inspectors
        services.publish_round(actor=w.inspector, round=w.round)
    with pytest.raises(PermissionDenied):
        services.publish_round(actor=make_user("leader"), round=w.round)
    w.round.refresh_from_db()
    assert (w.round.state, Task.objects.count()) == ("draft", 0)


def test_publish_needs_inspectors(draft_world):
    w = draft_world
    services.update_round(actor=w.office, round=w.round, inspectors=[])
    with pytest.raises(services.InspectionError) as exc:
        services.publish_round(actor=w.office, round=w.round)
    assert exc.value.messages == ["请先为轮次指定测评员。"]
    assert Round.objects.get(pk=w.round.pk).state == "draft"


def test_publish_twice_is_refused(world):
    with pytest.raises(services.InspectionError) as exc:
        services.publish_round(actor=world.office, round=world.round)
    assert exc.value.messages == ["只有草稿状态的轮次可以发布。"]
    assert Task.objects.count() == 3


def test_published_round_cannot_be_edited(world):
    with pytest.raises(services.InspectionError):
        services.update_round(actor=world.office, round=world.round, name="改名")
    assert Round.objects.get(pk=world.round.pk).name == "2026年第一季度模拟测评"


def test_invalid_plan_and_dates_are_refused(draft_world):
    w = draft_world
    with pytest.raises(services.InspectionError) as exc:
        services.update_round(
            actor=w.office, round=w.round, sampling_plan={"mode": "random", "per_type": {"NOPE": 2}}
        )
    assert exc.value.messages == ["未知点位类型：NOPE"]
    with pytest.raises(services.InspectionError) as exc:
        services.update_round(actor=w.office, round=w.round, period_end=datetime.date(2026, 1, 1))
    assert exc.value.messages == ["结束日期不能早于开始日期。"]
    w.round.refresh_from_db()
    assert w.round.period_end == datetime.date(2026, 3, 31)


def test_copy_makes_a_draft_with_a_new_seed_same_plan_and_inspectors(world):
    copy = services.copy_round(actor=world.office, round=world.round)
    assert copy.state == "draft"
    assert copy.copied_from == world.round
    assert copy.sampling_plan == world.round.sampling_plan
    assert copy.seed != world.round.seed
    assert set(RoundInspector.objects.filter(round=copy).values_list("user_id", "team")) == {
        (world.inspector.pk, 1),
        (world.partner.pk, 1),
    }
    kept = services.copy_round(actor=world.office, round=world.round, keep_seed=True, name="复查")
    assert (kept.seed, kept.name) == (world.round.seed, "复查")
    assert copy.tasks.count() == 0


def test_close_cancels_pending_tasks_and_freezes_scores(world):
    from wenming.scoring.models import ScoreSnapshot

    task = world.tasks[world.points[0].pk]
    sub = services.parse_submission(payload(task, world.criteria))
    services.submit_inspection(actor=world.inspector, submission=sub)
    services.close_round(actor=world.office, round=world.round)
    world.round.refresh_from_db()
    assert world.round.state == "closed"
    assert world.round.closed_at is not None
    states = dict(world.round.tasks.values_list("point_id", "state"))
    assert states == {
        world.points[0].pk: "done",
        world.points[1].pk: "cancelled",
        world.points[2].pk: "cancelled",
    }
    snapshot = ScoreSnapshot.objects.get(round=world.round)
    assert snapshot.inspection_ids == [task.inspections.get().pk]


def test_close_refused_for_drafts_and_non_office(draft_world):
    w = draft_world
    with pytest.raises(services.InspectionError):
        services.close_round(actor=w.office, round=w.round)
    with pytest.raises(services.NotFound):
        services.close_round(actor=w.inspector, round=w.round)
    assert Round.objects.get(pk=w.round.pk).state == "draft"


def test_inspector_of_a_published_round_cannot_close_it(world):
    with pytest.raises(PermissionDenied):
        services.close_round(actor=world.inspector, round=world.round)
    assert Round.objects.get(pk=world.round.pk).state == "published"
