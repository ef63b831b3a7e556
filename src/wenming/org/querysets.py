"""Business reads for the organisation registry, scoped by `restrict(user, action)`.

`user.scope()` (from accounts) describes what a user may see; this module only reads it, so the
organisation app never imports accounts (or geo: places are reached through the reverse relations
`territories`, `points`, `duties` that geo's string foreign keys create).

Who sees which units and people (action "view"; changes are district-wide admin/office only):
* admin, office, leader, auditor: everything;
* unit handlers: their units and the units below them;
* special-group leads: the lead and member units of their groups;
* street / community / grid staff: the territorial units of their areas and the units answering for
  points in their areas; people: of those units, plus anyone holding a duty in their areas;
* everybody: their own person record.
"""

from django.db import models


def _area_units_q(scope, units, field: str = "pk") -> models.Q:
    """Units that belong to the user's areas: territorial (属地) units and units answering for points there.

    `units` is the Unit model's manager; the places are reached through the reverse relations geo declares.
    """
    if not scope.area_ids:
        return models.Q(pk__in=[])
    areas = scope.area_ids
    return (
        models.Q(**{f"{field}__in": units.filter(territories__in=areas).values("pk")})
        | models.Q(**{f"{field}__in": units.filter(points__area_id__in=areas).values("pk")})
        | models.Q(**{f"{field}__in": units.filter(guaranteed_points__area_id__in=areas).values("pk")})
    )


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def above_district(self):
        from wenming.org.choices import UnitLevel

        return self.filter(level__in=UnitLevel.above_district())

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(short_name__icontains=text)
            | models.Q(code__icontains=text)
        )

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        units = self.model.objects
        return self.filter(
            models.Q(pk__in=scope.unit_ids | scope.group_unit_ids) | _area_units_q(scope, units)
        )


class SpecialGroupQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        through = self.model.member_units.through
        member_of = through.objects.filter(unit_id__in=scope.unit_ids).values("specialgroup_id")
        return self.filter(
            models.Q(pk__in=scope.group_ids)
            | models.Q(lead_unit_id__in=scope.unit_ids)
            | models.Q(pk__in=member_of)
        )


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text) | models.Q(phone__icontains=text) | models.Q(title__icontains=text)
        )

    def restrict(self, user, action: str = "view"):
        scope = user.scope()
        if scope.sees_all(action):
            return self
        if action != "view":
            return self.none()
        units = self.model._meta.get_field("unit").related_model.objects
        q = models.Q(unit_id__in=scope.unit_ids | scope.group_unit_ids) | _area_units_q(
            scope, units, "unit_id"
        )
        if scope.person_id:
            q |= models.Q(pk=scope.person_id)
        if scope.area_ids:
            people = self.model.objects
            q |= models.Q(pk__in=people.filter(duties__area_id__in=scope.area_ids).values("pk"))
            q |= models.Q(pk__in=people.filter(duties__point__area_id__in=scope.area_ids).values("pk"))
        return self.filter(q)
