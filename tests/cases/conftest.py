import pytest

from tests.cases.helpers import build_world
from wenming.core.services import seed_calendar


@pytest.fixture
def calendar(db):
    """The State Council's 2025–2026 arrangements (2025-09-28 is a make-up working Sunday)."""
    return seed_calendar(years=range(2025, 2027))


@pytest.fixture
def world(db, calendar, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()
