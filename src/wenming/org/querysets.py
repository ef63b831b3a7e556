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


def _area_units_q(scope, field: str = "pk") -> models.Q:
    """Units that belong to the user's areas: territorial (属地) units and units answering for points there."""
    if not scope.area_ids:
        return models.Q(pk__in=[])
    from django.apps import apps

    Area = apps.get_model("geo", "Area")
    Point = apps.get_model("geo", "Point")
    points = Point.objects.filter(area_id__in=scope.area_ids)
    return (
        models.Q(**{f"{field}__in": Area.objects.filter(pk__in=scope.area_ids).values("unit_id")})
        | models.Q(**{f"{field}__in": points.values("responsible_unit_id")})
        | models.Q(**{f"{field}__in": points.values("guarantor_unit_id")})
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
        return self.filter(models.Q(pk__in=scope.unit_ids | scope.group_unit_ids) | _area_units_q(scope))


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
        q = models.Q(unit_id__in=scope.unit_ids | scope.group_unit_ids) | _area_units_q(scope, "unit_id")
        if scope.person_id:
            q |= models.Q(pk=scope.person_id)
        if scope.area_ids:
            from django.apps import apps

            Duty = apps.get_model("geo", "Duty")
            in_areas = Duty.objects.filter(
                models.Q(area_id__in=scope.area_ids) | models.Q(point__area_id__in=scope.area_ids)
            )
            q |= models.Q(pk__in=in_areas.values("person_id"))
        return self.filter(q)
