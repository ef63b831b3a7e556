import pytest

from tests.bulletins.helpers import build_dataset
from wenming.core.services import seed_calendar


@pytest.fixture
def files(settings, tmp_path):
    """Photos and generated documents in a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GENERATED_ROOT = tmp_path / "generated"
    return tmp_path


@pytest.fixture
def ds(db, files):
    seed_calendar(years=range(2026, 2027))
    return build_dataset()
