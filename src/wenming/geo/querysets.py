"""Business reads for places, scoped by `restrict(user, action)` through `user.scope()`."""

import datetime

from django.db import models
from django.utils import timezone


class AreaQuerySet(models.QuerySet):
    def subtree(self, area):
        """The area and everything below it."""
        return self.filter(path__startswith=area.path)

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        # Areas inside the user's scope, plus their ancestors (so the tree can be drawn).
        return self.filter(pk__in=scope.area_ids | scope.area_ancestor_ids)


class PointQuerySet(models.QuerySet):
    def active(self):
        from wenming.geo.choices import PointStatus

        return self.filter(status=PointStatus.ACTIVE)

    def in_area(self, area):
        return self.filter(area__path__startswith=area.path)

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        q = models.Q(area_id__in=scope.area_ids) | models.Q(responsible_unit_id__in=scope.unit_ids)
        q |= models.Q(guarantor_unit_id__in=scope.unit_ids)
        if scope.person_id:
            q |= models.Q(responsible_person_id=scope.person_id)
        if scope.sees_all_points:
            return self
        return self.filter(q)


class DutyQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=on))

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        return self.filter(
            models.Q(area_id__in=scope.area_ids)
            | models.Q(point__area_id__in=scope.area_ids)
            | models.Q(person__unit_id__in=scope.unit_ids)
        )
