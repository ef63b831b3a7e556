import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_person, make_unit, make_user
from wenming.org import services
from wenming.org.choices import UnitLevel
from wenming.org.models import Person, SpecialGroup, Unit


def test_create_unit_group_and_person(db):
    office = make_user("office")
    street = services.create_unit(actor=office, code="JT", name="江头街道办事处", level=UnitLevel.STREET)
    community = services.create_unit(actor=office, code="JT-01", name="江头社区居委会", level=UnitLevel.COMMUNITY,
                                     parent=street)  # fmt: skip
    group = services.create_group(actor=office, code="SG01", name="市容环境卫生整治组", lead_unit=street,
                                  member_units=[community])  # fmt: skip
    person = services.create_person(actor=office, name=" 王芳 ", unit=community, phone="139-0000-1234")
    assert (community.parent, person.name, list(group.member_units.all())) == (street, "王芳", [community])
    assert Unit.history.filter(code="JT").first().history_user == office


def test_unit_cycles_are_refused(db):
    # given a → b → c (c's parent is b, b's parent is a)
    a = make_unit()
    b = make_unit(parent=a)
    c = make_unit(parent=b)
    for unit, parent in [(a, c), (a, b), (a, a), (b, c)]:
        with pytest.raises(ValidationError) as exc:
            services.update_unit(actor=None, unit=unit, parent=parent)
        assert exc.value.message_dict == {"parent": ["上级单位不能是本单位或其下级单位（循环引用）。"]}
    assert [Unit.objects.get(pk=x.pk).parent_id for x in (a, b, c)] == [None, a.pk, b.pk]
    # a legal move works
    assert services.update_unit(actor=None, unit=c, parent=a).parent == a


def test_validation_errors_write_nothing(db):
    unit = make_unit(code="DUP")
    with pytest.raises(ValidationError) as exc:
        services.create_unit(actor=None, code="DUP", name="重复", level=UnitLevel.DISTRICT)
    assert list(exc.value.message_dict) == ["code"]
    with pytest.raises(ValidationError) as exc:
        services.create_unit(actor=None, code="X", name="x", level="galactic")
    assert list(exc.value.message_dict) == ["level"]
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, name="张三", unit=unit, phone="call me")
    assert exc.value.message_dict == {
        "phone": ["电话号码格式不正确（只能包含数字、空格、+、-、括号，5–20 位）。"]
    }
    with pytest.raises(ValidationError):
        services.create_person(actor=None, name="", unit=unit)
    assert (Unit.objects.count(), Person.objects.count()) == (1, 0)


def test_registry_writes_need_office(db):
    unit = make_unit()
    for role in ("leader", "unit_handler", "street", "auditor"):
        user = make_user(role, unit=unit if role == "unit_handler" else None)
        with pytest.raises(PermissionDenied):
            services.create_person(actor=user, name="张三", unit=unit)
        with pytest.raises(PermissionDenied):
            services.update_unit(actor=user, unit=unit, name="改名")
    assert not Person.objects.exists() and Unit.objects.get().name != "改名"


def test_update_group_replaces_members(db):
    a, b, c = make_unit(), make_unit(), make_unit()
    group = services.create_group(actor=None, code="G", name="组", lead_unit=a, member_units=[b])
    group = services.update_group(actor=None, group=group, member_units=[c], name="新组")
    assert (group.name, list(group.member_units.all())) == ("新组", [c])
    group = services.update_group(actor=None, group=group, order=3)
    assert list(group.member_units.all()) == [c]
    assert SpecialGroup.objects.get().order == 3


def test_update_person(db):
    person = make_person(name="李四")
    assert (
        services.update_person(actor=None, person=person, title="网格员", is_active=False).title == "网格员"
    )
