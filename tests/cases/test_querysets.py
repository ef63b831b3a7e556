"""Business reads and the scope every list starts from."""

import datetime

from tests.cases.helpers import T0, case_in, local, new_case
from tests.factories import make_area, make_unit, make_user
from wenming.cases import services
from wenming.cases.models import Case
from wenming.geo.choices import AreaLevel


def pks(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_restrict_by_role(world):
    w = world
    bureau_case = case_in(w, "fixing")  # reported by the inspector, in the grid of 殿前, group 环境卫生
    other_case = services.dispatch(
        new_case(w, actor=w.office, area=w.other_street), actor=w.office, unit=w.other_unit, at=T0
    )
    named = services.dispatch(new_case(w, actor=w.office, area=w.other_street), actor=w.office, unit=w.bureau,
                              person=w.person, at=T0)  # fmt: skip
    sub_unit = make_unit(name="园林局下属所", parent=w.bureau)
    sub_case = services.dispatch(
        new_case(w, actor=w.office, area=w.other_street), actor=w.office, unit=sub_unit, at=T0
    )
    everything = pks(Case.objects.all())

    expected = {
        w.office: everything,
        w.leader: everything,
        w.auditor: everything,
        w.handler: sorted([bureau_case.pk, named.pk, sub_case.pk]),  # own unit and its sub-units
        w.other_handler: [other_case.pk],
        w.street_user: sorted([bureau_case.pk]),  # area subtree
        w.other_street_user: sorted([other_case.pk, named.pk, sub_case.pk]),
        w.group_lead: everything,  # every case is of the 环境卫生 group
        w.other_group_lead: [],
        w.inspector: [bureau_case.pk],  # reported by them
        w.person_user: [named.pk],  # named responsible person
        make_user(): [],  # no role
    }
    from wenming.accounts.models import User

    for user, want in expected.items():
        fresh = User.objects.get(pk=user.pk)  # a new request: the scope is computed afresh
        assert pks(Case.objects.restrict(fresh, "view")) == want, user
    assert pks(Case.objects.restrict(w.leader, "change")) == []
    assert pks(Case.objects.restrict(w.office, "change")) == everything
    from django.contrib.auth.models import AnonymousUser

    assert pks(Case.objects.restrict(AnonymousUser())) == []


def test_state_reads(world):
    w = world
    reported = new_case(w)
    dispatched = case_in(
        w, "dispatched"
    )  # deadline Monday 29th 08:30 (dispatched Friday 11:00 → Sunday 11:00)
    fixing = case_in(w, "fixing")
    parked = case_in(w, "parked")
    closed = case_in(w, "closed")
    returned = case_in(w, "returned")

    assert pks(Case.objects.open()) == sorted([reported.pk, dispatched.pk, fixing.pk, parked.pk, returned.pk])
    assert pks(Case.objects.parked()) == [parked.pk]
    assert pks(Case.objects.overdue(local(2025, 9, 28, 12, 0))) == sorted([dispatched.pk, fixing.pk])
    assert pks(Case.objects.overdue(local(2025, 9, 28, 10, 0))) == []
    assert pks(Case.objects.due_within(2, local(2025, 9, 28, 9, 30))) == sorted([dispatched.pk, fixing.pk])
    assert pks(Case.objects.due_within(1, local(2025, 9, 28, 9, 30))) == []
    assert pks(Case.objects.dispatch_overdue(local(2025, 9, 26, 11, 30))) == [reported.pk]
    assert pks(Case.objects.awaiting_dispatch()) == sorted([reported.pk, returned.pk])
    assert closed.pk not in pks(Case.objects.open())
    assert dispatched.fix_deadline == local(2025, 9, 28, 11, 0)


def test_for_unit_and_in_area(world):
    w = world
    sub_unit = make_unit(name="下属所", parent=w.bureau)
    own = case_in(w, "dispatched")
    sub = services.dispatch(new_case(w), actor=w.office, unit=sub_unit, at=T0)
    elsewhere = new_case(
        w, area=make_area(AreaLevel.GRID, parent=make_area(AreaLevel.COMMUNITY, parent=w.other_street))
    )

    assert pks(Case.objects.for_unit(w.bureau)) == [own.pk]
    assert pks(Case.objects.for_unit(w.bureau, include_children=True)) == sorted([own.pk, sub.pk])
    assert pks(Case.objects.in_area(w.street)) == sorted([own.pk, sub.pk])
    assert pks(Case.objects.in_area(w.other_street)) == [elsewhere.pk]
    assert pks(Case.objects.in_area(w.district)) == sorted([own.pk, sub.pk, elsewhere.pk])
    assert elsewhere.street == w.other_street


def test_escalated_and_is_overdue(world):
    case = case_in(world, "fixing")
    Case.objects.filter(pk=case.pk).update(escalation_level=1)

    assert pks(Case.objects.escalated()) == [case.pk]
    assert case.is_overdue(case.fix_deadline + datetime.timedelta(minutes=1))
    assert not case.is_overdue(case.fix_deadline)
