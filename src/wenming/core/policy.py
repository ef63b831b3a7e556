"""The authorization policy: one declaration per model, one `restrict(user, action)` for all of them.

A domain queryset subclasses `RestrictedQuerySet` and declares its `policy`:

    class CaseQuerySet(RestrictedQuerySet):
        policy = Policy(
            view=[everything(SEES_ALL), rows(units("unit_id"), who=holds("unit_handler")), ...],
            change=[everything(SEES_ALL), ...],
        )

`Model.objects.restrict(user, action)` then returns the rows the user may act on:

1. an anonymous (or inactive) user gets nothing;
2. an action the policy does not declare gives nothing;
3. the action's grants are read in order: a grant applies when its `who` predicate is true for the user;
   an applying `everything(...)` grant returns every row (narrowed by its `only`, if any); every applying
   `rows(...)` grant contributes the rows its reach gives (narrowed by its `only`); the result is their
   union (`distinct()` when the policy says its reaches join a many-valued relation);
4. no applying grant → nothing.

Reaches, the ways a row is tied to a user's scope (`accounts.scope.Scope`):
`units(field)` (own units and sub-units; `groups=True` adds the special groups' lead and member units),
`areas(field)` (own area subtrees), `groups(field)` (own special groups), `person(field)` (the user's
`Person`), `owner(field)` (the user), `through(field, action)` (the related row is reachable through its own
model's policy), `both(reach, …)` (every one of them) and `hook(fn)` for a rule that is truly special: a named module-level function
`fn(queryset, user, scope) -> Q | None` documented where it is declared.

The role predicates (`who`) are the same vocabulary as `core.roles`: `SEES_ALL` (district-wide for the
action asked), `READERS`, `OFFICE`, `SIGNED_IN`, `has_role(...)`, `holds(...)`, and `|` combines them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

# --- who: predicates over (user, scope, action) -----------------------------------------------------------


@dataclass(frozen=True)
class Who:
    name: str
    test: Callable  # (user, scope, action) -> bool

    def __call__(self, user, scope, action: str) -> bool:
        return bool(self.test(user, scope, action))

    def __or__(self, other: "Who") -> "Who":
        return Who(f"{self.name} | {other.name}", lambda u, s, a: self(u, s, a) or other(u, s, a))

    def __invert__(self) -> "Who":
        return Who(f"not {self.name}", lambda u, s, a: not self(u, s, a))

    def __str__(self) -> str:
        return self.name


SIGNED_IN = Who("signed_in", lambda u, s, a: True)
SEES_ALL = Who("sees_all(action)", lambda u, s, a: s.sees_all(a))
READERS = Who("sees_all('view')", lambda u, s, a: s.sees_all("view"))
OFFICE = Who("sees_all('change')", lambda u, s, a: s.sees_all("change"))
# Inspectors and special-group leads work across the district's whole point inventory (`Scope.sees_all_points`).
ALL_POINTS = Who("sees_all_points", lambda u, s, a: s.sees_all_points)


def has_role(*roles: str) -> Who:
    """Holds one of the roles, or is a superuser."""
    return Who(f"has_role({', '.join(map(str, roles))})", lambda u, s, a: s.has_role(*roles))


def holds(*roles: str) -> Who:
    """Holds one of the roles through a membership (a superuser is not implied)."""
    wanted = frozenset(roles)
    return Who(f"holds({', '.join(map(str, roles))})", lambda u, s, a: bool(s.roles & wanted))


# --- reaches: (queryset, user, scope) -> Q | None (None = nothing) ---------------------------------------


@dataclass(frozen=True)
class Reach:
    name: str
    q: Callable  # (queryset, user, scope) -> Q | None; (queryset, user, scope, action) if wants_action
    wants_action: bool = False

    def __str__(self) -> str:
        return self.name


ALL = Reach("all", lambda qs, u, s: Q())


def _in(field_name: str, ids) -> Q | None:
    return Q(**{f"{field_name}__in": ids}) if ids else None


def units(*fields: str, groups: bool = False) -> Reach:
    """Rows whose unit field is one of the user's units (and sub-units); `groups=True` adds the lead and
    member units of the user's special groups."""

    def q(qs, user, scope):
        ids = set(scope.unit_ids) | (set(scope.group_unit_ids) if groups else set())
        return _any(_in(f, ids) for f in fields)

    return Reach(f"units({', '.join(fields)}){' + groups' if groups else ''}", q)


def areas(*fields: str) -> Reach:
    """Rows whose area field lies in the user's area subtrees."""
    return Reach(f"areas({', '.join(fields)})", lambda qs, u, s: _any(_in(f, s.area_ids) for f in fields))


def groups(*fields: str) -> Reach:
    """Rows of the user's special groups."""
    return Reach(f"groups({', '.join(fields)})", lambda qs, u, s: _any(_in(f, s.group_ids) for f in fields))


