"""Infrastructure: the database the suite runs on (SQLite or `make test-pg`), per-worker test databases under
xdist, the OpenAPI schema (no warnings), the offline Swagger UI and the production deploy check."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.factories import make_user
from tests.permissions import assert_matrix
from wenming.accounts.choices import Role


def test_the_suite_runs_on_the_configured_database():
    expected = "postgresql" if os.environ.get("WENMING_DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_each_xdist_worker_has_its_own_test_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        pytest.skip("not running under pytest-xdist (-n)")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        assert name.endswith(f"_{worker}"), name
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone()[0] == name
    else:
        # SQLite test databases are in memory, one per worker process; a file one must be suffixed.
        assert "memory" in name or name.endswith(f"_{worker}"), name


@pytest.mark.django_db
def test_accounts_part_of_the_openapi_schema_has_no_warnings(tmp_path):
    target = tmp_path / "openapi.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        "tests.api.schema_urls",
        "--file",
        str(target),
    )
    text = target.read_text(encoding="utf-8")
    for path in [
        "/api/v1/auth/token/:",
        "/api/v1/auth/me/:",
        "/api/v1/users/:",
        "/api/v1/users/{id}/grant/:",
    ]:
        assert f"\n  {path}\n" in text, path
    assert "tokenAuth:" in text


@pytest.mark.django_db
def test_schema_and_docs_need_a_signed_in_user(client):
    office = make_user(Role.OFFICE)
    for url in ["/api/schema/", "/api/docs/"]:
        assert_matrix(client, url, {"anonymous": 401, office: 200})


@pytest.mark.django_db
def test_swagger_ui_loads_only_local_static_files(client):
    client.force_login(make_user(Role.OFFICE))
    html = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [s for s in sources if s.endswith((".js", ".css", ".png", ".ico"))]
    assert any(s.endswith("swagger-ui-bundle.js") for s in assets), sources
    assert all(
        s.startswith(
            settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        )
        for s in assets
    ), assets
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset


# --- deployment ---------------------------------------------------------------------------------------

PRODUCTION_ENV = {
    "WENMING_DEBUG": "0",
    "WENMING_SECRET_KEY": "k" * 8 + "Zq3-xV9_pL2mN7bR4tY6uW1eA8sD5fG0hJ3kQ-ZxCvBnM4lP",  # 57 chars, varied
    "WENMING_ALLOWED_HOSTS": "wenming.example.gov.cn",
    "WENMING_CSRF_TRUSTED_ORIGINS": "https://wenming.example.gov.cn",
    "WENMING_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "WENMING_EMAIL_HOST": "smtp.example.gov.cn",
    "WENMING_PROXY_COUNT": "1",
    "WENMING_HSTS_PRELOAD": "1",
}


def run_deploy_check(tmp_path, **overrides) -> subprocess.CompletedProcess:
    """`wenming check --deploy --fail-level WARNING` in a fresh process, with production variables only."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("WENMING_", "PYTEST_", "DJANGO_"))}
    env = {**keep, **PRODUCTION_ENV, "WENMING_DATA_DIR": str(tmp_path), **overrides}
    return subprocess.run(
        [sys.executable, "-m", "wenming", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_is_clean_with_the_documented_production_variables(tmp_path):
    completed = run_deploy_check(tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues (0 silenced)." in completed.stdout


def test_deploy_check_catches_insecure_production_settings(tmp_path):
    completed = run_deploy_check(tmp_path, WENMING_SECURE_COOKIES="0", WENMING_SECRET_KEY="short")
    assert completed.returncode != 0
    for check_id in ["security.W009", "security.W012", "security.W016"]:
        assert check_id in completed.stderr, completed.stderr
