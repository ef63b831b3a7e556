import pytest
from axes.models import AccessFailureLog
from django.test import override_settings
from rest_framework.authtoken.models import Token

from tests.factories import make_unit, make_user
from tests.permissions import assert_api_matrix
from wenming.accounts.choices import Role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"


def post_token(client, username, password, **extra):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", **extra
    )


def test_token_for_right_credentials_works_as_authorization(client):
    user = make_user(Role.OFFICE, username="xuli")
    response = post_token(client, "xuli", "pw-Test-123")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == key
    again = post_token(client, "xuli", "pw-Test-123").json()
    assert again == {
        "token": key,
        "expires_at": response.json()["expires_at"],
    }  # same token (until it expires)
    me = client.get(ME_URL, headers={"Authorization": f"Token {key}"})
    assert me.status_code == 200 and me.json()["username"] == "xuli"


def test_wrong_credentials_are_400_in_chinese_and_counted(client):
    make_user(username="xuli")
    response = post_token(client, "xuli", "wrong")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码错误。"]}
    assert post_token(client, "nobody", "wrong").status_code == 400
    assert AccessFailureLog.objects.filter(username="xuli").count() == 1
    assert not Token.objects.exists()


def test_missing_fields_are_400(client):
    response = client.post(TOKEN_URL, {"username": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["password"]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_token_endpoint_locks_out_after_the_failure_limit(client):
    user = make_user(username="xuli")
    statuses = [post_token(client, "xuli", "wrong").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    locked = post_token(client, "xuli", "pw-Test-123")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def test_token_endpoint_ignores_session_csrf(client):
    """A signed-in browser asking for a token is not blocked by CSRF: the endpoint has no session auth."""
    from django.test import Client

    user = make_user(username="xuli")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert post_token(csrf_client, "xuli", "pw-Test-123").status_code == 200


def test_me_reports_roles_and_scope(client):
    bureau = make_unit(name="区市场监督管理局")
    make_unit(parent=bureau)
    user = make_user(Role.UNIT_HANDLER, unit=bureau, username="handler", display_name="李明")
    client.force_login(user)
    body = client.get(ME_URL).json()
    assert body["username"] == "handler" and body["display_name"] == "李明"
    assert body["roles"] == ["unit_handler"]
    assert body["scope"]["units"] == 2 and body["scope"]["district_wide_view"] is False
    assert [(m["role"], m["unit"]["name"]) for m in body["memberships"]] == [
        ("unit_handler", "区市场监督管理局")
    ]


def test_me_matrix(client):
    office = make_user(Role.OFFICE)
    nobody = make_user()
    assert_api_matrix(client, ME_URL, {"anonymous": 401, office: 200, nobody: 200})
    assert_api_matrix(client, ME_URL, {"anonymous": 401, office: 200}, auth="session")


def test_token_endpoint_matrix_needs_no_authentication(client):
    make_user(username="xuli")
    assert_api_matrix(
        client,
        TOKEN_URL,
        {"anonymous": 200},
        method="post",
        data={"username": "xuli", "password": "pw-Test-123"},
    )
    assert_api_matrix(client, TOKEN_URL, {"anonymous": 405})


def test_invalid_token_is_401(client):
    assert client.get(ME_URL, headers={"Authorization": "Token not-a-token"}).status_code == 401


def test_inactive_users_token_stops_working(client):
    user = make_user(Role.OFFICE)
    key = Token.objects.create(user=user).key
    user.is_active = False
    user.save()
    assert client.get(ME_URL, headers={"Authorization": f"Token {key}"}).status_code == 401
