"""Scope, asked directly (the fuzzers check it on every generated request too): under every role, each list of
/api/v1 only contains rows of `Model.objects.restrict(user, "view")`, and an object outside that queryset is a
404 (its existence is not revealed)."""

import pytest

from tests.fuzz.harness import scope_violations, scoped_model, visible_ids
from tests.fuzz.test_regressions import client_for
from tests.fuzz.world import ROLES

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/cases/", "/api/v1/geo/points/", "/api/v1/geo/areas/", "/api/v1/geo/duties/", "/api/v1/org/units/",
    "/api/v1/org/people/", "/api/v1/org/groups/", "/api/v1/inspections/rounds/", "/api/v1/inspections/tasks/",
    "/api/v1/inspections/inspections/", "/api/v1/inspections/observations/", "/api/v1/participation/reports/",
    "/api/v1/scoring/snapshots/", "/api/v1/users/", "/api/v1/surveys/responses/", "/api/v1/bulletins/bulletins/",
]  # fmt: skip


@pytest.mark.parametrize("role", list(ROLES))
def test_lists_hold_only_rows_in_scope(fuzz_world, role):
    client, user = client_for(fuzz_world, role), fuzz_world.users[role]
    for url in LISTS:
        response = client.get(url, {"page_size": 1000})
        if role == "anonymous":
            assert response.status_code in (401, 403), url
            continue
        if response.status_code != 200:
            continue  # a role without access to the list at all (e.g. users for non-admins)
        body = response.json()
        assert scope_violations("GET", url, 200, body, user) == [], (role, url)
        model, _ = scoped_model(url, user)
        allowed = visible_ids(model, user)
        if allowed is not None:
            assert {row["id"] for row in body["results"]} <= allowed


@pytest.mark.parametrize("role", ["unit", "street", "community", "grid", "group"])
def test_objects_outside_the_scope_are_404(fuzz_world, role):
    from wenming.cases.models import Case
    from wenming.geo.models import Point
    from wenming.participation.models import Report

    client, user = client_for(fuzz_world, role), fuzz_world.users[role]
    checked = 0
    for model, prefix in ((Case, "/api/v1/cases/"), (Point, "/api/v1/geo/points/"),
                          (Report, "/api/v1/participation/reports/")):  # fmt: skip
        hidden = model.objects.exclude(pk__in=model.objects.restrict(user, "view")).values_list(
            "pk", flat=True
        )
        for pk in hidden:
            assert client.get(f"{prefix}{pk}/").status_code == 404, (role, prefix, pk)
            checked += 1
    assert checked  # the world gives every field role something it must not see


def test_a_unit_user_cannot_read_another_units_case(fuzz_world):
    other_units_case = fuzz_world.objects["cases"][1]  # dispatched to the other bureau
    client = client_for(fuzz_world, "unit")
    assert client.get(f"/api/v1/cases/{other_units_case.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{other_units_case.pk}/events/").status_code == 404
    own = fuzz_world.objects["cases"][2]  # dispatched to the unit user's bureau
    assert client.get(f"/api/v1/cases/{own.pk}/").status_code == 200
    listed = {row["id"] for row in client.get("/api/v1/cases/").json()["results"]}
    assert own.pk in listed and other_units_case.pk not in listed
