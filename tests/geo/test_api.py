import pytest
from django.urls import reverse

from tests.factories import make_point
from tests.geo.helpers import LAT0, LON0
from tests.permissions import assert_api_matrix
from wenming.core.coords import from_wgs84
from wenming.geo.models import Duty, Point


def _ids(response):
    body = response.json()
    return sorted(r["code"] for r in body["results"])


def test_point_endpoints_permission_matrix(client, scene):
    s = scene
    detail = f"/api/v1/geo/points/{s.point_a.pk}/"
    assert_api_matrix(
        client, "/api/v1/geo/points/", {"anonymous": 401, s.nobody: 200, s.street_a: 200, s.office: 200}
    )
    assert_api_matrix(client, detail, {
        "anonymous": 401, s.street_b: 404, s.handler_b: 404, s.nobody: 404, s.street_a: 200, s.handler_a: 200,
        s.inspector: 200, s.office: 200,
    })  # fmt: skip
    assert_api_matrix(client, "/api/v1/geo/points/geojson/", {"anonymous": 401, s.street_a: 200})
    assert_api_matrix(client, detail, {"anonymous": 401, s.leader: 403, s.street_a: 403, s.handler_a: 403},
                      method="patch", data={"name": "不该改"})  # fmt: skip
    assert Point.objects.get(pk=s.point_a.pk).name == "甲巷"
    new = {
        "code": "PN",
        "name": "新点",
        "point_type": s.point_a.point_type_id,
        "lat": LAT0 + 0.015,
        "lon": LON0 + 0.005,
    }
    assert_api_matrix(client, "/api/v1/geo/points/", {"anonymous": 401, s.leader: 403, s.street_a: 403},
                      method="post", data=new)  # fmt: skip
    assert not Point.objects.filter(code="PN").exists()
    assert_api_matrix(client, "/api/v1/geo/points/", {s.office: 201}, method="post", data=new)
    assert Point.objects.get(code="PN").area == s.d.community_a2
    assert_api_matrix(client, detail, {s.office: 200}, method="patch", data={"name": "改名"})
    assert Point.objects.get(pk=s.point_a.pk).name == "改名"
    assert_api_matrix(client, detail, {s.office: 405}, method="delete")


def test_point_list_is_scoped(client, scene):
    s = scene
    for user, codes in [(s.office, ["PA", "PB"]), (s.street_a, ["PA"]), (s.street_b, ["PB"]), (s.handler_a, ["PA"]),
                        (s.handler_b, ["PB"]), (s.inspector, ["PA", "PB"]), (s.nobody, [])]:  # fmt: skip
        client.force_login(user)
        assert _ids(client.get("/api/v1/geo/points/")) == codes, user


def test_point_list_filters_are_shared_with_the_html_list(client, scene):
    client.force_login(scene.office)
    assert _ids(client.get("/api/v1/geo/points/", {"street": scene.d.street_a.pk})) == ["PA"]
    assert _ids(client.get("/api/v1/geo/points/", {"community": scene.d.community_b1.pk})) == ["PB"]
    assert _ids(client.get("/api/v1/geo/points/", {"responsible_unit": scene.unit_b.pk})) == ["PB"]
    assert _ids(client.get("/api/v1/geo/points/", {"q": "甲"})) == ["PA"]
    assert _ids(client.get("/api/v1/geo/points/", {"status": "retired"})) == []


def test_point_list_query_count(client, scene, django_assert_max_num_queries):
    for i in range(120):
        make_point(code=f"Q{i:03d}", lat=LAT0 + 0.001, lon=LON0 + 0.001, responsible_unit=scene.unit_a)
    client.force_login(scene.office)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/geo/points/", {"page_size": 100})
    body = response.json()
    assert body["count"] == 122 and len(body["results"]) == 100
    first = body["results"][0]
    assert first["point_type_name"] and "responsible_unit_name" in first
    client.force_login(scene.street_a)
    with django_assert_max_num_queries(10):
        client.get("/api/v1/geo/points/", {"page_size": 100})


