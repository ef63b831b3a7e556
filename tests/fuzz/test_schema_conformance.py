"""Regression tests of the schema deviations the fuzzer met (issue 10): each request below once answered a body or
content type that the committed schema (docs/openapi.yaml) did not describe — nullable names declared as strings,
blank choices declared as enums, blank e-mails as `format: email`, objects declared as arrays or pages, error
bodies without `code`, file downloads with an undocumented content type. Each is sent, without generation, to
the real app in the fuzzers' world and its response must pass schemathesis' conformance checks, with the status
we expect (so the request reaches the answer that deviated)."""

import pytest

from tests.fuzz.harness import InProcessApp, schema

pytestmark = pytest.mark.django_db


def _case(world, name):
    return world.objects["cases"][name].pk


def _report(world, name):
    return world.objects["reports"][name].pk


def _point(world, name):
    return world.objects["points"][name].pk


# (role, method, path, path parameters (callables of the world), query, body, expected status)
REQUESTS = [
    ("office", "GET", "/api/v1/auth/me/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/cases/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/cases/{id}/", {"id": lambda w: _case(w, 0)}, {}, None, 200),
    ("leader", "GET", "/api/v1/cases/{id}/", {"id": lambda w: _case(w, 0)}, {}, None, 200),
    ("office", "GET", "/api/v1/cases/{id}/events/", {"id": lambda w: _case(w, 0)}, {}, None, 200),
    ("office", "GET", "/api/v1/cases/{id}/photos/", {"id": lambda w: _case(w, 0)}, {}, None, 200),
    ("office", "GET", "/api/v1/cases/{id}/duplicates/", {"id": lambda w: _case(w, 2)}, {}, None, 200),
    ("office", "POST", "/api/v1/cases/{id}/remind/", {"id": lambda w: _case(w, 2)}, {}, {"note": "请尽快"}, 200),
    (
        "office", "POST", "/api/v1/cases/{id}/assign-person/", {"id": lambda w: _case(w, 2)}, {},
        lambda w: {"person": w.objects["person"].pk}, 200,
    ),  # fmt: skip
    ("leader", "GET", "/api/v1/dashboard/leader/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/geo/areas/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/geo/areas/", {}, {"format": "geojson"}, None, 200),
    ("unit", "GET", "/api/v1/geo/areas/", {}, {"format": "geojson", "parent": 784739}, None, 400),  # as geo+json
    ("office", "GET", "/api/v1/geo/areas/{id}/", {"id": lambda w: w.objects["other_street"].parent_id}, {}, None, 200),
    (
        "office", "GET", "/api/v1/geo/areas/{id}/", {"id": lambda w: w.objects["street"].pk}, {"format": "geojson"},
        None, 200,
    ),  # fmt: skip
    ("office", "GET", "/api/v1/geo/areas/geojson/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/geo/points/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/geo/points/{id}/", {"id": lambda w: _point(w, 1)}, {}, None, 200),
    ("office", "GET", "/api/v1/geo/points/geojson/", {}, {}, None, 200),
    ("office", "PATCH", "/api/v1/geo/points/{id}/", {"id": lambda w: _point(w, 1)}, {}, {"name": "海天路西段"}, 200),
    ("office", "GET", "/api/v1/org/units/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/org/units/{id}/", {"id": lambda w: w.objects["bureau"].pk}, {}, None, 200),
    ("office", "POST", "/api/v1/org/units/", {}, {}, {"code": "FZ-NEW", "name": "区新设局", "level": "district"}, 201),
    # a field named like the rule error's `code`: its errors are a list under the same key
    (
        "office", "POST", "/api/v1/org/units/", {}, {}, lambda w: {"code": w.objects["bureau"].code, "name": "重名",
        "level": "district"}, 400,
    ),  # fmt: skip
    # a partial update once left out every name whose object is missing (DRF skips defaults when partial)
    ("office", "PATCH", "/api/v1/org/units/{id}/", {"id": lambda w: w.objects["bureau"].pk}, {}, {"address": "湖里大道"}, 200),
    ("office", "PATCH", "/api/v1/org/units/{id}/", {"id": lambda w: w.objects["bureau"].pk}, {}, {"level": "x"}, 400),
    ("office", "GET", "/api/v1/participation/reports/", {}, {}, None, 200),
    ("leader", "GET", "/api/v1/participation/reports/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/participation/reports/{id}/", {"id": lambda w: _report(w, 0)}, {}, None, 200),
    (
        "office", "POST", "/api/v1/participation/reports/{id}/reject/", {"id": lambda w: _report(w, 0)}, {},
        {"reason": "不属于受理范围"}, 200,
    ),  # fmt: skip
    ("office", "POST", "/api/v1/participation/reports/{id}/spam/", {"id": lambda w: _report(w, 1)}, {}, {}, 200),
    ("office", "GET", "/api/v1/scoring/pareto/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/scoring/rankings/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/standards/categories/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/standards/categories/{id}/", {"id": lambda w: w.objects["leaf"].parent_id}, {}, None, 200),
    ("office", "GET", "/api/v1/standards/criteria/", {}, {}, None, 200),
    ("office", "GET", "/api/v1/standards/sets/{id}/export/", {"id": lambda w: w.objects["standard"].pk}, {}, None, 200),
    (
        "office", "GET", "/api/v1/standards/sets/{id}/export/", {"id": lambda w: w.objects["standard"].pk},
        {"fmt": "yaml"}, None, 200,
    ),  # fmt: skip
    ("office", "POST", "/api/v1/standards/sets/import/", {}, {}, None, 400),
    ("admin", "GET", "/api/v1/users/", {}, {}, None, 200),
    ("admin", "GET", "/api/v1/users/{id}/", {"id": lambda w: w.users["leader"].pk}, {}, None, 200),
    ("admin", "POST", "/api/v1/users/", {}, {}, {"username": "fz-new", "password": "Wm-fuzz-2026!x"}, 201),
    # error bodies: field errors and a service's refusal share the one documented ApiError shape
    ("office", "POST", "/api/v1/inspections/rounds/", {}, {}, {}, 400),
    (
        "office", "PATCH", "/api/v1/inspections/rounds/{id}/", {"id": lambda w: w.objects["open_round"].pk}, {},
        {"name": "改名"}, 400,
    ),  # fmt: skip
    (
        "office", "PATCH", "/api/v1/inspections/rounds/{id}/", {"id": lambda w: w.objects["open_round"].pk}, {},
        {"period_start": "gestern"}, 400,
    ),  # fmt: skip
    ("office", "POST", "/api/v1/inspections/rounds/{id}/copy/", {"id": lambda w: w.objects["open_round"].pk}, {}, {"keep_seed": "vielleicht"}, 400),
    ("inspector", "POST", "/api/v1/inspections/inspections/", {}, {}, {}, 400),
    ("inspector", "POST", "/api/v1/inspections/inspections/", {}, {}, {"task": "x", "observations": 1}, 400),
    ("office", "POST", "/api/v1/surveys/responses/", {}, {}, [1], 400)  # not a JSON object: {"detail"},
]  # fmt: skip


