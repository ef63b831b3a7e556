"""What a user may see and change: computed once per request from memberships, read by every
`QuerySet.restrict(user, action)`."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from wenming.accounts.choices import DISTRICT_READERS, DISTRICT_WRITERS, Role


@dataclass
class Scope:
    """A user's reach. `sees_all(action)` is the district-wide shortcut; the id sets are the rest."""

    roles: frozenset[str] = frozenset()
    unit_ids: set[int] = field(default_factory=set)  # own units and their descendants
    area_ids: set[int] = field(default_factory=set)  # own area subtrees
    area_ancestor_ids: set[int] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)
    group_unit_ids: set[int] = field(default_factory=set)  # lead + member units of own special groups
    person_id: int | None = None
    is_superuser: bool = False
    is_third_party: bool = False

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles & set(roles))

    def sees_all(self, action: str = "view") -> bool:
        if self.is_superuser:
            return True
        if action == "view":
            return bool(self.roles & DISTRICT_READERS)
        return bool(self.roles & DISTRICT_WRITERS)

    @property
    def sees_all_points(self) -> bool:
        """Inspectors and special-group leads work across the district's whole point inventory."""
        return bool(self.roles & {Role.INSPECTOR, Role.GROUP_LEAD})

    def summary(self) -> dict:
        """A small description of the reach for APIs and profile pages (counts, not id lists)."""
        return {
            "district_wide_view": self.sees_all("view"),
            "district_wide_change": self.sees_all("change"),
            "all_points": self.sees_all("view") or self.sees_all_points,
            "units": len(self.unit_ids),
            "areas": len(self.area_ids),
            "special_groups": len(self.group_ids),
            "special_group_units": len(self.group_unit_ids),
            "person_id": self.person_id,
            "is_third_party": self.is_third_party,
        }


def build_scope(user) -> Scope:
    from wenming.geo.models import Area
    from wenming.org.models import SpecialGroup, Unit

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()  # a fresh one: the id sets are mutable and must never be shared between users
    memberships = list(user.memberships.active().select_related("area"))
    scope = Scope(
        roles=frozenset(m.role for m in memberships),
        person_id=user.person_id,
        is_superuser=user.is_superuser,
        is_third_party=any(m.is_third_party for m in memberships),
    )
    unit_roots = {m.unit_id for m in memberships if m.unit_id}
    if unit_roots:
        scope.unit_ids = _unit_descendants(Unit, unit_roots)
    area_paths = [m.area.path for m in memberships if m.area_id]
    if area_paths:
        from django.db.models import Q

        q = Q()
        for p in area_paths:
            q |= Q(path__startswith=p)
        scope.area_ids = set(Area.objects.filter(q).values_list("pk", flat=True))
        for p in area_paths:
            scope.area_ancestor_ids.update(int(x) for x in p.strip("/").split("/") if x)
    scope.group_ids = {m.special_group_id for m in memberships if m.special_group_id}
    if scope.group_ids:
        groups = SpecialGroup.objects.filter(pk__in=scope.group_ids)
        scope.group_unit_ids = set(groups.values_list("lead_unit_id", flat=True))
        scope.group_unit_ids |= set(
            SpecialGroup.member_units.through.objects.filter(specialgroup_id__in=scope.group_ids).values_list(
                "unit_id", flat=True
            )
        )
    return scope


def _unit_descendants(Unit, roots: set[int]) -> set[int]:
    found = set(roots)
    frontier = set(roots)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


class AnonymousVisitor(AnonymousUser):
    """The API's unauthenticated user (DRF `UNAUTHENTICATED_USER`): it has an empty scope, so every
    `restrict()` gives it nothing instead of failing, e.g. while drf-spectacular builds the schema."""

    def scope(self) -> Scope:
        return Scope()

    def role_codes(self) -> frozenset[str]:
        return frozenset()
