"""Sampling like the evaluators: reproducible, proportional, never retired points, exact counts."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_area, make_point, make_point_type
from wenming.geo.choices import AreaLevel, PointStatus
from wenming.inspections.sampling import Candidate, Plan, PlanError, draw, largest_remainder, load_candidates


def inventory(types: dict[str, dict[str, int]]) -> list[Candidate]:
    """Candidates: {type: {street: count}} → codes T-S-0001 …"""
    out, pk = [], 0
    for type_code, streets in types.items():
        for street, count in streets.items():
            for i in range(count):
                pk += 1
                out.append(Candidate(pk, f"{type_code}-{street}-{i:04d}", type_code, street))
    return out


def test_same_seed_same_points_and_other_seed_differs():
    # given an inventory of 200 back streets and 30 markets
    points = inventory({"BJXX": {"s1": 120, "s2": 80}, "NMSC": {"s1": 10, "s2": 20}})
    plan = Plan(mode="random", per_type={"BJXX": 10, "NMSC": 3})
    # when drawn twice with the same seed (once from shuffled input) and once with another
    first = draw(points, plan, seed=42)
    again = draw(list(reversed(points)), plan, seed=42)
    other = draw(points, plan, seed=43)
    # then the same seed gives the same points whatever the order, another seed other points
    assert first.point_ids == again.point_ids
    assert first.point_ids != other.point_ids
    assert len(first.point_ids) == 13


def test_changing_one_types_count_does_not_change_another_types_draw():
    points = inventory({"BJXX": {"s1": 100}, "NMSC": {"s1": 30}})
    a = draw(points, Plan(mode="random", per_type={"BJXX": 10, "NMSC": 3}), seed=7)
    b = draw(points, Plan(mode="random", per_type={"BJXX": 10, "NMSC": 5}), seed=7)
    assert [c.code for c in a.by_type["BJXX"].drawn] == [c.code for c in b.by_type["BJXX"].drawn]


def test_draws_exactly_the_requested_count_per_type():
    points = inventory({"A": {"s1": 50, "s2": 50}, "B": {"s1": 9}, "C": {"s2": 40}})
    result = draw(points, Plan(mode="random", per_type={"A": 17, "B": 9, "C": 1}), seed=1)
    counts = Counter(c.point_type for c in result.candidates)
    assert counts == {"A": 17, "B": 9, "C": 1}
    assert result.warnings == []
    assert len(set(result.point_ids)) == 27


def test_fewer_than_requested_takes_all_with_a_warning():
    points = inventory({"HCZ": {"s1": 2}, "A": {"s1": 5}})
    result = draw(points, Plan(mode="random", per_type={"HCZ": 4, "A": 2}), seed=3)
    assert sorted(c.code for c in result.by_type["HCZ"].drawn) == ["HCZ-s1-0000", "HCZ-s1-0001"]
    assert result.by_type["HCZ"].requested == 4
    assert result.by_type["HCZ"].available == 2
    assert result.warnings == ["点位类型「HCZ」在库点位只有 2 个，少于计划的 4 个，已全部抽取。"]


def test_type_with_no_points_at_all_is_warned():
    result = draw(
        inventory({"A": {"s1": 3}}),
        Plan(mode="random", per_type={"ZZ": 2}),
        seed=3,
        type_names={"ZZ": "火车站"},
    )
    assert result.point_ids == []
    assert result.warnings == [
        "点位类型「火车站」在库点位只有 0 个，少于计划的 2 个，已全部抽取。",
        "抽样方案未包含以下点位类型，本轮不会测评这些类型：A（在库 3 个）",
    ]


def test_a_plan_that_leaves_out_a_point_type_says_so_before_publishing():
    """docs/domain-rules.md §6: the evaluators draw every type; a plan without one is flagged in the preview."""
    points = inventory({"BJXX": {"s1": 20}, "NMSC": {"s1": 4}, "GY": {"s2": 2}})
    names = {"BJXX": "背街小巷", "NMSC": "农贸市场", "GY": "公园"}
    result = draw(points, Plan(mode="random", per_type={"BJXX": 5, "NMSC": 0}), seed=5, type_names=names)
    assert result.warnings == [
        "抽样方案未包含以下点位类型，本轮不会测评这些类型：公园（在库 2 个）、农贸市场（在库 4 个）"
    ]
    full = draw(
        points, Plan(mode="random", per_type={"BJXX": 5, "NMSC": 1, "GY": 1}), seed=5, type_names=names
    )
    assert full.warnings == []
    explicit = draw(points, Plan.from_json({"mode": "explicit", "point_codes": ["BJXX-s1-0000"]}), seed=0,
                    type_names=names)  # fmt: skip
    assert explicit.warnings == [
        "抽样方案未包含以下点位类型，本轮不会测评这些类型：公园（在库 2 个）、农贸市场（在库 4 个）"
    ]


def test_stratified_allocation_is_proportional_with_largest_remainder():
    # 60 / 30 / 10 candidates, 7 to draw → exact shares 4.2 / 2.1 / 0.7 → floors 4/2/0, one left → s3 (0.7)
    points = inventory({"A": {"s1": 60, "s2": 30, "s3": 10}})
    result = draw(points, Plan(mode="stratified", per_type={"A": 7}), seed=11)
    assert result.by_type["A"].allocation == {"s1": 4, "s2": 2, "s3": 1}
    assert Counter(c.stratum for c in result.candidates) == {"s1": 4, "s2": 2, "s3": 1}


def test_largest_remainder_examples():
    assert largest_remainder(10, {"a": 5, "b": 3, "c": 2}) == {"a": 5, "b": 3, "c": 2}
    assert largest_remainder(5, {"a": 5, "b": 3, "c": 2}) == {"a": 3, "b": 1, "c": 1}  # 2.5/1.5/1.0
    assert largest_remainder(3, {"a": 1, "b": 1, "c": 1, "d": 1}) == {"a": 1, "b": 1, "c": 1, "d": 0}
    assert largest_remainder(0, {"a": 4}) == {"a": 0}
    assert largest_remainder(9, {"a": 4, "b": 1}) == {"a": 4, "b": 1}  # more than exist: all


@given(
    total=st.integers(min_value=0, max_value=300),
    sizes=st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=0, max_value=80), min_size=1),
)
def test_largest_remainder_properties(total, sizes):
    alloc = largest_remainder(total, sizes)
    population = sum(sizes.values())
    assert sum(alloc.values()) == min(total, population)
    for key, size in sizes.items():
        assert 0 <= alloc[key] <= size
        if population and total < population:
            exact = total * size / population
            assert abs(alloc[key] - exact) < 1  # never more than one away from the exact share


def test_explicit_list_takes_listed_points_and_warns_about_unknown_ones():
    points = inventory({"A": {"s1": 3}, "B": {"s2": 2}})
    plan = Plan.from_json(
        {"mode": "explicit", "point_codes": ["B-s2-0001", "A-s1-0000", "NOPE", "A-s1-0000"]}
    )
    result = draw(points, plan, seed=0)
    assert sorted(c.code for c in result.candidates) == ["A-s1-0000", "B-s2-0001"]
    assert result.warnings == ["以下点位不在库（不存在、已暂停或已撤销），未抽取：NOPE"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "cluster", "per_type": {"A": 1}}, "未知抽样方式：cluster"),
        ({"mode": "random", "per_type": {"A": -1}}, "点位类型 A 的抽取数量不能为负数。"),
        ({"mode": "random", "per_type": {"A": "x"}}, "点位类型 A 的抽取数量必须是整数。"),
        ({"mode": "random", "per_type": {"A": 0}}, "请至少为一种点位类型设置抽取数量。"),
        ({"mode": "explicit", "point_codes": []}, "指定点位清单不能为空。"),
    ],
)
def test_invalid_plans_are_refused(data, message):
    with pytest.raises(PlanError) as exc:
        Plan.from_json(data)
    assert str(exc.value) == message


def test_plan_json_round_trip():
    plan = Plan.from_json({"mode": "stratified", "per_type": {"B": "2", "A": 3, "C": 0}})
    assert plan.to_json() == {"mode": "stratified", "per_type": {"A": 3, "B": 2}}
    assert Plan.from_json(plan.to_json()) == plan


def test_load_candidates_never_includes_retired_or_suspended_points(db):
    # given active, suspended and retired points of one type, in two streets
    district = make_area(AreaLevel.DISTRICT)
    s1 = make_area(AreaLevel.STREET, parent=district)
    s2 = make_area(AreaLevel.STREET, parent=district)
    community = make_area(AreaLevel.COMMUNITY, parent=s2)
    pt = make_point_type(code="BJXX")
    active = [make_point(point_type=pt, area=s1), make_point(point_type=pt, area=community)]
    make_point(point_type=pt, area=s1, status=PointStatus.RETIRED)
    make_point(point_type=pt, area=s1, status=PointStatus.SUSPENDED)
    # when the whole inventory is drawn
    candidates = load_candidates()
    result = draw(candidates, Plan(mode="stratified", per_type={"BJXX": 10}), seed=5)
    # then only active points were candidates, with their street as stratum
    assert sorted(result.point_ids) == sorted(p.pk for p in active)
    assert {c.id: c.stratum for c in candidates} == {active[0].pk: str(s1.pk), active[1].pk: str(s2.pk)}
    # and an area scope limits candidates to its subtree
    assert [c.id for c in load_candidates(area=s2)] == [active[1].pk]
