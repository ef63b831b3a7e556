import pytest
from rest_framework.authtoken.models import Token

from tests.factories import make_unit, make_user
from tests.permissions import assert_api_matrix
from wenming.accounts.choices import Role
from wenming.accounts.models import Membership, User

pytestmark = pytest.mark.django_db

STRONG = "Qiang-Mima-2026"


@pytest.fixture
def admin():
    return make_user(Role.ADMIN, username="api-admin")


def auth(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_users_endpoints_matrix(client, admin):
    office = make_user(Role.OFFICE)
    handler = make_user(Role.UNIT_HANDLER, unit=make_unit())
    grant = handler.memberships.get()
    who = {"anonymous": 401, office: 403, handler: 403}
    assert_api_matrix(client, "/api/v1/users/", {**who, admin: 200})
    assert_api_matrix(client, f"/api/v1/users/{handler.pk}/", {**who, admin: 200})
    assert_api_matrix(client, "/api/v1/users/999999/", {**who, admin: 404})
    assert_api_matrix(
        client,
        "/api/v1/users/",
        {**who, admin: 201},
        method="post",
        data={"username": "newbie", "password": STRONG},
    )
    assert_api_matrix(
        client,
        f"/api/v1/users/{office.pk}/grant/",
        {**who, admin: 201},
        method="post",
        data={"role": Role.LEADER},
    )
    assert_api_matrix(
        client,
        f"/api/v1/users/{handler.pk}/revoke/",
        {**who, admin: 200},
        method="post",
        data={"membership": grant.pk},
    )
    # someone else's grant under this user's URL is not found
    assert_api_matrix(
        client,
        f"/api/v1/users/{office.pk}/revoke/",
        {admin: 404},
        method="post",
        data={"membership": grant.pk},
    )
    assert_api_matrix(client, "/api/v1/users/", {"anonymous": 401, office: 403, admin: 200}, auth="session")


def test_user_list_filters_and_shape(client, admin):
    make_user(Role.OFFICE, username="wangfang", display_name="王芳")
    make_user(Role.LEADER, username="zhaolei", is_active=False)
    body = client.get("/api/v1/users/", {"q": "王芳"}, headers=auth(admin)).json()
    assert [u["username"] for u in body["results"]] == ["wangfang"]
    assert body["results"][0]["memberships"][0]["role_label"] == "文明办"
    body = client.get("/api/v1/users/", {"role": "leader"}, headers=auth(admin)).json()
    assert [u["username"] for u in body["results"]] == ["zhaolei"]
    body = client.get("/api/v1/users/", {"is_active": "false"}, headers=auth(admin)).json()
    assert [u["username"] for u in body["results"]] == ["zhaolei"]
    body = client.get("/api/v1/users/", {"role": "admin"}, headers=auth(admin)).json()
    assert [u["username"] for u in body["results"]] == ["api-admin"]


def test_user_list_query_count(client, admin, django_assert_max_num_queries):
    for i in range(30):
        make_user(Role.UNIT_HANDLER, unit=make_unit(), username=f"h{i:02d}")
    headers = auth(admin)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/users/", {"page_size": 100}, headers=headers).json()
    assert body["count"] == 31


def test_create_user_via_api_refuses_bad_input_without_writing(client, admin):
    headers = auth(admin)
    before = User.objects.count()
    weak = client.post(
        "/api/v1/users/",
        {"username": "x1", "password": "123"},
        content_type="application/json",
        headers=headers,
    )
    assert weak.status_code == 400 and list(weak.json()) == ["password"]
    taken = client.post(
        "/api/v1/users/",
        {"username": "API-ADMIN", "password": STRONG},
        content_type="application/json",
        headers=headers,
    )
    assert taken.status_code == 400 and taken.json() == {"username": ["用户名“API-ADMIN”已被使用。"]}
    no_person = client.post(
        "/api/v1/users/",
        {"username": "x2", "password": STRONG, "person": 999999},
        content_type="application/json",
        headers=headers,
    )
    assert no_person.status_code == 400 and no_person.json() == {"person": ["不存在编号为 999999 的人员。"]}
    assert User.objects.count() == before


def test_create_then_grant_then_revoke(client, admin):
    headers = auth(admin)
    unit = make_unit(name="区卫健局")
    created = client.post(
        "/api/v1/users/",
        {"username": "sunli", "password": STRONG, "display_name": "孙丽"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    user_id = created.json()["id"]
    assert "password" not in created.json()
    bad = client.post(
        f"/api/v1/users/{user_id}/grant/",
        {"role": "unit_handler"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400 and bad.json() == {
        "non_field_errors": ["该角色必须指定范围（单位、区域或专项组）。"]
    }
    missing = client.post(
        f"/api/v1/users/{user_id}/grant/",
        {"role": "unit_handler", "unit": 999999},
        content_type="application/json",
        headers=headers,
    )
    assert missing.status_code == 400
    assert not Membership.objects.filter(user_id=user_id).exists()
    granted = client.post(
        f"/api/v1/users/{user_id}/grant/",
        {"role": "unit_handler", "unit": unit.pk},
        content_type="application/json",
        headers=headers,
    )
    assert granted.status_code == 201
    assert granted.json()["unit"] == {"id": unit.pk, "name": "区卫健局"}
    revoked = client.post(
        f"/api/v1/users/{user_id}/revoke/",
        {"membership": granted.json()["id"]},
        content_type="application/json",
        headers=headers,
    )
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    again = client.post(
        f"/api/v1/users/{user_id}/revoke/",
        {"membership": granted.json()["id"]},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 400 and again.json() == {"non_field_errors": ["该授权已撤销。"]}