def person(field_name: str) -> Reach:
    """Rows naming the user's own `Person`."""
    return Reach(
        f"person({field_name})", lambda qs, u, s: Q(**{field_name: s.person_id}) if s.person_id else None
    )


def owner(field_name: str) -> Reach:
    """Rows the user owns (a foreign key to the user)."""
    return Reach(f"owner({field_name})", lambda qs, u, s: Q(**{field_name: u.pk}))


def through(field_name: str, action: str | None = None, *, values: bool = True) -> Reach:
    """Rows whose related row (`field_name`) the user reaches under its own model's policy, for `action`
    (default: the action asked)."""

    def q(qs, user, scope, asked: str = "view"):
        related = qs.model._meta.get_field(field_name).related_model
        target = related.objects.restrict(user, action or asked)
        return Q(**{f"{field_name}__in": target.values("pk") if values else target})

    return Reach(f"through({field_name}, {action or 'action'})", q, wants_action=True)


def both(*reaches: Reach) -> Reach:
    """Rows every one of the reaches gives (an AND, e.g. a row tied to two scoped parents)."""

    def q(qs, user, scope, asked: str = "view"):
        found = Q()
        for reach in reaches:
            part = reach.q(qs, user, scope, asked) if reach.wants_action else reach.q(qs, user, scope)
            if part is None:
                return None
            found &= part
        return found

    return Reach(" & ".join(r.name for r in reaches), q, wants_action=True)


def hook(fn: Callable) -> Reach:
    """A rule too special for the vocabulary: `fn(queryset, user, scope) -> Q | None`, named and documented
    where it is defined."""
    return Reach(f"hook({fn.__name__})", fn)


def _any(qs: Iterable[Q | None]) -> Q | None:
    found = None
    for q in qs:
        if q is not None:
            found = q if found is None else found | q
    return found


# --- grants and the policy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    who: Who
    reach: Reach
    only: Callable | None = None  # () -> Q: a business-state narrowing (e.g. published rows only)

    def q(self, qs, user, scope, action: str) -> Q | None:
        if self.reach.wants_action:
            found = self.reach.q(qs, user, scope, action)
        else:
            found = self.reach.q(qs, user, scope)
        if found is None:
            return None
        return found & self.only() if self.only is not None else found


def everything(who: Who = SEES_ALL, *, only: Callable | None = None) -> Grant:
    """Every row (narrowed by `only`) for users matching `who`."""
    return Grant(who, ALL, only)


def rows(reach: Reach, *, who: Who = SIGNED_IN, only: Callable | None = None) -> Grant:
    """The rows `reach` ties to the user, for users matching `who`."""
    return Grant(who, reach, only)


class Policy:
    """Per action, the grants in order (see the module docstring). Undeclared actions give nothing, unless
    `otherwise` grants are given for every action not named (e.g. owner-only rows). `distinct=True` when a
    reach joins a many-valued relation and the union must be de-duplicated."""

    def __init__(
        self, *, distinct: bool = False, otherwise: Iterable[Grant] = (), **actions: Iterable[Grant]
    ):
        self.actions = {name: tuple(grants) for name, grants in actions.items()}
        self.otherwise = tuple(otherwise)
        self.distinct = distinct

    def grants(self, action: str) -> tuple[Grant, ...]:
        return self.actions.get(action, self.otherwise)

    def describe(self) -> dict[str, list[str]]:
        """Readable form, for the docs and the generated permission tests."""
        described = {
            action: [f"{g.who} → {g.reach}{' (narrowed)' if g.only else ''}" for g in grants]
            for action, grants in self.actions.items()
        }
        if self.otherwise:
            described["*"] = [f"{g.who} → {g.reach}" for g in self.otherwise]
        return described


NOBODY = Policy()


class RestrictedQuerySet(models.QuerySet):
    """The one `restrict(user, action)`: rows the user may act on, from the model's `policy`."""

    policy: Policy = NOBODY

    def restrict(self, user, action: str = "view"):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        grants = self.policy.grants(action)
        if not grants:
            return self.none()
        scope = user.scope()
        found: Q | None = None
        for grant in grants:
            if not grant.who(user, scope, action):
                continue
            if grant.reach is ALL:
                return self.filter(grant.only()) if grant.only is not None else self
            q = grant.q(self, user, scope, action)
            if q is not None:
                found = q if found is None else found | q
        if found is None:
            return self.none()
        narrowed = self.filter(found)
        return narrowed.distinct() if self.policy.distinct else narrowed


def policies() -> dict:
    """Every model with a declared policy: {model: Policy} (for the docs and the generated tests)."""
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        queryset = type(model._default_manager.get_queryset())
        if issubclass(queryset, RestrictedQuerySet) and queryset.policy is not NOBODY:
            found[model] = queryset.policy
    return found
