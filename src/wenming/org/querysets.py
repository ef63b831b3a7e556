"""Business reads for the organisation registry, scoped by `restrict(user, action)`.

`user.scope()` (from accounts) describes what a user may see; this module only reads it, so the
organisation app never imports accounts.
"""

from django.db import models


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def above_district(self):
        from wenming.org.choices import UnitLevel

        return self.filter(level__in=UnitLevel.above_district())

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        return self.filter(pk__in=scope.unit_ids | scope.group_unit_ids)


class SpecialGroupQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        return self.filter(pk__in=scope.group_ids) | self.filter(member_units__in=scope.unit_ids).distinct()


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        return self.filter(unit_id__in=scope.unit_ids | scope.group_unit_ids)
