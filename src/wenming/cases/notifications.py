"""Who hears about a case (audiences) and the deferred call to core.notify (after commit)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from wenming.accounts.choices import Role

UNIT_ROLES = (Role.UNIT_HANDLER, Role.STREET, Role.COMMUNITY)


def _users():
    from wenming.accounts.models import User

    return User.objects.filter(is_active=True)


def _role_holders(role: str, **filters):
    from wenming.accounts.models import Membership

    return Membership.objects.active().filter(role=role, **filters).values("user_id")


def unit_user_ids(case) -> set[int]:
    """Handlers of the responsible unit (its own grants) and the users of the named person."""
    from wenming.accounts.models import Membership

    q = Q(pk__in=[])
    if case.unit_id:
        holders = (
            Membership.objects.active().filter(role__in=UNIT_ROLES, unit_id=case.unit_id).values("user_id")
        )
        q |= Q(pk__in=holders)
    if case.person_id:
        q |= Q(person_id=case.person_id)
    return set(_users().filter(q).values_list("pk", flat=True))


def office_user_ids() -> set[int]:
    return set(_users().filter(pk__in=_role_holders(Role.OFFICE)).values_list("pk", flat=True))


def leader_user_ids() -> set[int]:
    return set(_users().filter(pk__in=_role_holders(Role.LEADER)).values_list("pk", flat=True))


def reporter_user_ids(case) -> set[int]:
    """The reporter's account and the reporters of every duplicate merged into this case."""
    from wenming.cases.models import Case

    ids = set(
        Case.objects.filter(Q(pk=case.pk) | Q(merged_into_id=case.pk), reported_by__isnull=False).values_list(
            "reported_by_id", flat=True
        )
    )
    return set(_users().filter(pk__in=ids).values_list("pk", flat=True))


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
