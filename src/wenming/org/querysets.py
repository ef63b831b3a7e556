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

from wenming.core.policy import (
    SEES_ALL,
    Policy,
    RestrictedQuerySet,
    everything,
    groups,
    hook,
    person,
    rows,
    units,
)


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


def area_units(qs, user, scope) -> models.Q:
    """Hook: the units of the user's areas (territorial units and units answering for points there)."""
    return _area_units_q(scope, qs.model.objects)


def area_people(qs, user, scope) -> models.Q | None:
    """Hook: people of the units of the user's areas, and anyone holding a duty in those areas."""
    if not scope.area_ids:
        return None
    units_model = qs.model._meta.get_field("unit").related_model
    people = qs.model.objects
    return (
        _area_units_q(scope, units_model.objects, "unit_id")
        | models.Q(pk__in=people.filter(duties__area_id__in=scope.area_ids).values("pk"))
        | models.Q(pk__in=people.filter(duties__point__area_id__in=scope.area_ids).values("pk"))
    )


def member_groups(qs, user, scope) -> models.Q | None:
    """Hook: the special groups one of the user's units is a member of."""
    if not scope.unit_ids:
        return None
    through = qs.model.member_units.through
    return models.Q(pk__in=through.objects.filter(unit_id__in=scope.unit_ids).values("specialgroup_id"))


# Changes are district-wide (admin and office) for every registry model.
DISTRICT_CHANGES = [everything(SEES_ALL)]


class UnitQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[everything(SEES_ALL), rows(units("pk", groups=True)), rows(hook(area_units))],
        otherwise=DISTRICT_CHANGES,
    )

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


class SpecialGroupQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[
            everything(SEES_ALL),
            rows(groups("pk")),
            rows(units("lead_unit_id")),
            rows(hook(member_groups)),
        ],
        otherwise=DISTRICT_CHANGES,
    )


class PersonQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[
            everything(SEES_ALL),
            rows(units("unit_id", groups=True)),
            rows(hook(area_people)),
            rows(person("pk")),
        ],
        otherwise=DISTRICT_CHANGES,
    )

    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text) | models.Q(phone__icontains=text) | models.Q(title__icontains=text)
        )
