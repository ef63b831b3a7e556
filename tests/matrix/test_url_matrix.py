"""The generated permission matrix: every URL pattern of the project (views and API, Django's admin aside) has
a declared matrix in `tests/matrix/declared.py` — GET status for anonymous and each of the ten roles of the
fuzz world — and the responses match it. A new view or endpoint without a declaration fails here."""

import pytest
from django.urls import reverse

from tests.matrix.declared import DECLARED, PENDING
from tests.matrix.urlmap import ROLES, patterns, resolve_argument


def test_every_url_pattern_is_declared():
    names = set()
    missing = []
    for pattern in patterns():
        key = pattern.name or pattern.route
        names.add(key)
        if key not in DECLARED and key not in PENDING:
            missing.append(f"{key} ({pattern.route} → {pattern.view})")
    assert not missing, (
        "URL patterns without a permission matrix (declare them in tests/matrix/declared.py):\n"
        + ("\n".join(sorted(missing)))
    )
    stale = sorted((set(DECLARED) | set(PENDING)) - names)
    assert not stale, f"declared for URL names that no longer exist: {stale}"


def test_a_pattern_is_declared_once():
    assert not set(DECLARED) & set(PENDING)


def _status(client, world, role: str, url: str) -> int:
    client.logout()
    headers = {}
    if role != "anonymous":
        if url.startswith("/api/"):
            headers = world.headers(role)
        else:
            client.force_login(world.users[role])
    return client.get(url, headers=headers).status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DECLARED))
def test_declared_matrix_holds(client, fuzz_world, name):
    matrix = DECLARED[name]
    kwargs = {k: resolve_argument(fuzz_world, k, v) for k, v in matrix.arguments.items()}
    url = reverse(name, kwargs=kwargs)
    got = {role: _status(client, fuzz_world, role, url) for role in ROLES}
    wrong = {
        role: f"expected {status}, got {got[role]}"
        for role, status in matrix.expected().items()
        if got[role] != status
    }
    assert not wrong, f"GET {url}: {wrong}"
