"""API tokens through the API (issue 10 §6): everyone lists and revokes their own token at /api/v1/tokens/, a
system administrator everyone's; other holders' tokens are 404; the key is never shown; revoking is audited."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import make_user
from tests.permissions import assert_api_matrix
from wenming.accounts.choices import AuditAction, Role
from wenming.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/tokens/"


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_everyone_lists_their_own_token_and_the_administrator_all_without_keys(client, settings):
    settings.API_TOKEN_DAYS = 30
    admin, office, unit = make_user(Role.ADMIN), make_user(Role.OFFICE), make_user(Role.UNIT_HANDLER)
    keys = {u.pk: Token.objects.create(user=u).key for u in (admin, office, unit)}
    Token.objects.filter(user=unit).update(created=timezone.now() - datetime.timedelta(days=31))

    own = client.get(TOKENS, **auth(office)).json()
    assert [row["user"] for row in own["results"]] == [office.pk]
    row = own["results"][0]
    assert row["username"] == office.username and row["expired"] is False
    issued = datetime.datetime.fromisoformat(row["issued_at"])
    assert datetime.datetime.fromisoformat(row["expires_at"]) - issued == datetime.timedelta(days=30)

    everyone = client.get(TOKENS, **auth(admin)).json()
    assert sorted(r["user"] for r in everyone["results"]) == sorted(keys)
    assert {r["user"]: r["expired"] for r in everyone["results"]}[unit.pk] is True
    body = client.get(TOKENS, **auth(admin)).content.decode()
    assert not any(key in body for key in keys.values())  # the key is given once, at sign-in, never listed


def test_token_endpoints_permission_matrix(client):
    admin, office, leader = make_user(Role.ADMIN), make_user(Role.OFFICE), make_user(Role.LEADER)
    for user in (admin, office, leader):
        Token.objects.get_or_create(user=user)
    assert_api_matrix(client, TOKENS, {"anonymous": 401, admin: 200, office: 200, leader: 200})
    assert_api_matrix(
        client, f"{TOKENS}{office.pk}/", {"anonymous": 401, admin: 200, office: 200, leader: 404}
    )
    assert_api_matrix(client, f"{TOKENS}{office.pk}/", {"anonymous": 401, leader: 404}, method="delete")
    assert Token.objects.filter(user=office).exists()  # nobody but the holder and an administrator revokes it
    assert client.get(f"{TOKENS}abc/", **auth(office)).status_code == 404


def test_a_user_revokes_their_own_token_through_the_api_and_it_is_audited(client):
    office = make_user(Role.OFFICE, username="holder")
    headers = auth(office)
    assert client.delete(f"{TOKENS}{office.pk}/", **headers).status_code == 204
    assert not Token.objects.filter(user=office).exists()
    assert client.get("/api/v1/auth/me/", **headers).status_code == 401  # the revoked key no longer works
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (event.actor, event.target, event.ip_address) == (
        office,
        f"accounts.User:{office.pk}",
        "127.0.0.1",
    )


def test_an_administrator_revokes_anyones_token_and_others_get_404(client):
    admin, office, other = make_user(Role.ADMIN), make_user(Role.OFFICE), make_user(Role.OFFICE)
    Token.objects.create(user=other)
    assert client.delete(f"{TOKENS}{other.pk}/", **auth(office)).status_code == 404
    assert Token.objects.filter(user=other).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).exists()
    assert client.delete(f"{TOKENS}{other.pk}/", **auth(admin)).status_code == 204
    assert not Token.objects.filter(user=other).exists()
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (event.actor, event.target) == (admin, f"accounts.User:{other.pk}")
    assert client.delete(f"{TOKENS}{other.pk}/", **auth(admin)).status_code == 404  # already gone


def test_an_id_longer_than_any_of_ours_is_a_404_not_a_driver_overflow(client):
    # found by make fuzz as leader: DELETE /tokens/<22 digits>/ overflowed SQLite's integer (a 500)
    user = make_user(username="wang", role=Role.LEADER)
    for method in (client.get, client.delete):
        assert method("/api/v1/tokens/4305526769223625143504/", **auth(user)).status_code == 404
