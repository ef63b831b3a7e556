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

from django.db import models
from django.db.models import Q


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


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
    if not _authenticated(user):
        return False
    scope = user.scope()
    return scope.has_role("leader", "admin")


class BulletinQuerySet(models.QuerySet):
    def published(self):
        from wenming.bulletins.choices import FROZEN_STATES

        return self.filter(state__in=FROZEN_STATES)

    def drafts(self):
        from wenming.bulletins.choices import BulletinState

        return self.filter(state=BulletinState.DRAFT)

    def awaiting_signature(self):
        from wenming.bulletins.choices import BulletinState

        return self.filter(state=BulletinState.REVIEW)

    def restrict(self, user, action: str = "view"):
        if not _authenticated(user):
            return self.none()
        scope = user.scope()
        if action == "sign":
            return self if can_sign(user) else self.none()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        units = my_unit_ids(user)
        if not units:
            return self.none()
        through = self.model.recipients.through
        addressed = through.objects.filter(unit_id__in=units).values("bulletin_id")
        return self.published().filter(pk__in=addressed)


class BulletinJobQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from wenming.bulletins.models import Bulletin

        return self.filter(bulletin__in=Bulletin.objects.restrict(user, action).values("pk"))


class AppraisalSchemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def restrict(self, user, action: str = "view"):
        if not _authenticated(user):
            return self.none()
        return self if user.scope().sees_all(action) else self.none()


class AppraisalRunQuerySet(models.QuerySet):
    def published(self):
        from wenming.bulletins.choices import RunState

        return self.filter(state=RunState.PUBLISHED)

    def restrict(self, user, action: str = "view"):
        if not _authenticated(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        from wenming.bulletins.models import AppraisalResult

        mine = AppraisalResult.objects.restrict(user, "view").values("run_id")
        return self.published().filter(pk__in=mine)


def _own_results_q(user) -> Q | None:
    scope = user.scope()
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


class AppraisalResultQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """view: oversight all; others their units'/streets' results of published runs. appeal: the
        handlers of the result's own unit or street (not group leads, not oversight roles)."""
        if not _authenticated(user):
            return self.none()
        scope = user.scope()
        if action == "appeal":
            q = Q(pk__in=[])
            if scope.unit_ids:
                q |= Q(unit_id__in=scope.unit_ids) | Q(area__unit_id__in=scope.unit_ids)
            if scope.area_ids and scope.has_role("street"):
                q |= Q(area_id__in=scope.area_ids)
            from wenming.bulletins.choices import RunState

            return self.filter(q, run__state=RunState.PUBLISHED)
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        q = _own_results_q(user)
        if q is None:
            return self.none()
        from wenming.bulletins.choices import RunState

        return self.filter(q, run__state=RunState.PUBLISHED)


class AppealQuerySet(models.QuerySet):
    def pending(self):
        from wenming.bulletins.choices import AppealState

        return self.filter(state=AppealState.PENDING)

    def restrict(self, user, action: str = "view"):
        if not _authenticated(user):
            return self.none()
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        from wenming.bulletins.models import AppraisalResult

        return self.filter(result__in=AppraisalResult.objects.restrict(user, "view").values("pk"))
