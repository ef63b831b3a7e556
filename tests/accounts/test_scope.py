"""`build_scope` for each role, and the `restrict()` of accounts' own querysets."""

import datetime

import pytest

from tests.factories import make_area, make_group, make_person, make_point, make_unit, make_user
from wenming.accounts.choices import Role
from wenming.accounts.models import Membership, User
from wenming.accounts.scope import build_scope
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Point

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    district = make_area(AreaLevel.DISTRICT, code="350206")
    street = make_area(AreaLevel.STREET, parent=district)
    community = make_area(AreaLevel.COMMUNITY, parent=street)
    grid = make_area(AreaLevel.GRID, parent=community)
    other_street = make_area(AreaLevel.STREET, parent=district)
    other_community = make_area(AreaLevel.COMMUNITY, parent=other_street)
    return district, street, community, grid, other_street, other_community


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("role", "view", "change"),
    [
        (Role.ADMIN, True, True),
        (Role.OFFICE, True, True),
        (Role.LEADER, True, False),
        (Role.AUDITOR, True, False),
        (Role.INSPECTOR, False, False),
    ],
)
def test_district_wide_roles(role, view, change):
    scope = build_scope(make_user(role))
    assert (scope.sees_all("view"), scope.sees_all("change")) == (view, change)
    assert scope.roles == frozenset({role})


def test_a_superuser_without_grants_sees_and_changes_everything():
    scope = build_scope(make_user(is_superuser=True))
    assert scope.sees_all("view") and scope.sees_all("change") and scope.has_role(Role.ADMIN)


def test_unit_handler_reaches_the_unit_and_all_its_descendants_only():
    bureau = make_unit()
    office = make_unit(parent=bureau)
    team = make_unit(parent=office)
    sibling = make_unit()
    scope = build_scope(make_user(Role.UNIT_HANDLER, unit=bureau))
    assert scope.unit_ids == {bureau.pk, office.pk, team.pk}
    assert sibling.pk not in scope.unit_ids
    assert not scope.sees_all("view")
    assert build_scope(make_user(Role.UNIT_HANDLER, unit=office)).unit_ids == {office.pk, team.pk}


def test_street_staff_reach_their_subtree_and_know_its_ancestors(tree):
    district, street, community, grid, other_street, other_community = tree
    scope = build_scope(make_user(Role.STREET, area=street))
    assert scope.area_ids == {street.pk, community.pk, grid.pk}
    assert scope.area_ancestor_ids == {district.pk, street.pk}
    assert build_scope(make_user(Role.COMMUNITY, area=community)).area_ids == {community.pk, grid.pk}
    assert build_scope(make_user(Role.GRID, area=grid)).area_ids == {grid.pk}


def test_an_area_path_prefix_does_not_leak_into_a_sibling_with_a_longer_key(tree):
    district = tree[0]
    # "/…/900001/" is a textual prefix of "/…/9000011" but not of "/…/9000011/": the trailing slash matters
    first = make_area(AreaLevel.STREET, parent=district, pk=900001)
    longer = make_area(AreaLevel.STREET, parent=district, pk=9000011)
    assert longer.path.startswith(first.path.rstrip("/"))
    scope = build_scope(make_user(Role.STREET, area=first))
    assert scope.area_ids == {first.pk}


def test_group_lead_reaches_lead_and_member_units_of_their_group():
    lead = make_unit()
    member = make_unit()
    outsider = make_unit()
    group = make_group(lead_unit=lead)
    group.member_units.add(member)
    make_group(lead_unit=outsider)
    scope = build_scope(make_user(Role.GROUP_LEAD, special_group=group))
    assert scope.group_ids == {group.pk}
    assert scope.group_unit_ids == {lead.pk, member.pk}
    assert scope.unit_ids == set()
    assert scope.sees_all_points and not scope.sees_all("view")


def test_inspector_sees_all_points_but_is_not_district_wide():
    scope = build_scope(make_user(Role.INSPECTOR))
    assert scope.sees_all_points is True
    assert scope.sees_all("view") is False


def test_third_party_flag_and_person_are_carried():
    person = make_person()
    user = make_user(person=person)
    Membership.objects.create(user=user, role=Role.INSPECTOR, is_third_party=True)
    scope = build_scope(user)
    assert scope.is_third_party is True
    assert scope.person_id == person.pk


def test_revoked_and_expired_grants_give_nothing():
    unit = make_unit()
    user = make_user()
    Membership.objects.create(user=user, role=Role.UNIT_HANDLER, unit=unit, is_active=False)
    Membership.objects.create(
        user=user, role=Role.OFFICE, valid_until=datetime.date.today() - datetime.timedelta(1)
    )
    Membership.objects.create(user=user, role=Role.LEADER, valid_until=datetime.date.today())
    scope = build_scope(user)
    assert scope.roles == frozenset({Role.LEADER})
    assert scope.unit_ids == set()


def test_inactive_and_anonymous_users_get_a_fresh_empty_scope():
    from django.contrib.auth.models import AnonymousUser

    user = make_user(Role.OFFICE, is_active=False)
    first = build_scope(user)
    assert first.roles == frozenset() and not first.sees_all("view")
    first.unit_ids.add(999)
    assert build_scope(AnonymousUser()).unit_ids == set()


def test_scope_is_computed_once_per_user_object(django_assert_num_queries):
    user = fresh(make_user(Role.OFFICE))
    with django_assert_num_queries(1):
        user.scope()
        user.scope()
        user.role_codes()


def test_scope_summary_counts():
    bureau = make_unit()
    make_unit(parent=bureau)
    summary = build_scope(make_user(Role.UNIT_HANDLER, unit=bureau)).summary()
    assert summary == {
        "district_wide_view": False,
        "district_wide_change": False,
        "all_points": False,
        "units": 2,
        "areas": 0,
        "special_groups": 0,
        "special_group_units": 0,
        "person_id": None,
        "is_third_party": False,
    }


def test_street_staff_see_only_points_of_their_street(tree):
    _district, street, community, _grid, other_street, other_community = tree
    inside = make_point(area=community)
    make_point(area=other_community)
    staff = fresh(make_user(Role.STREET, area=street))
    assert list(Point.objects.restrict(staff)) == [inside]
    assert Point.objects.restrict(staff, "change").count() == 0
    assert Point.objects.restrict(fresh(make_user(Role.OFFICE))).count() == 2


def test_user_and_membership_restrict():
    admin = fresh(make_user(Role.ADMIN))
    office = fresh(make_user(Role.OFFICE))
    assert User.objects.restrict(admin).count() == 2
    assert list(User.objects.restrict(office)) == [office]
    assert User.objects.restrict(office, "change").count() == 0
    assert list(Membership.objects.restrict(office)) == list(office.memberships.all())
    assert Membership.objects.restrict(admin, "change").count() == 2


def test_with_role_counts_superusers_as_admins():
    admin = make_user(Role.ADMIN)
    root = make_user(is_superuser=True)
    make_user(Role.OFFICE)
    assert set(User.objects.with_role(Role.ADMIN)) == {admin, root}
