"""Activation, default-set activation policy, and category ↔ special-group linking."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import make_group, make_unit, make_user
from tests.standards.factories import import_small
from wenming.standards.models import ProblemCategory, StandardSet
from wenming.standards.services import activate_standard, link_category_groups, load_default_standard

pytestmark = pytest.mark.django_db


def test_activate_deactivates_the_other_set_of_the_same_scope_only():
    # given two district sets and one city set, the first district one and the city one active
    first = import_small(code="D-1")
    second = import_small(code="D-2")
    city = import_small(code="C-1", scope="city")
    office = make_user("office")
    activate_standard(actor=office, standard_set=first)
    activate_standard(actor=office, standard_set=city)
    # when
    activate_standard(actor=office, standard_set=second)
    # then
    assert dict(StandardSet.objects.values_list("code", "is_active")) == {
        "D-1": False,
        "D-2": True,
        "C-1": True,
    }
    assert second.history.first().history_user == office


def test_activate_is_refused_for_users_who_may_not_change_the_standard():
    standard_set = import_small()
    for role in ("leader", "auditor", "inspector", "unit_handler"):
        with pytest.raises(PermissionDenied):
            activate_standard(actor=make_user(role), standard_set=standard_set)
    standard_set.refresh_from_db()
    assert standard_set.is_active is False


def test_activating_the_active_set_changes_nothing():
    standard_set = import_small()
    activate_standard(actor=None, standard_set=standard_set)
    history = standard_set.history.count()
    activate_standard(actor=None, standard_set=standard_set)
    assert standard_set.history.count() == history


def test_default_set_does_not_replace_an_office_choice():
    # given the office already runs its own district set
    own = import_small(code="OWN")
    activate_standard(actor=None, standard_set=own)
    # when the default is loaded (the demo does this) with activate=True
    default = load_default_standard(activate=True)
    # then the office's set stays active
    default.refresh_from_db()
    own.refresh_from_db()
    assert (own.is_active, default.is_active) == (True, False)


def test_link_category_groups_links_by_code_and_counts_changes():
    import_small()
    assert ProblemCategory.objects.get(code="ENV-T1").special_group is None
    group = make_group(code="SG01", lead_unit=make_unit())
    assert link_category_groups() == 1
    assert ProblemCategory.objects.get(code="ENV-T1").special_group == group
    assert link_category_groups() == 0
