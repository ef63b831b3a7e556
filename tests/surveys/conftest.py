import pytest

from tests.surveys.factories import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def draft_world(db):
    return make_world(open_wave=False)
