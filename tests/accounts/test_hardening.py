"""Accounts hardening (issue 10 §6): per-address lock across user names, token sign-in recorded as a login,
expiring and revocable API tokens, the audit log and its auditor page, production-safe DEBUG default."""

import datetime
import io
import os
import subprocess
import sys

import pytest
from axes.models import AccessLog
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from tests.factories import make_user
from wenming.accounts.choices import AuditAction, Role
from wenming.accounts.models import AuditEvent, Membership
from wenming.core.appendonly import AppendOnlyError, append_only_models

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- throttling ---------------------------------------------------------------------------------------


def test_password_spraying_from_one_address_is_locked_across_user_names(client, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    for i in range(7):
        make_user(username=f"staff{i}")
    # one wrong password per account (never reaching the per-account limit of 5) from the same address
    statuses = [login(client, f"staff{i}", "Spring2026!").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]  # the failure that reaches the address's limit answers 429
    # the address is now locked for every user name, even with the right password …
    assert login(client, "staff6", "pw-Test-123").status_code == 429
    # … while the same account from another address still signs in
    assert login(client, "staff6", "pw-Test-123", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_the_address_lock_also_guards_the_token_endpoint_and_unlocks_with_the_address(client, settings):
    from wenming.accounts import services

    settings.LOGIN_IP_FAILURE_LIMIT = 3
    make_user(username="a1")
    make_user(username="a2")
    answers = [
        client.post(
            TOKEN, {"username": name, "password": "wrong"}, content_type="application/json"
        ).status_code
        for name in ("a1", "a2", "a1")
    ]
    assert answers == [400, 400, 429]
    locked = client.post(
        TOKEN, {"username": "a2", "password": "pw-Test-123"}, content_type="application/json"
    )
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    services.unlock_login(actor=None, ip_address="127.0.0.1")
    ok = client.post(TOKEN, {"username": "a2", "password": "pw-Test-123"}, content_type="application/json")
    assert ok.status_code == 200


# --- tokens -------------------------------------------------------------------------------------------


def test_getting_a_token_is_recorded_as_a_login_and_in_the_audit_log(client):
    user = make_user(Role.OFFICE, username="tokenuser")
    assert user.last_login is None
    response = client.post(TOKEN, {"username": "tokenuser", "password": "pw-Test-123"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == Token.objects.get(user=user).key
    assert body["expires_at"]  # 30 days by default
    assert AccessLog.objects.filter(username="tokenuser").count() == 1
    user.refresh_from_db()
    assert user.last_login is not None
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUED)
    assert event.actor == user and event.target == f"accounts.User:{user.pk}"


def test_tokens_expire_and_a_new_sign_in_issues_a_fresh_one(client, settings):
    settings.API_TOKEN_DAYS = 7
    user = make_user(Role.OFFICE, username="old")
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=8))
    me = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert me.status_code == 401
    assert "已过期" in me.json()["detail"]
    fresh = client.post(
        TOKEN, {"username": "old", "password": "pw-Test-123"}, content_type="application/json"
    )
    assert fresh.status_code == 200 and fresh.json()["token"] != token.key
    assert (
        client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {fresh.json()['token']}").status_code == 200
    )


def test_a_user_revokes_their_own_token_on_the_profile_page(client):
    user = make_user(Role.OFFICE)
    token = Token.objects.create(user=user)
    client.force_login(user)
    page = client.get("/accounts/profile/").content.decode()
    assert "吊销令牌" in page
    assert client.post("/accounts/profile/token/revoke/").status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED, actor=user).count() == 1


def test_an_administrator_revokes_a_users_token_and_nobody_else_can(client):
    admin, office, other = make_user(Role.ADMIN), make_user(Role.OFFICE), make_user(Role.OFFICE)
    Token.objects.create(user=other)
    client.force_login(office)
    assert client.post(f"/accounts/users/{other.pk}/token/revoke/").status_code == 403
    assert Token.objects.filter(user=other).exists()
    client.force_login(admin)
    detail = client.get(f"/accounts/users/{other.pk}/").content.decode()
    assert "吊销令牌" in detail
    assert client.post(f"/accounts/users/{other.pk}/token/revoke/").status_code == 302
    assert not Token.objects.filter(user=other).exists()


