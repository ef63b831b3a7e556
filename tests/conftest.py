import pytest

from tests.factories import make_user


@pytest.fixture
def office_user(db):
    return make_user("office")


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client
