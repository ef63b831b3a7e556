"""Property-based fuzzing of /api/v1 from the committed schema (docs/openapi.yaml), under every role.

For each role, schemathesis generates valid and invalid requests for every operation; they are sent to the real
Django app in-process, as a real user with a real scoped membership (token authentication), in the small world of
tests/fuzz/world.py. Path ids are often replaced by small ids so that requests reach existing rows, in and out
of the caller's scope. Checks (tests/fuzz/harness.py): no 5xx, responses conform to the schema, nothing outside
the caller's scope. Seeded per role, `EXAMPLES` generated requests each (WENMING_FUZZ_EXAMPLES)."""

import zlib

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.fuzz.harness import EXAMPLES, InProcessApp, api_strategy, run_case
from tests.fuzz.world import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(ROLES))
def test_api_fuzz_under_role(role, fuzz_world):
    failures: dict[str, str] = {}
    strategy = api_strategy()

    with InProcessApp() as app:

        @seed(zlib.crc32(role.encode()))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, existing_id=st.one_of(st.none(), st.integers(1, 12)))
        def fuzz(case, existing_id):
            if existing_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = existing_id
            run_case("api", app, case, role, fuzz_world, failures)

        fuzz()
    assert not failures, f"{len(failures)} distinct failures as {role}:\n\n" + "\n\n".join(failures.values())
