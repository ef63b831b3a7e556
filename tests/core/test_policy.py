"""The one authorization policy (core/policy.py) and the one set of role predicates (core/roles.py)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from tests.factories import make_area, make_point, make_point_type, make_unit, make_user
from wenming.accounts.choices import Role
from wenming.core import roles
from wenming.core.policy import RestrictedQuerySet, policies
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Point

SRC = Path(__file__).resolve().parents[2] / "src" / "wenming"


def test_there_is_one_restrict_implementation():
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*def restrict\(", line)
    ]
    assert found == ["core/policy.py:" + found[0].split(":")[1]], found


def test_no_app_defines_its_own_office_predicate():
    pattern = re.compile(r"def _?(is_office|is_reader|can_change|_can_change_district)\(")
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["core/roles.py"], found


@pytest.mark.django_db
def test_every_domain_model_declares_a_policy():
    """Every model whose manager offers `restrict` gets it from the policy (no hand-written method left)."""
    from django.apps import apps

    declared = policies()
    restricted = [m for m in apps.get_models() if hasattr(m._default_manager.get_queryset(), "restrict")]
    assert restricted, "no model offers restrict()"
    for model in restricted:
        assert isinstance(model._default_manager.get_queryset(), RestrictedQuerySet), model
        assert model in declared, model
    # A few of the declarations, read back as text.
    from wenming.cases.models import Case

    described = declared[Case].describe()
    assert described["view"][0] == "sees_all(action) → all"
    assert "holds(unit_handler) → units(unit_id)" in described["view"]


@pytest.mark.django_db
def test_restrict_reads_the_declaration():
    """Point: district-wide roles and inspectors see all; an area user the points of the subtree; a unit
    handler the points the unit answers for; only admin/office change; anonymous and undeclared: nothing."""
    district = make_area(AreaLevel.DISTRICT)
    street = make_area(AreaLevel.STREET, parent=district)
    other = make_area(AreaLevel.STREET, parent=district)
    unit = make_unit()
    pt = make_point_type()
    mine = make_point(point_type=pt, area=street)
    answered = make_point(point_type=pt, area=other, responsible_unit=unit)
    elsewhere = make_point(point_type=pt, area=other)
    office = make_user(Role.OFFICE)
    leader = make_user(Role.LEADER)
    inspector = make_user(Role.INSPECTOR)
    street_user = make_user(Role.STREET, area=street)
    handler = make_user(Role.UNIT_HANDLER, unit=unit)
    nobody = make_user()

    def ids(user, action="view"):
        return set(Point.objects.restrict(user, action).values_list("pk", flat=True))

    everything = {mine.pk, answered.pk, elsewhere.pk}
    assert ids(office) == ids(leader) == ids(inspector) == everything
    assert ids(street_user) == {mine.pk}
    assert ids(handler) == {answered.pk}
    assert ids(nobody) == set()
    assert ids(AnonymousUser()) == set()
    assert ids(office, "change") == everything
    assert ids(leader, "change") == ids(inspector, "change") == ids(street_user, "change") == set()
    assert ids(office, "no-such-action") == everything  # otherwise: district-wide for any other action
    assert ids(street_user, "no-such-action") == set()


@pytest.mark.django_db
def test_only_narrows_and_undeclared_actions_give_nothing():
    """Examples: the office sees drafts, everyone else signed in only published ones; `sign` on a bulletin is
    the leader's and admin's; the audit log has no action but view."""
    from wenming.accounts.models import AuditEvent
    from wenming.bulletins.models import Bulletin
    from wenming.surveys.models import Example

    office, leader, street_user = make_user(Role.OFFICE), make_user(Role.LEADER), make_user(Role.STREET)
    pt = make_point_type()
    draft = Example.objects.create(point_type=pt, kind="right", title="草稿示例", is_published=False)
    published = Example.objects.create(point_type=pt, kind="wrong", title="已发布示例", is_published=True)
    assert set(Example.objects.restrict(office)) == {draft, published}
    assert set(Example.objects.restrict(street_user)) == {published}
    assert not Example.objects.restrict(street_user, "change").exists()
    assert Bulletin.objects.restrict(leader, "sign").query.is_empty() is False
    assert Bulletin.objects.restrict(office, "sign").query.is_empty() is True
    assert AuditEvent.objects.restrict(make_user(Role.AUDITOR), "change").query.is_empty() is True


@pytest.mark.django_db
def test_role_predicates():
    office, leader, auditor = make_user(Role.OFFICE), make_user(Role.LEADER), make_user(Role.AUDITOR)
    inspector, street_user = make_user(Role.INSPECTOR), make_user(Role.STREET)
    superuser = make_user(is_superuser=True)
    anonymous = AnonymousUser()
    assert [roles.is_office(u) for u in (office, leader, auditor, inspector, superuser, anonymous)] == [
        True, False, False, False, True, False,
    ]  # fmt: skip
    assert [roles.is_reader(u) for u in (office, leader, auditor, inspector, superuser, anonymous)] == [
        True, True, True, False, True, False,
    ]  # fmt: skip
    assert roles.has_role(superuser, Role.INSPECTOR) and not roles.holds(superuser, Role.INSPECTOR)
    assert roles.is_inspector(inspector) and not roles.is_inspector(office)
    assert roles.holds(street_user, "street", "grid") and not roles.has_role(street_user, "office")
    assert roles.is_office_or_system(None) and not roles.is_office_or_system(street_user)
    assert not roles.is_office(None)


@pytest.mark.django_db
def test_templates_read_the_same_predicates(rf):
    from wenming.core.context_processors import wenming

    request = rf.get("/")
    template = Template("{% if roles.is_office %}office{% endif %}|{% if roles.is_reader %}reader{% endif %}")
    request.user = make_user(Role.LEADER)
    assert template.render(Context(wenming(request))) == "|reader"
    request.user = make_user(Role.OFFICE)
    assert template.render(Context(wenming(request))) == "office|reader"
    request.user = AnonymousUser()
    assert template.render(Context(wenming(request))) == "|"
