"""Business reads for scoring, scoped by `restrict(user, action)`.

Rankings and their frozen snapshots are visible to every signed-in role (the office publishes them); the
points behind a figure are visible only within the user's point scope (`geo.Point.restrict`). Snapshots are
never changed: the only write is `services.freeze_round`, so `restrict(user, "change")` is empty.
"""

from django.db import models
from django.db.models import OuterRef, Subquery


class ScoreSnapshotQuerySet(models.QuerySet):
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

    def restrict(self, user, action: str = "view"):
        if action == "view" and user.is_authenticated:
            return self
        return self.none()


class SnapshotPointQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(passed=False, score__isnull=False)

    def restrict(self, user, action: str = "view"):
        if action != "view" or not user.is_authenticated:
            return self.none()
        scope = user.scope()
        if scope.sees_all("view") or scope.sees_all_points:
            return self
        from wenming.geo.models import Point

        return self.filter(point__in=Point.objects.restrict(user, "view").values("pk"))


class DeductionThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def restrict(self, user, action: str = "view"):
        if not user.is_authenticated:
            return self.none()
        if action == "view":
            return self
        return self if user.scope().sees_all(action) else self.none()
