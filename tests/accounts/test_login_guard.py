"""Sign-in protection: the lockout after repeated failures (django-axes) and the demo-account guard."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import make_user
from wenming.accounts.checks import check_demo_accounts
from wenming.accounts.choices import Role
from wenming.accounts.lockout import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_right_password_signs_in_and_resets_the_counter(client):
    make_user(Role.OFFICE, username="gaoyan")
    login(client, "gaoyan", "wrong")
    assert AccessAttempt.objects.get(username="gaoyan").failures_since_start == 1
    response = login(client, "gaoyan", "pw-Test-123")
    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert not AccessAttempt.objects.filter(username="gaoyan").exists()


def test_lockout_after_the_failure_limit_with_a_chinese_page(client, settings):
    assert settings.AXES_ENABLED is True and settings.AXES_FAILURE_LIMIT == 5
    make_user(Role.OFFICE, username="gaoyan")
    statuses = [login(client, "gaoyan", f"wrong{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = login(client, "gaoyan", "pw-Test-123")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账号已暂时锁定" in html and "登录失败次数过多" in html and "30 分钟后再试" in html
    assert SESSION_KEY not in client.session
    assert AccessFailureLog.objects.filter(username="gaoyan", locked_out=True).exists()


def test_lockout_is_per_username_and_address(client):
    make_user(username="gaoyan")
    make_user(username="linna")
    for i in range(5):
        login(client, "gaoyan", f"wrong{i}")
    assert login(client, "linna", "pw-Test-123").status_code == 302
    assert login(client, "gaoyan", "pw-Test-123", REMOTE_ADDR="10.1.1.1").status_code == 302


def test_an_admin_unlock_lets_the_user_back_in(client):
    admin = make_user(Role.ADMIN)
    make_user(username="gaoyan")
    for i in range(5):
        login(client, "gaoyan", f"wrong{i}")
    client.force_login(admin)
    client.post(reverse("accounts:auth_unlock"), {"username": "gaoyan"})
    client.logout()
    assert login(client, "gaoyan", "pw-Test-123").status_code == 302


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_client_address_comes_from_the_last_forwarded_hop(client):
    make_user(username="gaoyan")
    login(client, "gaoyan", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert AccessFailureLog.objects.get().ip_address == "203.0.113.9"


def test_client_ip_without_proxies_ignores_forwarded_headers():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "192.0.2.5"
    with override_settings(PROXY_COUNT=2):
        assert (
            client_ip(
                RequestFactory().get(
                    "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.2"
                )
            )
            == "198.51.100.7"
        )
        assert (
            client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="x"))
            == "10.0.0.1"
        )


# --- demo accounts ------------------------------------------------------------------------------------


def demo_user(**kw):
    return make_user(Role.OFFICE, username="office", is_demo=True, **kw)


def test_demo_accounts_sign_in_where_allowed(client):
    demo_user()
    assert login(client, "office", "pw-Test-123").status_code == 302


@override_settings(DEMO_ACCOUNTS_ALLOWED=False)
def test_demo_accounts_cannot_sign_in_where_not_allowed(client):
    demo_user()
    make_user(Role.OFFICE, username="real")
    response = login(client, "office", "pw-Test-123")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert login(client, "real", "pw-Test-123").status_code == 302


def test_an_existing_demo_session_ends_when_demo_accounts_become_disallowed(client):
    user = demo_user()
    client.force_login(user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    with override_settings(DEMO_ACCOUNTS_ALLOWED=False):
        response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_demo_accounts_api_token_stops_working_where_not_allowed(client):
    user = demo_user()
    key = Token.objects.create(user=user).key
    headers = {"Authorization": f"Token {key}"}
    assert client.get("/api/v1/auth/me/", headers=headers).status_code == 200
    with override_settings(DEMO_ACCOUNTS_ALLOWED=False):
        response = client.get("/api/v1/auth/me/", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "演示账号在当前环境中不可用。"}
        token = client.post(
            "/api/v1/auth/token/",
            {"username": "office", "password": "pw-Test-123"},
            content_type="application/json",
        )
        assert token.status_code == 400


def test_system_check_reports_demo_accounts_where_not_allowed():
    demo_user()
    assert check_demo_accounts(databases=["default"]) == []
    with override_settings(DEMO_ACCOUNTS_ALLOWED=False):
        errors = check_demo_accounts(databases=["default"])
        assert [e.id for e in errors] == ["accounts.E001"]
        assert "office" in errors[0].msg
        assert check_demo_accounts(databases=None) == []  # runs only when the database is asked for


def test_disable_demo_accounts_deactivates_them_and_drops_tokens(client):
    from io import StringIO

    from django.core.management import call_command

    demo = demo_user()
    Token.objects.create(user=demo)
    real = make_user(Role.OFFICE, username="real")
    out = StringIO()
    call_command("disable_demo_accounts", stdout=out)
    assert out.getvalue().strip() == "1 demo account(s) deactivated."
    demo.refresh_from_db()
    real.refresh_from_db()
    assert (demo.is_active, real.is_active) == (False, True)
    assert not Token.objects.filter(user=demo).exists()
    with override_settings(DEMO_ACCOUNTS_ALLOWED=False):
        assert check_demo_accounts(databases=["default"]) == []