def test_the_django_admin_lists_tokens_and_revokes_them_through_the_service(client):
    superuser = make_user(is_superuser=True, is_staff=True)
    holder = make_user(Role.OFFICE, username="holder")
    Token.objects.create(user=holder)
    client.force_login(superuser)
    page = client.get("/admin/authtoken/tokenproxy/")
    assert page.status_code == 200 and "holder" in page.content.decode()
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 403  # never issued here
    response = client.post(
        "/admin/authtoken/tokenproxy/", {"action": "revoke", "_selected_action": [holder.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not Token.objects.filter(user=holder).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED, actor=superuser).count() == 1


# --- the audit log ------------------------------------------------------------------------------------


def test_personal_data_views_exports_denials_and_config_changes_are_audited(client):
    admin, office = make_user(Role.ADMIN, username="root1"), make_user(Role.OFFICE, username="office1")
    target = make_user(username="citizen-staff")
    client.force_login(office)
    assert client.get(f"/accounts/users/{target.pk}/").status_code == 403  # not an administrator
    client.force_login(admin)
    assert client.get(f"/accounts/users/{target.pk}/").status_code == 200
    assert client.get("/accounts/users/export/?q=citizen").status_code == 200
    response = client.post(f"/accounts/users/{target.pk}/memberships/new/", {"role": Role.LEADER})
    assert response.status_code == 302
    assert client.get("/accounts/users/99999999/").status_code == 404  # a resolved URL, nothing there

    rows = {(e.actor_name, e.action, e.target) for e in AuditEvent.objects.all()}
    assert ("office1", AuditAction.DENIED, f"/accounts/users/{target.pk}/") in rows
    assert ("root1", AuditAction.PERSONAL_VIEW, f"accounts.User:{target.pk}") in rows
    assert ("root1", AuditAction.EXPORT, "accounts.User") in rows
    membership = Membership.objects.get(user=target, role=Role.LEADER)
    assert ("root1", AuditAction.CONFIG_CHANGE, f"accounts.Membership:{membership.pk}") in rows
    # a resolved URL whose id names no user is an ordinary miss, not a denial
    assert ("root1", AuditAction.DENIED, "/accounts/users/99999999/") not in rows
    export = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert export.detail["query"] == "q=citizen" and export.ip_address == "127.0.0.1"


def test_an_anonymous_miss_is_not_recorded_as_a_denial(client):
    assert client.get("/no/such/page/").status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_auditor_searches_pages_and_exports_the_log(client):
    auditor, office = make_user(Role.AUDITOR, username="aud"), make_user(Role.OFFICE, username="off")
    for i in range(55):
        AuditEvent.objects.create(
            actor=office, actor_name="off", action=AuditAction.EXPORT, target=f"cases.Case#{i}"
        )
    AuditEvent.objects.create(
        actor=office, actor_name="off", action=AuditAction.PERSONAL_VIEW, target="=HYPERLINK(1)"
    )
    client.force_login(office)
    assert client.get("/accounts/audit/").status_code == 403  # office staff do not read the audit log
    client.force_login(auditor)
    page1 = client.get("/accounts/audit/?action=export")
    assert page1.status_code == 200
    html = page1.content.decode()
    assert html.count("cases.Case#") == 50 and "page=2" in html
    page2 = client.get("/accounts/audit/?action=export&page=2").content.decode()
    assert page2.count("cases.Case#") == 5
    only = client.get("/accounts/audit/?action=personal_view&actor=of").content.decode()
    assert "=HYPERLINK(1)" in only and "cases.Case#" not in only
    bad = client.get("/accounts/audit/?since=notadate")
    assert bad.status_code == 200 and "cases.Case#" not in bad.content.decode()

    export = client.get("/accounts/audit/export/?action=personal_view")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][3] == "'=HYPERLINK(1)"  # a formula stays text
    # the export of the log is itself in the log
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=auditor, target="accounts.AuditEvent"
    ).exists()
    assert "审计日志" in client.get("/").content.decode()  # in the auditor's menu


# --- append-only --------------------------------------------------------------------------------------


def test_every_append_only_table_refuses_updates_and_deletes_at_both_levels():
    labels = {m._meta.label for m in append_only_models()}
    assert {"accounts.AuditEvent", "cases.CaseEvent", "participation.ReportEvent", "participation.PointsEntry",
            "bulletins.BulletinEvent"} <= labels  # fmt: skip
    for model in append_only_models():
        with pytest.raises(AppendOnlyError):
            model.objects.all().update(pk=1)
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            model.objects.bulk_update([], ["pk"])


def test_an_audit_row_cannot_be_changed_or_removed():
    row = AuditEvent.objects.create(action=AuditAction.EXPORT, target="x")
    row.target = "y"
    with pytest.raises(AppendOnlyError, match="只能追加"):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(target="z")
    assert AuditEvent.objects.get(pk=row.pk).target == "x"


# --- production-safe default --------------------------------------------------------------------------


def test_debug_is_off_when_the_variable_is_unset(tmp_path):
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("WENMING_", "PYTEST_", "DJANGO_"))}
    env = {**keep, "WENMING_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "wenming.settings"}
    code = "from django.conf import settings as s; print(s.DEBUG, s.DEMO_ACCOUNTS_ALLOWED)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    env["WENMING_DEBUG"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
