"""Who hears about a case (audiences) and the deferred call to core.notify (after commit)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wenming.accounts.choices import Role
from wenming.core.versions import VersionedCache

UNIT_ROLES = (Role.UNIT_HANDLER, Role.STREET, Role.COMMUNITY)


@dataclass
class Grants:
    """Active users and their unrevoked grants, kept per process (core.versions "recipients": rebuilt when a
    user or a membership is saved or deleted); the day's validity is checked at each use."""

    active: frozenset  # ids of active users
    grants: list  # (user_id, role, unit_id, valid_until) of memberships not revoked, active users only
    by_person: dict  # person_id → ids of the active users linked to that person

    def holders(self, roles, *, unit_id=None, on=None) -> set[int]:
        on = on or timezone.localdate()
        return {
            user
            for user, role, unit, until in self.grants
            if role in roles and (unit_id is None or unit == unit_id) and (until is None or until >= on)
        }


def _build_grants() -> Grants:
    from wenming.accounts.models import Membership, User

    active = frozenset(User.objects.filter(is_active=True).values_list("pk", flat=True))
    grants = [
        row
        for row in Membership.objects.filter(is_active=True).values_list(
            "user_id", "role", "unit_id", "valid_until"
        )
        if row[0] in active
    ]
    by_person: dict[int, set[int]] = {}
    for person, user in User.objects.filter(is_active=True, person__isnull=False).values_list(
        "person_id", "pk"
    ):
        by_person.setdefault(person, set()).add(user)
    return Grants(active, grants, by_person)


GRANTS = VersionedCache("recipients", _build_grants)


def watch() -> None:
    """Connect the invalidation signals (from `CasesConfig.ready()`)."""
    from wenming.accounts.models import Membership, User

    GRANTS.watch(User, Membership)


def unit_user_ids(case) -> set[int]:
    """Handlers of the responsible unit (its own grants) and the users of the named person."""
    grants = GRANTS.get()
    ids: set[int] = set()
    if case.unit_id:
        ids |= grants.holders(UNIT_ROLES, unit_id=case.unit_id)
    if case.person_id:
        ids |= grants.by_person.get(case.person_id, set())
    return ids


def office_user_ids() -> set[int]:
    return GRANTS.get().holders((Role.OFFICE,))


def leader_user_ids() -> set[int]:
    return GRANTS.get().holders((Role.LEADER,))


def reporter_user_ids(case) -> set[int]:
    """The reporter's account and the reporters of every duplicate merged into this case."""
    from wenming.cases.models import Case

    ids = set(
        Case.objects.filter(Q(pk=case.pk) | Q(merged_into_id=case.pk), reported_by__isnull=False).values_list(
            "reported_by_id", flat=True
        )
    )
    return ids & GRANTS.get().active


AUDIENCES = {
    "unit": unit_user_ids,
    "office": lambda case: office_user_ids(),
    "leaders": lambda case: leader_user_ids(),
    "reporters": reporter_user_ids,
}


def recipients(case, audiences, *, exclude_user=None) -> list[int]:
    ids: set[int] = set()
    for name in audiences:
        ids |= AUDIENCES[name](case)
    if exclude_user is not None:
        ids.discard(exclude_user.pk)
    return sorted(ids)


def notify_later(case, audiences, *, kind: str, title: str, body: str = "", exclude_user=None) -> list[int]:
    """Resolve the audiences now (inside the transaction) and notify after commit. Returns the user ids."""
    user_ids = recipients(case, audiences, exclude_user=exclude_user)
    if not user_ids:
        return []
    url = case.get_absolute_url()

    def send():
        from wenming.accounts.models import User
        from wenming.core.notify import notify

        notify(list(User.objects.filter(pk__in=user_ids)), kind=kind, title=title, body=body, url=url)

    transaction.on_commit(send)
    return user_ids
