"""Who a bulletin row names (domain.md §8 "Who is named"): the unit responsible NOW and a person of that
unit; never a person of another unit; a case not yet dispatched names neither."""

import datetime

from tests.bulletins.helpers import NOW, local
from tests.factories import make_person
from wenming.bulletins import collect
from wenming.bulletins.choices import BulletinKind
from wenming.bulletins.periods import window_of
from wenming.cases import services as case_services
from wenming.cases.choices import CaseSource
from wenming.geo.choices import Post
from wenming.geo.models import Duty
from wenming.org.models import Person


def _rows(data):
    return {r["code"]: r for r in data["problems"]}


def _monthly():
    return collect.collect(collect.Spec(BulletinKind.MONTHLY, window_of("2026-10")), now=NOW)


def _transfer_b_to_u2(ds):
    b = ds.cases["B"]
    b = case_services.transition(
        b, "transfer", actor=ds.handler_u1, note="农贸市场由交通局管理", at=local(2026, 10, 12, 14, 0)
    )
    return case_services.dispatch(b, actor=ds.office, unit=ds.u2, at=local(2026, 10, 12, 15, 0))


def test_upheld_transfer_names_the_new_unit_and_never_the_old_point_owner(ds):
    before = _rows(_monthly())[ds.cases["B"].code]
    assert (before["unit"], before["person"]) == ("区市政园林局", "王二")  # assigned person of U1

    b = _transfer_b_to_u2(ds)
    assert b.unit_id == ds.u2.pk and b.person_id is None
    row = _rows(_monthly())[b.code]
    # the point's registered owner 王二 belongs to 区市政园林局: not named beside 区交通局
    assert row["unit"] == "区交通局"
    assert row["person"] == ""


def test_after_transfer_the_new_units_duty_holder_for_the_area_is_named(ds):
    zhao = make_person(name="赵四", unit=ds.u2)
    other = make_person(name="钱五", unit=ds.u1)  # a duty of another unit on the same area: never named
    point = ds.points["p2"]
    Duty.objects.create(
        person=other, post=Post.GRID_LEAD, area=point.area, start_date=datetime.date(2026, 1, 1)
    )
    Duty.objects.create(
        person=zhao, post=Post.ROAD_CHIEF, area=point.area, start_date=datetime.date(2026, 1, 1)
    )
    b = _transfer_b_to_u2(ds)
    row = _rows(_monthly())[b.code]
    assert (row["unit"], row["person"]) == ("区交通局", "赵四")


def test_point_duty_of_the_unit_wins_over_area_duty(ds):
    point = ds.points["p2"]
    area_holder = make_person(name="孙六", unit=ds.u2)
    point_holder = make_person(name="周七", unit=ds.u2)
    Duty.objects.create(
        person=area_holder, post=Post.GRID_LEAD, area=point.area, start_date=datetime.date(2026, 1, 1)
    )
    Duty.objects.create(
        person=point_holder, post=Post.POINT_OWNER, point=point, start_date=datetime.date(2026, 1, 1)
    )
    b = _transfer_b_to_u2(ds)
    assert _rows(_monthly())[b.code]["person"] == "周七"


def test_case_not_yet_dispatched_names_neither_unit_nor_person(ds):
    case = case_services.create_case(
        actor=ds.office, source=CaseSource.CITIZEN, category=ds.env, description="路边垃圾未清运",
        point=ds.points["p1"], at=local(2026, 10, 21, 9, 0),
    )  # fmt: skip
    row = _rows(_monthly())[case.code]
    assert row["unit"] == "（待派遣）"
    assert row["person"] == ""  # the point's owner 王一 is not named before dispatch


def test_dispatched_without_person_names_the_point_owner_only_when_of_that_unit(ds):
    # D was dispatched to 区交通局 without a person at P4, which has no registered owner
    row = _rows(_monthly())[ds.cases["D"].code]
    assert (row["unit"], row["person"]) == ("区交通局", "")
    # A (U1, assigned 王一) keeps its person
    assert _rows(_monthly())[ds.cases["A"].code]["person"] == "王一"


def assert_people_of_their_units(data) -> int:
    """Every (unit, person) pair of a bulletin snapshot is a person of that unit (or of one of its sub-units);
    a row without a unit names nobody. Returns how many named rows were checked."""
    from wenming.org.models import Unit

    parents = dict(Unit.objects.values_list("name", "parent__name"))
    people_units: dict[str, set[str]] = {}
    for name, unit_name in Person.objects.values_list("name", "unit__name"):
        people_units.setdefault(name, set()).add(unit_name)
    checked = 0
    for row in data["problems"] + data["overdue"] + data["rebounds"]:
        if row["unit"] == "（待派遣）":
            assert row["person"] == "", row
        if row["person"]:
            units = set(people_units[row["person"]])
            for unit in list(units):  # a person of a sub-unit belongs to the unit above too
                while parents.get(unit):
                    unit = parents[unit]
                    units.add(unit)
            assert row["unit"] in units, row
            checked += 1
    return checked


def test_every_named_person_belongs_to_the_rows_unit_in_a_generated_bulletin(ds):
    """Over the snapshot a generated bulletin keeps: each (unit, person) pair is a person of that unit."""
    _transfer_b_to_u2(ds)
    assert assert_people_of_their_units(_monthly()) >= 2
