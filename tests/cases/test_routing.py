"""Routing: rules → category → point → grid → special group → 属地兜底; units above the district → coordination."""

import datetime

import pytest

from tests.cases.helpers import T0, case_in, jpeg, new_case
from tests.factories import make_person, make_point, make_point_type, make_unit
from wenming.cases import services
from wenming.cases.models import RoutingRule
from wenming.cases.routing import route
from wenming.geo.models import Duty
from wenming.org.choices import UnitLevel

START = datetime.date(2025, 1, 1)


@pytest.fixture
def everything(world):
    """A case for which every routing step has an answer."""
    point_type = make_point_type(name="背街小巷")
    w = world
    w.rule_unit = make_unit(name="规则单位")
    w.point_unit = make_unit(name="点位责任单位", level=UnitLevel.PROPERTY)
    w.community_unit = make_unit(name="兴隆社区居委会", level=UnitLevel.COMMUNITY)
    w.cat_person = make_person(name="类别负责人", unit=make_unit(name="区城管局"))
    w.point_person = make_person(name="点位责任人", unit=w.point_unit)
    w.grid_worker = make_person(name="网格员甲", unit=w.community_unit)
    w.grid_lead = make_person(name="网格长乙", unit=w.community_unit)
    w.point = make_point(
        name="兴隆路背街",
        point_type=point_type,
        area=w.grid,
        responsible_unit=w.point_unit,
        responsible_person=w.point_person,
    )
    w.street.unit = w.street_unit
    w.street.save()
    w.rule = RoutingRule.objects.create(name="垃圾归规则单位", priority=10, category=w.leaf, unit=w.rule_unit)
    w.cat_duty = Duty.objects.create(
        person=w.cat_person, post="category_lead", category=w.leaf, start_date=START
    )
    Duty.objects.create(person=w.grid_worker, post="grid_worker", area=w.grid, start_date=START)
    w.grid_duty = Duty.objects.create(person=w.grid_lead, post="grid_lead", area=w.grid, start_date=START)
    w.case = new_case(w, point=w.point)
    return w


def test_routing_order_down_to_the_territorial_fallback(everything):
    w = everything
    steps = []

    def decide():
        decision = route(w.case, on=datetime.date(2025, 9, 26))
        steps.append((decision.step, decision.unit, decision.person, decision.reason))

    decide()
    w.rule.delete()
    decide()
    w.cat_duty.delete()
    decide()
    w.case.point = None
    decide()
    Duty.objects.filter(area=w.grid).delete()
    decide()
    w.case.special_group = None
    decide()
    w.street.unit = None
    w.street.save()
    decide()

    assert steps == [
        ("rule", w.rule_unit, None, "派遣规则「垃圾归规则单位」（优先级 10）"),
        ("category", w.cat_person.unit, w.cat_person, "问题类别「暴露垃圾」的专项负责人 类别负责人"),
        ("point", w.point_unit, w.point_person, "点位「兴隆路背街」的责任单位及点位责任人 点位责任人"),
        ("grid", w.community_unit, w.grid_lead, "网格「兴隆一网格」的网格长 网格长乙"),
        ("group", w.bureau, None, "专项组「环境卫生整治组」的牵头单位"),
        ("territory", w.street_unit, None, "属地兜底：街道「殿前街道」的属地单位"),
        ("none", None, None, "没有匹配的派遣规则、责任人或属地单位，请人工指定。"),
    ]


def test_rules_match_on_every_set_matcher_and_by_priority(everything):
    w = everything
    w.rule.delete()
    w.cat_duty.delete()
    low = RoutingRule.objects.create(name="低优先", priority=50, top_category=w.top, unit=w.other_unit)
    RoutingRule.objects.create(name="别的区域", priority=1, area=w.other_street, unit=w.rule_unit)
    RoutingRule.objects.create(
        name="别的点位类型", priority=2, point_type=make_point_type(), unit=w.rule_unit
    )
    RoutingRule.objects.create(name="停用", priority=3, category=w.leaf, unit=w.rule_unit, is_active=False)
    best = RoutingRule.objects.create(
        name="本街道垃圾", priority=20, area=w.street, category=w.leaf, person=w.grid_worker
    )

    decision = route(w.case)

    assert (decision.rule_id, decision.unit, decision.person) == (best.pk, w.community_unit, w.grid_worker)
    best.delete()
    assert route(w.case).rule_id == low.pk


def test_a_community_grid_duty_is_used_when_the_grid_has_none(everything):
    w = everything
    w.rule.delete()
    w.cat_duty.delete()
    Duty.objects.filter(area=w.grid).delete()
    w.case.point = None
    Duty.objects.create(person=w.grid_worker, post="grid_worker", area=w.community, start_date=START)
    ended = make_person(name="已离岗", unit=w.community_unit)
    Duty.objects.create(
        person=ended,
        post="grid_lead",
        area=w.community,
        start_date=START,
        end_date=datetime.date(2025, 6, 30),
    )

    decision = route(w.case, on=datetime.date(2025, 9, 26))

    assert (decision.step, decision.person) == ("grid", w.grid_worker)
    assert decision.reason == "社区「兴隆社区」的网格员 网格员甲"


def test_dispatch_without_a_unit_routes_and_explains(everything):
    w = everything
    case = services.register(w.case, actor=w.office, at=T0)

    case = services.dispatch(case, actor=w.office, at=T0)

    assert (case.state, case.unit, case.routing_step) == ("dispatched", w.rule_unit, "rule")
    assert case.routing_reason == "派遣规则「垃圾归规则单位」（优先级 10）"
    data = case.events.last().data["routing"]
    assert data == {
        "step": "rule",
        "reason": case.routing_reason,
        "unit_id": w.rule_unit.pk,
        "person_id": None,
        "rule_id": w.rule.pk,
        "coordination": False,
    }


def test_a_manual_dispatch_says_so(world):
    case = case_in(world, "registered")

    case = services.dispatch(case, actor=world.office, unit=world.bureau, person=world.person, at=T0)

    assert (case.routing_step, case.routing_reason) == ("manual", "人工指定：区市政园林局，责任人 李责任")


def test_a_municipal_unit_goes_to_coordination_not_to_the_unit(world, django_capture_on_commit_callbacks):
    from wenming.core.models import Notification

    RoutingRule.objects.create(name="电力设施", priority=1, category=world.leaf, unit=world.city_unit)
    case = case_in(world, "registered")

    with django_capture_on_commit_callbacks(execute=True):
        case = services.dispatch(case, actor=world.office, at=T0 + datetime.timedelta(hours=2))

    assert (case.state, case.unit, case.fix_deadline, case.dispatched_at) == (
        "coordinating",
        world.city_unit,
        None,
        None,
    )
    assert case.events.last().data["routing"]["coordination"] is True
    assert set(Notification.objects.filter(kind="case.dispatch").values_list("recipient_id", flat=True)) == {
        world.office2.pk
    }
    # the office records the coordinated fix; another office user verifies
    case = services.transition(
        case, "coordinate_done", actor=world.office, note="已协调市供电公司处理", photos=[jpeg()], at=T0
    )
    case = services.verify_fix(case, actor=world.office2, passed=True, at=T0)
    assert case.state == "closed"


def test_routing_that_finds_nothing_refuses_the_dispatch(world):
    world.top.special_group = None
    world.top.save()
    world.street.unit = None
    world.street.save()
    case = case_in(world, "registered")

    from wenming.cases.workflow import TransitionError

    with pytest.raises(TransitionError, match="无法自动确定责任单位") as refused:
        services.dispatch(case, actor=world.office, at=T0)
    assert refused.value.code == "required"
