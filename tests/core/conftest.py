import pytest

from wenming.core.services import seed_calendar


@pytest.fixture
def seeded_calendar(db):
    """The State Council arrangements for 2024–2026, as `wenming seed_calendar` loads them."""
    return seed_calendar(years=range(2024, 2027))
