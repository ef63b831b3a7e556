"""Recurrence at the same place (反弹/重复发生) and duplicate candidates."""

import datetime

from tests.cases.helpers import T0, case_in, local, new_case
from tests.factories import make_category, make_point
from wenming.cases import services
from wenming.cases.recurrence import duplicate_candidates, haversine_m, nearby_open_cases

LAT, LON = 24.515, 118.14
METRE = 1 / 111_195  # degrees of latitude per metre


def closed_at(world, at, **kw):
    case = case_in(world, "closed", at=at, **kw)
    assert case.state == "closed"
    return case


def test_haversine_is_in_metres():
    assert round(haversine_m(LAT, LON, LAT + 100 * METRE, LON)) == 100


def test_a_new_case_near_a_recently_closed_one_of_the_same_category_is_a_recurrence(world):
    old = closed_at(world, T0, lat=LAT, lon=LON)  # closed at T0 + 5 h

    near = new_case(world, lat=LAT + 40 * METRE, lon=LON, at=T0 + datetime.timedelta(days=10))
    far = new_case(world, lat=LAT + 60 * METRE, lon=LON, at=T0 + datetime.timedelta(days=10))
    other_category = new_case(
        world, lat=LAT, lon=LON, category=world.hours_leaf, at=T0 + datetime.timedelta(days=10)
    )
    too_late = new_case(world, lat=LAT, lon=LON, at=T0 + datetime.timedelta(days=31))

    assert (near.is_recurrence, near.recurrence_of) == (True, old)
    assert (far.is_recurrence, other_category.is_recurrence, too_late.is_recurrence) == (False, False, False)
    assert near.events.get().data["recurrence_of_code"] == old.code


def test_the_same_point_is_a_recurrence_whatever_the_distance(world):
    point = make_point(area=world.grid, lat=LAT, lon=LON)
    old = closed_at(world, T0, point=point)

    again = new_case(world, point=point, at=local(2025, 10, 8, 9, 0))

    assert again.recurrence_of == old


def test_the_most_recently_closed_case_is_linked(world, settings):
    settings.CASE_RECURRENCE_DAYS = 60
    closed_at(world, T0, lat=LAT, lon=LON)
    newer = closed_at(world, T0 + datetime.timedelta(days=3), lat=LAT, lon=LON + 10 * METRE)

    again = new_case(world, lat=LAT, lon=LON, at=T0 + datetime.timedelta(days=20))

    assert again.recurrence_of == newer


def test_duplicate_candidates_are_open_nearby_cases_of_the_same_top_category(world):
    case = new_case(world, lat=LAT, lon=LON)
    same = new_case(world, lat=LAT + 20 * METRE, lon=LON)
    sibling = new_case(world, lat=LAT + 5 * METRE, lon=LON, category=world.hours_leaf)
    new_case(world, lat=LAT + 80 * METRE, lon=LON)  # too far
    other_top = make_category(parent=make_category(name="交通秩序"), name="乱停车")
    new_case(world, lat=LAT, lon=LON, category=other_top)
    closed = closed_at(world, T0, lat=LAT, lon=LON)

    pairs = duplicate_candidates(case)

    assert [(c.pk, round(d)) for c, d in pairs] == [(same.pk, 20), (sibling.pk, 5)]  # same category first
    assert closed.pk not in [c.pk for c, _ in pairs]
    merged = services.merge_cases(actor=world.office, duplicate=same, survivor=case, at=T0)
    assert [c.pk for c, _ in duplicate_candidates(case)] == [sibling.pk]
    assert merged.state == "merged"


def test_nearby_open_cases_before_submitting(world):
    near = new_case(world, lat=LAT, lon=LON + 30 * METRE)
    new_case(world, lat=LAT + 200 * METRE, lon=LON)

    assert [c.pk for c, _ in nearby_open_cases(LAT, LON, category=world.leaf)] == [near.pk]
