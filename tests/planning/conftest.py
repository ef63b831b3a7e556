import pytest

from tests.inspections.factories import make_world


@pytest.fixture
def world(db):
    w = make_world()
    w.standard.is_active = True
    w.standard.save(update_fields=["is_active"])
    return w
