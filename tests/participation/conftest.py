import pytest

from tests.participation.helpers import build_world
from wenming.core import workcal
from wenming.core.services import seed_calendar
from wenming.geo.services import current_area_index
from wenming.participation import classifier


@pytest.fixture(autouse=True)
def _fresh_caches():
    workcal.clear_cache()
    classifier.clear_cache()
    yield
    workcal.clear_cache()
    classifier.clear_cache()


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_calendar(years=range(2025, 2028))
    w = build_world()
    current_area_index()  # rebuild for this test's areas
    return w
