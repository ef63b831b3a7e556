"""Day plans end to end on real rows: compute from the records, publish as a round, skip and re-plan."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_user
from tests.planning.factories import observe
from wenming.inspections.choices import RoundKind, RoundState, TaskState
from wenming.inspections.models import Round, Task
from wenming.planning import services
from wenming.planning.choices import PlanState, StopState
from wenming.planning.models import DayPlan, Stop, VisitRule


def _team(world, **kw):
    start = (world.points[0].lat, world.points[0].lon)
    return services.TeamSpec([world.inspector, world.partner], start, start, **kw)


@pytest.fixture
def risky(world):
    """Points 0 and 2 failed recently; point 1 was fine."""
    now = timezone.now()
    a, b, c = world.points
    observe(world, a, {"compliance": "noncompliant", "abc": "noncompliant"}, days_ago=1, now=now)
    observe(world, b, {"compliance": "compliant", "abc": "compliant"}, days_ago=1, now=now)
    observe(world, c, {"compliance": "noncompliant"}, days_ago=2, now=now)
    return world


def test_create_plan_chooses_the_points_at_risk_and_orders_them(risky):
    w = risky
    plan = services.create_plan(actor=w.office, date=timezone.localdate(), teams=[_team(w)])
    assert plan.state == PlanState.DRAFT and plan.standard_set == w.standard
    route = plan.routes.get()
    assert set(route.members.all()) == {w.inspector, w.partner}
    stops = list(route.stops.order_by("seq"))
    chosen = {s.point_id for s in stops}
    assert {w.points[0].pk, w.points[2].pk} <= chosen
    marks = {s.point_id: s.expected_marks for s in stops}
    if (
        w.points[1].pk in chosen
    ):  # seen passing: the forecast still gives it a little risk, the least of the three
        assert marks[w.points[1].pk] < min(marks[w.points[0].pk], marks[w.points[2].pk])
    assert [s.seq for s in stops] == list(range(1, len(stops) + 1))
    assert all(s.arrive < s.depart for s in stops)
    assert all(stops[i].depart <= stops[i + 1].arrive for i in range(len(stops) - 1))
    assert plan.expected_marks == pytest.approx(sum(s.expected_marks for s in stops), abs=1e-3)
    assert plan.candidates == 3 and plan.total_km > 0


def test_windows_from_visit_rules_are_respected(risky):
    w = risky
    VisitRule.objects.create(point_type=w.point_type, service_minutes=20, windows=[["10:00", "11:00"]])
    plan = services.create_plan(actor=w.office, date=timezone.localdate(), teams=[_team(w)])
    for stop in Stop.objects.filter(route__plan=plan):
        assert datetime.time(10, 0) <= stop.arrive <= datetime.time(11, 0)
        assert (stop.depart.hour * 60 + stop.depart.minute) - (
            stop.arrive.hour * 60 + stop.arrive.minute
        ) == 20


def test_coverage_makes_a_point_due_even_without_risk(risky):
    w = risky
    VisitRule.objects.create(point_type=w.point_type, coverage_days=1)
    plan = services.create_plan(actor=w.office, date=timezone.localdate(), teams=[_team(w)])
    stops = {s.point_id: s for s in Stop.objects.filter(route__plan=plan)}
    assert w.points[1].pk in stops and stops[w.points[1].pk].due


def test_publish_creates_the_round_and_tasks_as_rounds_do(risky):
    w = risky
    plan = services.create_plan(actor=w.office, date=timezone.localdate(), teams=[_team(w)])
    plan = services.publish_plan(actor=w.office, plan=plan)
    assert plan.state == PlanState.PUBLISHED
    round_ = plan.round
    assert round_.kind == RoundKind.DAILY and round_.state == RoundState.PUBLISHED
    assert round_.sampling_plan["mode"] == "explicit"
    stops = list(Stop.objects.filter(route__plan=plan).select_related("task"))
    assert {t.point_id for t in round_.tasks.all()} == {s.point_id for s in stops}
    for stop in stops:
        assert stop.task.round_id == round_.pk and stop.task.team == 1
        assert set(stop.task.inspectors.all()) == {w.inspector, w.partner}
    with pytest.raises(services.PlanningError):
        services.publish_plan(actor=w.office, plan=plan)
    assert Round.objects.filter(kind=RoundKind.DAILY).count() == 1


def test_only_the_office_plans_and_bad_input_writes_nothing(risky):
    w = risky
    with pytest.raises(PermissionDenied):
        services.create_plan(actor=w.inspector, date=timezone.localdate(), teams=[_team(w)])
    street = make_user("street", area=w.street)
    with pytest.raises(services.PlanningError, match="测评员"):
        services.create_plan(
            actor=w.office, date=timezone.localdate(), teams=[services.TeamSpec([street], (24.5, 118.1))]
        )
    with pytest.raises(services.PlanningError, match="下班时间"):
        services.create_plan(
            actor=w.office,
            date=timezone.localdate(),
            teams=[_team(w, shift_start=datetime.time(17), shift_end=datetime.time(9))],
        )
    with pytest.raises(services.PlanningError):
        services.create_plan(actor=w.office, date=timezone.localdate(), teams=[])
    assert not DayPlan.objects.exists()


def test_skip_a_stop_replans_the_rest(risky):
    w = risky
    plan = services.publish_plan(
        actor=w.office, plan=services.create_plan(actor=w.office, date=timezone.localdate(), teams=[_team(w)])
    )
    route = plan.routes.get()
    first = route.stops.order_by("seq").first()
    with pytest.raises(services.NotFound):
        services.skip_stop(actor=w.stranger, stop=first)
    assert Stop.objects.get(pk=first.pk).state == StopState.PLANNED
    noon = timezone.make_aware(datetime.datetime.combine(plan.date, datetime.time(12, 0)))
    services.skip_stop(actor=w.inspector, stop=first, now=noon)
    first.refresh_from_db()
    assert first.state == StopState.SKIPPED
    rest = list(route.stops.filter(state=StopState.PLANNED).order_by("seq"))
    assert rest and all(s.arrive >= datetime.time(12, 0) for s in rest)
    assert all(s.seq > first.seq for s in rest)
    assert Task.objects.get(pk=first.task_id).state == TaskState.PENDING  # the task stays for later
    with pytest.raises(services.PlanningError):
        services.skip_stop(actor=w.inspector, stop=first, now=noon)


def test_skip_after_hours_drops_what_no_longer_fits(risky):
    w = risky
    plan = services.publish_plan(
        actor=w.office, plan=services.create_plan(actor=w.office, date=timezone.localdate(), teams=[_team(w)])
    )
    route = plan.routes.get()
    first = route.stops.order_by("seq").first()
    late = timezone.make_aware(datetime.datetime.combine(plan.date, datetime.time(17, 25)))
    services.skip_stop(actor=w.office, stop=first, now=late)
    assert not route.stops.filter(state=StopState.PLANNED).exists()
    assert route.stops.filter(state=StopState.DROPPED).count() == route.stops.count() - 1


def test_publish_round_refuses_a_team_outside_the_rounds_teams(world):
    from wenming.inspections import services as inspections

    round_ = inspections.create_round(
        actor=world.office,
        kind=RoundKind.DAILY,
        name="排程轮次",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        standard_set=world.standard,
        plan={"mode": "explicit", "point_codes": [world.points[0].code]},
        inspectors=[world.inspector],
    )
    with pytest.raises(inspections.InspectionError):
        inspections.publish_round(actor=world.office, round=round_, team_of={world.points[0].pk: 7})
    round_.refresh_from_db()
    assert round_.state == RoundState.DRAFT and not round_.tasks.exists()
