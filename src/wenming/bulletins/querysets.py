"""Business reads for bulletins and appraisal, scoped by `restrict(user, action)`.

Who sees what:
* admin, office, leader, auditor: every bulletin (drafts included), every scheme, run, result and appeal;
* everybody else signed in: the published (and archived) bulletins addressed to one of "their" units —
  their own units and sub-units, their special groups' lead and member units, the territorial units of
  their areas — and, of published appraisal runs, the results of those units / of their streets, with
  the appeals on them;
* actions: "change" (create, edit, generate, publish, configure, answer appeals) is admin/office;
  "sign" (签发) is the leader's (and admin's); "appeal" is the handlers of the result's own unit/street.
"""

from django.db.models import Q

from wenming.core import roles
from wenming.core.policy import (
    SEES_ALL,
    Policy,
    RestrictedQuerySet,
    everything,
    has_role,
    hook,
    rows,
    through,
)

SIGNERS = ("leader", "admin")


def my_unit_ids(user) -> set[int]:
    """The units whose bulletins and results a user receives: own units (and below), special groups'
    units, and the territorial units (属地单位) of the user's areas."""
    scope = user.scope()
    ids = set(scope.unit_ids) | set(scope.group_unit_ids)
    if scope.area_ids:
        from wenming.geo.models import Area

        ids |= set(
            Area.objects.filter(pk__in=scope.area_ids, unit__isnull=False).values_list("unit_id", flat=True)
        )
    return ids


def can_sign(user) -> bool:
    """签发 is the leader's (and admin's)."""
    return roles.has_role(user, *SIGNERS)


def _published_bulletin() -> Q:
    from wenming.bulletins.choices import FROZEN_STATES

    return Q(state__in=FROZEN_STATES)


def _published_run() -> Q:
    from wenming.bulletins.choices import RunState

    return Q(state=RunState.PUBLISHED)


def _of_published_run() -> Q:
    from wenming.bulletins.choices import RunState

    return Q(run__state=RunState.PUBLISHED)


def addressed_bulletins(qs, user, scope) -> Q | None:
    """Hook: the bulletins addressed to one of the user's units (`my_unit_ids`)."""
    units = my_unit_ids(user)
    if not units:
        return None
    through_model = qs.model.recipients.through
    return Q(pk__in=through_model.objects.filter(unit_id__in=units).values("bulletin_id"))


def runs_with_my_results(qs, user, scope) -> Q:
    """Hook: the appraisal runs holding a result the user sees."""
    from wenming.bulletins.models import AppraisalResult

    return Q(pk__in=AppraisalResult.objects.restrict(user, "view").values("run_id"))


def own_results(qs, user, scope) -> Q | None:
    """Hook: the results of the user's units (own and special groups', directly or as a street's territorial
    unit) and of their areas."""
    q = Q(pk__in=[])
    matched = False
    units = scope.unit_ids | scope.group_unit_ids
    if units:
        q |= Q(unit_id__in=units) | Q(area__unit_id__in=units)
        matched = True
    if scope.area_ids:
        q |= Q(area_id__in=scope.area_ids)
        matched = True
    return q if matched else None


def appealable_results(qs, user, scope) -> Q:
    """Hook: the results the user may appeal: those of their own units (directly or as a street's
    territorial unit) and, for street staff, of their streets (not group leads, not oversight roles)."""
    q = Q(pk__in=[])
    if scope.unit_ids:
        q |= Q(unit_id__in=scope.unit_ids) | Q(area__unit_id__in=scope.unit_ids)
    if scope.area_ids and scope.has_role("street"):
        q |= Q(area_id__in=scope.area_ids)
    return q


DISTRICT = [everything(SEES_ALL)]


class BulletinQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[everything(SEES_ALL), rows(hook(addressed_bulletins), only=_published_bulletin)],
        sign=[everything(has_role(*SIGNERS))],
        otherwise=DISTRICT,
    )

    def published(self):
        from wenming.bulletins.choices import FROZEN_STATES

        return self.filter(state__in=FROZEN_STATES)

    def drafts(self):
        from wenming.bulletins.choices import BulletinState

        return self.filter(state=BulletinState.DRAFT)

    def awaiting_signature(self):
        from wenming.bulletins.choices import BulletinState

        return self.filter(state=BulletinState.REVIEW)


class BulletinJobQuerySet(RestrictedQuerySet):
    # A bulletin's jobs follow the bulletin, for every action.
    policy = Policy(otherwise=[rows(through("bulletin"))])


class AppraisalSchemeQuerySet(RestrictedQuerySet):
    policy = Policy(otherwise=DISTRICT)

    def active(self):
        return self.filter(is_active=True)


class AppraisalRunQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[everything(SEES_ALL), rows(hook(runs_with_my_results), only=_published_run)], otherwise=DISTRICT
    )

    def published(self):
        from wenming.bulletins.choices import RunState

        return self.filter(state=RunState.PUBLISHED)


class AppraisalResultQuerySet(RestrictedQuerySet):
    # view: oversight all; others their units'/streets' results of published runs. appeal: the handlers of
    # the result's own unit or street (not group leads, not oversight roles).
    policy = Policy(
        view=[everything(SEES_ALL), rows(hook(own_results), only=_of_published_run)],
        appeal=[rows(hook(appealable_results), only=_of_published_run)],
        otherwise=DISTRICT,
    )


class AppealQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SEES_ALL), rows(through("result", "view"))], otherwise=DISTRICT)

    def pending(self):
        from wenming.bulletins.choices import AppealState

        return self.filter(state=AppealState.PENDING)
