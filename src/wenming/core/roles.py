"""The role predicates: the one vocabulary for "who is this user?" used by querysets' policies, views, API
permissions, services and templates (`{% if roles.is_office %}`, from the `wenming` context processor).

Every predicate reads `user.scope()` (accounts' `Scope`, duck-typed so this lowest app imports nothing
above it) and is false for an anonymous or inactive user. A superuser holds every role (`Scope.has_role`,
`Scope.sees_all`), except in `holds()`, which asks about the memberships themselves.

| predicate | true for |
|---|---|
| `signed_in(user)` | any authenticated user |
| `sees_all(user, action)` | the district-wide roles for the action: view → admin, office, leader, auditor (and the portal system account); any other action → admin, office |
| `is_office(user)` | admin and office (= `sees_all(user, "change")`): they change district-wide data |
| `is_reader(user)` | `sees_all(user, "view")`: they read everything |
| `has_role(user, *roles)` | holds one of the roles, or is a superuser |
| `holds(user, *roles)` | holds one of the roles through an active membership (superuser not implied) |
| `is_admin`, `is_leader`, `is_auditor`, `is_inspector` | `has_role` of that one role (`is_inspector`: `holds`) |
"""

SYSTEM = None  # the actor of the demo, commands and jobs: services treat it as the office


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _scope(user):
    return user.scope() if signed_in(user) else None


def sees_all(user, action: str = "view") -> bool:
    scope = _scope(user)
    return bool(scope is not None and scope.sees_all(action))


def is_office(user) -> bool:
    """Admin and office: district-wide changes (the superuser through its scope)."""
    return sees_all(user, "change")


def is_reader(user) -> bool:
    """Admin, office, leader and auditor: district-wide reading."""
    return sees_all(user, "view")


def has_role(user, *roles: str) -> bool:
    scope = _scope(user)
    return bool(scope is not None and scope.has_role(*roles))


def holds(user, *roles: str) -> bool:
    scope = _scope(user)
    return bool(scope is not None and scope.roles & set(roles))


def is_admin(user) -> bool:
    return has_role(user, "admin")


def is_leader(user) -> bool:
    return has_role(user, "leader")


def is_auditor(user) -> bool:
    return has_role(user, "auditor")


def is_inspector(user) -> bool:
    return holds(user, "inspector")


def is_office_or_system(actor) -> bool:
    """Services: the system actor (`None`: demo, commands, jobs) acts as the office."""
    return actor is SYSTEM or is_office(actor)


class Roles:
    """The predicates for one user, as lazy attributes for templates: `{% if roles.is_office %}`."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        predicate = PREDICATES.get(name)
        if predicate is None:
            raise AttributeError(name)
        value = predicate(self._user)
        setattr(self, name, value)
        return value


PREDICATES = {
    "signed_in": signed_in,
    "is_office": is_office,
    "is_reader": is_reader,
    "is_admin": is_admin,
    "is_leader": is_leader,
    "is_auditor": is_auditor,
    "is_inspector": is_inspector,
}
