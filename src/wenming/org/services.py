"""Writes for the organisation registry: units, special groups, people.

Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns the changed object.
`actor=None` means the system (demo loader, management commands); a user must be allowed to change
the registry (`Unit.objects.restrict(actor, "change")` is district-wide for admin and office only).
Validation errors are `django.core.exceptions.ValidationError` with Chinese messages; nothing is written
when one is raised.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.roles import is_office
from wenming.org.models import Person, SpecialGroup, Unit

UNIT_FIELDS = ("code", "name", "short_name", "level", "parent", "contact_phone", "address", "is_active")
GROUP_FIELDS = ("code", "name", "theme", "lead_unit", "order")
PERSON_FIELDS = ("name", "unit", "title", "phone", "is_active")


def ensure_can_change(actor, model) -> None:
    """Refuse a user who may not change `model` rows (system writes pass `actor=None`)."""
    if actor is None:
        return
    # restrict(actor, "change") is district-wide or nothing for the registries: the same test as sees_all.
    if not is_office(actor):
        raise PermissionDenied(_("您没有修改此类数据的权限。"))


PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")


def validate_phone(phone: str, field: str = "phone") -> None:
    if phone and not PHONE_RE.match(phone):
        raise ValidationError({field: _("电话号码格式不正确（只能包含数字、空格、+、-、括号，5–20 位）。")})


def _save(obj, actor, *, exclude=None) -> None:
    obj.full_clean(exclude=exclude)
    if actor is not None:
        obj._history_user = actor  # simple_history records who changed it
    obj.save()


def apply_changes(obj, fields: tuple[str, ...], changes: dict) -> None:
    """Set `changes` on `obj`; a field outside `fields` is a programming error (ValueError)."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)


def check_unit_parent(unit: Unit, parent: Unit | None) -> None:
    """Refuse a parent that is the unit itself or one of its descendants (a cycle)."""
    if parent is None or unit.pk is None:
        return
    seen: set[int] = set()
    node = parent
    while node is not None:
        if node.pk == unit.pk:
            raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位（循环引用）。")})
        if node.pk in seen:  # an existing cycle in the data: stop walking
            break
        seen.add(node.pk)
        node = Unit.objects.filter(pk=node.parent_id).first() if node.parent_id else None


@transaction.atomic
def create_unit(*, actor, code: str, name: str, level: str, parent: Unit | None = None, **extra) -> Unit:
    """Register a responsible unit (责任单位)."""
    ensure_can_change(actor, Unit)
    unit = Unit(code=(code or "").strip(), name=(name or "").strip(), level=level, parent=parent)
    apply_changes(unit, UNIT_FIELDS, extra)
    validate_phone(unit.contact_phone, "contact_phone")
    _save(unit, actor)
    return unit


@transaction.atomic
def update_unit(*, actor, unit: Unit, **changes) -> Unit:
    """Change a unit's fields; a new parent that would make a cycle is refused."""
    ensure_can_change(actor, Unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if "parent" in changes:
        check_unit_parent(unit, changes["parent"])
    apply_changes(unit, UNIT_FIELDS, changes)
    validate_phone(unit.contact_phone, "contact_phone")
    _save(unit, actor)
    return unit


@transaction.atomic
def create_group(
    *, actor, code: str, name: str, lead_unit: Unit, member_units: Iterable[Unit] = (), **extra
) -> SpecialGroup:
    """Set up a special rectification coordination group (专项整治协调组) with its lead and member units."""
    ensure_can_change(actor, SpecialGroup)
    group = SpecialGroup(code=(code or "").strip(), name=(name or "").strip(), lead_unit=lead_unit)
    apply_changes(group, GROUP_FIELDS, extra)
    _save(group, actor)
    group.member_units.set(list(member_units))
    return group


@transaction.atomic
def update_group(
    *, actor, group: SpecialGroup, member_units: Iterable[Unit] | None = None, **changes
) -> SpecialGroup:
    """Change a group's fields and, when given, replace its member units."""
    ensure_can_change(actor, SpecialGroup)
    group = SpecialGroup.objects.select_for_update().get(pk=group.pk)
    apply_changes(group, GROUP_FIELDS, changes)
    _save(group, actor)
    if member_units is not None:
        group.member_units.set(list(member_units))
    return group


@transaction.atomic
def create_person(*, actor, name: str, unit: Unit, **extra) -> Person:
    """Register a named person (责任人, 网格员 …) in a unit."""
    ensure_can_change(actor, Person)
    person = Person(name=(name or "").strip(), unit=unit)
    apply_changes(person, PERSON_FIELDS, extra)
    validate_phone(person.phone)
    _save(person, actor)
    return person


@transaction.atomic
def update_person(*, actor, person: Person, **changes) -> Person:
    ensure_can_change(actor, Person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    apply_changes(person, PERSON_FIELDS, changes)
    validate_phone(person.phone)
    _save(person, actor)
    return person
