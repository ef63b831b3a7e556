import pytest

from wenming.core import workcal
from wenming.core.services import seed_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test starts from the database, not from a calendar cached by an earlier test."""
    workcal.clear_cache()
    yield
    workcal.clear_cache()


@pytest.fixture
def seeded_calendar(db):
    """The State Council arrangements for 2024–2026, as `wenming seed_calendar` loads them."""
    return seed_calendar(years=range(2024, 2027))
