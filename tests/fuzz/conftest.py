"""The fuzzers' world, built once per module inside a transaction that is rolled back afterwards (each test then
runs in its own savepoint on top of it), and the session summary of requests and failures."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.fuzz.harness import STATS
from tests.fuzz.world import build_world


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(WENMING_TEST_NO_RATE_LIMIT=False):
        with transaction.atomic():
            world = build_world()
            yield world
            transaction.set_rollback(True)


def pytest_terminal_summary(terminalreporter):
    if sum(STATS.requests.values()):
        terminalreporter.write_line(STATS.summary())
