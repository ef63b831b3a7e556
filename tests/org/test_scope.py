"""restrict() for units, groups and people, per role."""

from tests.factories import make_area, make_group, make_person, make_point, make_unit, make_user
from wenming.geo.choices import AreaLevel, Post
from wenming.geo.models import Area, Duty, Point
from wenming.geo.services import create_duty
from wenming.org.models import Person, SpecialGroup, Unit


def _names(qs):
    return sorted(x.name for x in qs)


def test_unit_people_and_group_scopes(db):
    # given two streets, each with its street office (territorial unit), a community unit, a bureau
    street_office_a = make_unit(name="甲街道办")
    community_a = make_unit(name="甲社区居委会", parent=street_office_a)
    street_office_b = make_unit(name="乙街道办")
    bureau = make_unit(name="区市场监管局")
    company = make_unit(name="某物业")
    street_a = make_area(AreaLevel.STREET, name="甲街道", unit=street_office_a)
    make_area(AreaLevel.STREET, name="乙街道", unit=street_office_b)  # stays out of every non-office scope
    make_point(area=street_a, responsible_unit=bureau)
    make_person(name="甲社区人员", unit=community_a)
    make_person(name="监管局人员", unit=bureau)
    make_person(name="乙街道人员", unit=street_office_b)
    grid_worker = make_person(name="物业网格员", unit=company)
    create_duty(actor=None, person=grid_worker, post=Post.GRID_WORKER, area=street_a)
    group = make_group(name="市场组", lead_unit=bureau)
    group.member_units.add(company)
    make_group(name="别的组", lead_unit=street_office_b)

    office = make_user("office")
    assert Unit.objects.restrict(office).count() == 5
    # a handler of the street office sees it and the community below it
    handler = make_user("unit_handler", unit=street_office_a)
    assert _names(Unit.objects.restrict(handler)) == ["甲社区居委会", "甲街道办"]
    assert _names(Person.objects.restrict(handler)) == ["甲社区人员"]
    assert _names(SpecialGroup.objects.restrict(handler)) == []
    # street staff see their territorial unit and the units answering for points there
    staff = make_user("street", area=street_a)
    assert _names(Unit.objects.restrict(staff)) == ["区市场监管局", "甲街道办"]
    assert _names(Person.objects.restrict(staff)) == ["物业网格员", "监管局人员"]
    # group leads see the lead and member units of their group
    lead = make_user("group_lead", special_group=group)
    assert _names(Unit.objects.restrict(lead)) == ["区市场监管局", "某物业"]
    assert _names(SpecialGroup.objects.restrict(lead)) == ["市场组"]
    # a member unit's handler sees the group; the lead unit's handler too
    assert _names(SpecialGroup.objects.restrict(make_user("unit_handler", unit=company))) == ["市场组"]
    assert _names(SpecialGroup.objects.restrict(make_user("unit_handler", unit=bureau))) == ["市场组"]
    # nobody special sees only their own person
    me = make_user(person=grid_worker)
    assert _names(Person.objects.restrict(me)) == ["物业网格员"]
    assert Unit.objects.restrict(me).count() == 0
    # only office and admin may change
    for user in (handler, staff, lead, make_user("leader")):
        assert not Unit.objects.restrict(user, "change").exists()
    assert Unit.objects.restrict(office, "change").count() == 5


def test_point_area_and_duty_scopes(db):
    bureau = make_unit(name="局")
    other = make_unit(name="别的单位")
    street_office = make_unit(name="街道办")
    street = make_area(AreaLevel.STREET, name="甲街道", unit=street_office)
    community = make_area(AreaLevel.COMMUNITY, parent=street, name="甲社区")
    street_b = make_area(AreaLevel.STREET, name="乙街道")
    make_point(name="街道内", area=community)
    of_bureau = make_point(name="局的点", area=street_b, responsible_unit=bureau)
    make_point(name="包保点", area=street_b, guarantor_unit=bureau)
    make_point(name="别处", area=street_b, responsible_unit=other)
    owner = make_person(unit=other)
    make_point(name="我的点", area=street_b, responsible_person=owner)
    duty_in_street = create_duty(
        actor=None, person=make_person(unit=other), post=Post.GRID_WORKER, area=community
    )
    duty_of_bureau = create_duty(
        actor=None, person=make_person(unit=bureau), post=Post.POINT_OWNER, point=of_bureau
    )

    staff = make_user("street", area=street)
    assert _names(Point.objects.restrict(staff)) == ["街道内"]
    assert _names(Area.objects.restrict(staff)) == ["乙街道", "甲社区", "甲街道"]
    assert list(Duty.objects.restrict(staff)) == [duty_in_street]
    handler = make_user("unit_handler", unit=bureau)
    assert _names(Point.objects.restrict(handler)) == ["包保点", "局的点"]
    assert list(Duty.objects.restrict(handler)) == [duty_of_bureau]
    assert _names(Area.objects.restrict(handler)) == ["乙街道", "甲街道"]  # streets are public geography
    # the street office's handler sees its territory (subtree) through the area's territorial unit
    assert _names(Area.objects.restrict(make_user("unit_handler", unit=street_office))) == [
        "乙街道",
        "甲社区",
        "甲街道",
    ]
    # inspectors and group leads work across the whole inventory; office sees all
    for user in (
        make_user("inspector"),
        make_user("group_lead", special_group=make_group()),
        make_user("office"),
    ):
        assert Point.objects.restrict(user).count() == 5
        assert Area.objects.restrict(user).count() == 3
    # a person answerable for a point sees it
    assert _names(Point.objects.restrict(make_user(person=owner))) == ["我的点"]
    assert not Point.objects.restrict(make_user()).exists()
    assert not Point.objects.restrict(staff, "change").exists()
