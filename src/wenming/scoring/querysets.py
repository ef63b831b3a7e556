"""Business reads for scoring, scoped by `restrict(user, action)`.

Rankings and their frozen snapshots are visible to every signed-in role (the office publishes them); the
points behind a figure are visible only within the user's point scope (`geo.Point.restrict`). Snapshots are
never changed: the only write is `services.freeze_round`, so `restrict(user, "change")` is empty.
"""

from django.db.models import OuterRef, Subquery

from wenming.core.policy import (
    ALL_POINTS,
    READERS,
    SEES_ALL,
    SIGNED_IN,
    Policy,
    RestrictedQuerySet,
    everything,
    rows,
    through,
)


class ScoreSnapshotQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SIGNED_IN)])

    def current(self):
        """The latest version of each round's snapshot (a re-closed round gets a new version)."""
        latest = (
            self.model.objects.filter(round_id=OuterRef("round_id")).order_by("-version").values("pk")[:1]
        )
        return self.filter(pk=Subquery(latest))

    def for_round(self, round_id):
        return self.filter(round_id=round_id).order_by("-version").first()

    def of_kind(self, kind: str):
        return self.filter(round__kind=kind)


class SnapshotPointQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(READERS), everything(ALL_POINTS), rows(through("point", "view"))])

    def failed(self):
        return self.filter(passed=False, score__isnull=False)


class DeductionThemeQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(SIGNED_IN)], otherwise=[everything(SEES_ALL)])

    def active(self):
        return self.filter(is_active=True)
