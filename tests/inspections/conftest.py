import pytest

from tests.inspections.factories import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def draft_world(db):
    return make_world(publish=False)
