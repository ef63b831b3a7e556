"""Business reads for places, scoped by `restrict(user, action)` through `user.scope()`.

Who sees what (action "view"; changes are district-wide admin/office only):
* admin, office, leader, auditor: everything;
* inspectors and special-group leads: every point and area (they work across the whole inventory);
* every signed-in user: the district and street areas (public geography, so every map has its outline);
* street / community / grid staff: their area subtrees (points located there, duties there) and, so the
  tree and the map can be drawn, the ancestors of their areas;
* unit handlers: points their units answer for (responsible or 包保 guarantor), the areas whose
  territorial unit (属地单位) is theirs, with subtrees and ancestors, and duties of their people/points;
* everybody: points and duties naming their own person.
"""

import datetime

from django.db import models
from django.utils import timezone

from wenming.core.policy import (
    ALL_POINTS,
    SEES_ALL,
    Policy,
    RestrictedQuerySet,
    areas,
    everything,
    groups,
    hook,
    person,
    rows,
    units,
)

PUBLIC_LEVELS = ("district", "street")


def _territory_q(scope) -> models.Q:
    """Areas whose territorial unit is one of the user's units, with their subtrees."""
    if not scope.unit_ids:
        return models.Q(pk__in=[])
    from wenming.geo.models import Area

    q = models.Q(pk__in=[])
    for path in Area.objects.filter(unit_id__in=scope.unit_ids).values_list("path", flat=True):
        q |= models.Q(path__startswith=path)
    return q


def visible_areas(qs, user, scope) -> models.Q:
    """Hook: the public geography, the user's area subtrees with their ancestors, and the territories of the
    user's units with their subtrees and ancestors."""
    # The district and its streets are public geography: every signed-in user sees them, so each
    # map has its outline and street names even when the user's own scope holds no area.
    q = models.Q(level__in=PUBLIC_LEVELS)
    q |= models.Q(pk__in=scope.area_ids | scope.area_ancestor_ids)
    if scope.unit_ids:
        from wenming.geo.models import Area

        territory = _territory_q(scope)
        q |= territory
        ancestors = set()
        for path in Area.objects.filter(territory).values_list("path", flat=True):
            ancestors.update(int(x) for x in path.strip("/").split("/") if x)
        q |= models.Q(pk__in=ancestors)
    return q


# Changes are district-wide (admin and office) for every place model.
DISTRICT_CHANGES = [everything(SEES_ALL)]


class AreaQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[everything(SEES_ALL), everything(ALL_POINTS), rows(hook(visible_areas))],
        otherwise=DISTRICT_CHANGES,
    )

    def subtree(self, area):
        """The area and everything below it."""
        return self.filter(path__startswith=area.path)


class PointQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[
            everything(SEES_ALL),
            everything(ALL_POINTS),
            rows(areas("area_id")),
            rows(units("responsible_unit_id", "guarantor_unit_id")),
            rows(person("responsible_person_id")),
        ],
        otherwise=DISTRICT_CHANGES,
    )

    def active(self):
        from wenming.geo.choices import PointStatus

        return self.filter(status=PointStatus.ACTIVE)

    def in_area(self, area):
        return self.filter(area__path__startswith=area.path)

    def search(self, text: str):
        """Code, name or address contains the text."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(code__icontains=text)
            | models.Q(name__icontains=text)
            | models.Q(address__icontains=text)
        )

    def answered_by(self, unit_ids):
        """Points a unit answers for, as responsible unit or guarantor (包保单位)."""
        return self.filter(
            models.Q(responsible_unit_id__in=unit_ids) | models.Q(guarantor_unit_id__in=unit_ids)
        )


class DutyQuerySet(RestrictedQuerySet):
    policy = Policy(
        view=[
            everything(SEES_ALL),
            rows(areas("area_id", "point__area_id")),
            rows(units("person__unit_id", "point__responsible_unit_id")),
            rows(groups("category__special_group_id")),
            rows(person("person_id")),
        ],
        otherwise=DISTRICT_CHANGES,
    )

    def current(self, on: datetime.date | None = None):
        """Duties in force on a day (default today). The end date is the first day the duty no longer
        applies: a duty ended today is already off duty today."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=on)
        )
