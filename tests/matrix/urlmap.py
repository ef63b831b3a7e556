"""The URL map and the generated permission matrix's vocabulary: every URL pattern of the project (views and
API), the roles a matrix is written for, and how a declared entry becomes a request.

A declaration (`tests/matrix/declared.py`) gives, per URL name, the GET status for each role in `ROLES`
order and, for patterns with arguments, the fuzz world's objects that fill them:

    "cases:case_detail": M("302 200 200 200 404 200 404 404 404 200 200", pk="cases.2"),

An argument value is a path into `World.objects` (`"cases.2"` → the third case; the row's `pk` is used, or
`.code` / `.public_id` when the argument is named so), `"first:app.Model"` (the model's first row),
`"user:office"` (the world's user of that role), or a literal after `=`.
"""

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# Matrix columns: anonymous first, then the fuzz world's one user per role.
ROLES = ("anonymous", "admin", "office", "leader", "group", "unit", "street", "community", "grid", "inspector",
         "auditor")  # fmt: skip
# Django's admin is a generated site with its own staff check: it is not declared URL by URL.
SKIPPED_NAMESPACES = ("admin",)


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    view: str
    arguments: tuple[str, ...] = ()
    callback: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class M:
    """A declared matrix: GET statuses in `ROLES` order, and the arguments of the pattern."""

    statuses: str
    arguments: dict = field(default_factory=dict)

    def __init__(self, statuses: str, **arguments):
        object.__setattr__(self, "statuses", statuses)
        object.__setattr__(self, "arguments", arguments)

    def expected(self) -> dict[str, int]:
        codes = [int(code) for code in self.statuses.split()]
        assert len(codes) == len(ROLES), f"{self.statuses!r}: one status per role {ROLES}"
        return dict(zip(ROLES, codes, strict=True))


def patterns() -> list[Pattern]:
    """Every named URL pattern outside the skipped namespaces, and every unnamed one (which is an error:
    an unnamed pattern cannot be declared)."""
    found = []

    def walk(resolver, prefix: str, namespace: str | None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                arguments = tuple(p.pattern.regex.groupindex)
                found.append(Pattern(name, prefix + str(p.pattern), p.lookup_str, arguments, p.callback))

    walk(get_resolver(), "", None)
    return [p for p in found if not (p.name or p.route).startswith(SKIPPED_NAMESPACES)]


def resolve_argument(world, name: str, spec: str):
    if spec.startswith("="):
        return spec[1:]
    if spec.startswith("user:"):
        return world.users[spec[len("user:") :]].pk
    if spec.startswith("first:"):
        from django.apps import apps

        obj = apps.get_model(spec[len("first:") :]).objects.order_by("pk").first()
        return resolve_argument(world, name, "=") if obj is None else _value(obj, name)
    obj = world.objects
    for part in spec.split("."):
        obj = (
            obj[int(part)] if part.isdigit() else (obj[part] if isinstance(obj, dict) else getattr(obj, part))
        )
    return _value(obj, name) if hasattr(obj, "_meta") else obj


def _value(obj, name: str):
    if name in ("public_id", "token", "slug") and hasattr(obj, name):
        return getattr(obj, name)
    if name.endswith("code") and hasattr(obj, "code"):
        return obj.code
    return obj.pk