@pytest.mark.parametrize(
    "role,method,path,params,query,body,expected",
    REQUESTS,
    ids=[f"{r[0]}-{r[1]}-{r[2]}-{i}" for i, r in enumerate(REQUESTS)],
)
def test_the_response_conforms_to_the_schema(role, method, path, params, query, body, expected, fuzz_world):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    operation = schema()[path][method]
    kwargs = {"path_parameters": {k: f(fuzz_world) for k, f in params.items()}, "query": query}
    if body is not None:
        kwargs["body"] = body(fuzz_world) if callable(body) else body
        kwargs["media_type"] = "application/json"
    case = operation.Case(**kwargs)
    with InProcessApp() as app:
        response = case.call(app=app, headers=fuzz_world.headers(role))
        assert not app.exceptions, app.exceptions
    assert response.status_code == expected, response.text[:500]
    case.validate_response(
        response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
    )


def test_no_schema_deviation_is_tolerated():
    """The fuzzers tolerate nothing: the list of known deviations is gone, so any deviation fails the suite."""
    import tests.fuzz.harness as harness

    assert not hasattr(harness, "KNOWN_SCHEMA_GAPS")
    from pathlib import Path

    assert not (Path(harness.__file__).parent / "known_gaps.py").exists()


def test_a_timeline_event_without_a_person_names_no_actor(fuzz_world):
    """`actor_name` was `source="actor.__str__"`: for an event the system wrote (no actor) DRF called `__str__`
    on None and answered "<method-wrapper '__str__' of NoneType object …>"; now it is null."""
    from django.utils import timezone
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from wenming.cases.choices import EventKind
    from wenming.cases.models import CaseEvent

    case = fuzz_world.objects["cases"][0]
    CaseEvent.objects.create(
        case=case, kind=EventKind.REMINDED, actor=None, at=timezone.now(), note="系统提醒"
    )
    operation = schema()["/api/v1/cases/{id}/events/"]["GET"]
    request = operation.Case(path_parameters={"id": case.pk})
    with InProcessApp() as app:
        response = request.call(app=app, headers=fuzz_world.headers("office"))
    assert response.status_code == 200
    system = [row for row in response.json() if row["note"] == "系统提醒"]
    assert len(system) == 1 and system[0]["actor"] is None and system[0]["actor_name"] is None
    request.validate_response(response, checks=[response_schema_conformance])
