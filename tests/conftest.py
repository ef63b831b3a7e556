import pytest
from django.utils import translation

from tests.factories import make_user
from wenming.core import workcal


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language (zh-hans). LocaleMiddleware activates a request's
    language for the thread and never deactivates it, so a test whose client switched to English (e.g.
    core/test_shell.py::test_english_is_switchable) would otherwise leave English to whichever test runs
    next on the same worker and make service messages read 「…」请填写Problems。"""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Every test reads the working calendar from its own database, not from a calendar an earlier test on
    the same worker cached in this process (each test's CalendarVersion row is rolled back with it)."""
    workcal.clear_cache()
    yield
    workcal.clear_cache()


@pytest.fixture
def office_user(db):
    return make_user("office")


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client