def test_create_point_via_api_converts_coordinates_and_reports_errors(client, scene):
    client.force_login(scene.office)
    gcj_lat, gcj_lon = from_wgs84(LAT0 + 0.005, LON0 + 0.005, "GCJ02")
    data = {"code": "PG", "name": "高德点", "point_type": scene.point_a.point_type_id, "lat": gcj_lat, "lon": gcj_lon,
            "coord_system": "GCJ02"}  # fmt: skip
    response = client.post("/api/v1/geo/points/", data, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (round(body["lat"], 6), round(body["lon"], 6)) == (round(LAT0 + 0.005, 6), round(LON0 + 0.005, 6))
    assert body["area"] == scene.d.grid_a1.pk and body["coord_system"] == "GCJ02"
    response = client.post("/api/v1/geo/points/", data | {"code": "PX", "lat": 51.5, "lon": -0.1},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"lat": ["坐标（纬度 51.5，经度 -0.1）不在中国境内。"]}
    response = client.post("/api/v1/geo/points/", data, content_type="application/json")
    assert response.json() == {"code": ["点位编码 PG 已存在。"]}
    response = client.patch(
        f"/api/v1/geo/points/{scene.point_a.pk}/", {"lat": 24.6}, content_type="application/json"
    )
    assert response.json() == {"lat": ["修改位置时必须同时提供经度和纬度。"]}


def test_points_geojson_has_colours_and_legend(client, scene):
    client.force_login(scene.street_a)
    body = client.get("/api/v1/geo/points/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["PA"]
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [scene.point_a.lon, scene.point_a.lat]}
    assert feature["properties"]["url"] == reverse("geo:point_detail", args=[scene.point_a.pk])
    assert body["point_types"] == [{"id": scene.point_a.point_type_id, "name": "背街小巷",
                                    "color": feature["properties"]["color"], "count": 1}]  # fmt: skip


def test_area_endpoints(client, scene):
    s = scene
    assert_api_matrix(client, "/api/v1/geo/areas/", {"anonymous": 401, s.nobody: 200, s.office: 200})
    assert_api_matrix(client, f"/api/v1/geo/areas/{s.d.community_a1.pk}/", {
        "anonymous": 401, s.street_b: 404, s.street_a: 200, s.office: 200})  # fmt: skip
    client.force_login(s.street_a)
    names = sorted(a["name"] for a in client.get("/api/v1/geo/areas/").json()["results"])
    assert names == ["乙街道", "测试区", "甲一社区", "甲一社区第1网格", "甲二社区", "甲街道"]
    client.force_login(s.handler_b)  # district and streets are public geography; communities are not
    names = sorted(a["name"] for a in client.get("/api/v1/geo/areas/").json()["results"])
    assert names == ["乙街道", "测试区", "甲街道"]
    client.force_login(s.office)
    body = client.get("/api/v1/geo/areas/geojson/", {"level": "street"}).json()
    assert sorted(f["properties"]["name"] for f in body["features"]) == ["乙街道", "甲街道"]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    same = client.get("/api/v1/geo/areas/", {"level": "street", "format": "geojson"})
    assert same["Content-Type"] == "application/geo+json"
    assert same.json()["features"] == body["features"]
    several = client.get("/api/v1/geo/areas/geojson/", {"levels": "district,street"}).json()["features"]
    assert sorted(f["properties"]["level"] for f in several) == ["district", "street", "street"]
    children = client.get("/api/v1/geo/areas/", {"parent": s.d.street_a.pk}).json()["results"]
    assert sorted(a["name"] for a in children) == ["甲一社区", "甲二社区"]
    assert "boundary" not in children[0]
    assert client.get(f"/api/v1/geo/areas/{s.d.street_a.pk}/").json()["boundary"]["type"] == "Polygon"


def test_duty_endpoints(client, scene):
    s = scene
    duty = Duty.objects.get()
    assert_api_matrix(client, "/api/v1/geo/duties/", {"anonymous": 401, s.nobody: 200, s.office: 200})
    assert_api_matrix(client, f"/api/v1/geo/duties/{duty.pk}/", {
        "anonymous": 401, s.street_b: 404, s.handler_b: 404, s.street_a: 200, s.handler_a: 200})  # fmt: skip
    new = {"person": s.person_a.pk, "post": "grid_lead", "area": s.d.grid_a1.pk}
    assert_api_matrix(
        client, "/api/v1/geo/duties/", {"anonymous": 401, s.street_a: 403}, method="post", data=new
    )
    assert Duty.objects.count() == 1
    assert_api_matrix(client, "/api/v1/geo/duties/", {s.office: 201}, method="post", data=new)
    client.force_login(s.office)
    response = client.post("/api/v1/geo/duties/", new, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["该人员在此期间已担任相同的岗位职责。"]}
    response = client.post("/api/v1/geo/duties/", {"person": s.person_a.pk, "post": "grid_lead"},
                           content_type="application/json")  # fmt: skip
    assert response.json() == {"non_field_errors": ["岗位职责必须指定负责的区域、点位或问题类别。"]}
    assert_api_matrix(client, f"/api/v1/geo/duties/{duty.pk}/end/", {s.street_a: 403}, method="post", data={})
    assert_api_matrix(client, f"/api/v1/geo/duties/{duty.pk}/end/", {s.office: 200}, method="post", data={})
    duty.refresh_from_db()
    assert duty.end_date is not None
    client.force_login(s.office)
    current = client.get("/api/v1/geo/duties/", {"current": "true"}).json()["results"]
    assert [d["post"] for d in current] == ["grid_lead"]


@pytest.mark.parametrize("url", ["/api/v1/geo/", "/api/v1/org/"])
def test_api_roots(client, scene, url):
    client.force_login(scene.office)
    assert client.get(url).status_code == 200
