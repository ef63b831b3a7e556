import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.permissions import assert_matrix
from wenming.core.coords import from_wgs84, in_china, to_wgs84


def test_healthz_reports_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True


def test_home_requires_login_and_renders_chinese_menu(client, db):
    user = make_user("office")
    assert_matrix(client, reverse("dashboard:home"), {"anonymous": 302, user: 200})
    client.force_login(user)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "文明创建管理平台" in html
    assert 'lang="zh-hans"' in html


def test_english_is_switchable(client, db):
    user = make_user("office")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "Civilized City Campaign Platform" in html


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_coordinate_round_trip_is_precise(system):
    lat, lon = 24.5122, 118.1457
    back = to_wgs84(*from_wgs84(lat, lon, system), system)
    assert abs(back[0] - lat) < 1e-6 and abs(back[1] - lon) < 1e-6
    shifted = from_wgs84(lat, lon, system)
    assert abs(shifted[0] - lat) > 1e-4  # a real offset of hundreds of metres


def test_in_china():
    assert in_china(24.5, 118.1)
    assert not in_china(51.5, -0.1)
