import pytest
from django.urls import reverse

from tests.factories import make_point
from tests.geo.helpers import LAT0, LON0, xlsx_bytes
from tests.permissions import assert_matrix
from wenming.geo.models import Duty, Point


def test_point_pages_permission_matrix(client, scene):
    s = scene
    a = s.point_a.pk
    for name, args in [("geo:point_detail", [a]), ("geo:point_qr", [a, "png"]), ("geo:point_qr", [a, "svg"])]:
        assert_matrix(client, reverse(name, args=args), {
            "anonymous": 302, s.office: 200, s.leader: 200, s.street_b: 404, s.handler_b: 404, s.nobody: 404,
            s.street_a: 200, s.handler_a: 200, s.inspector: 200,
        })  # fmt: skip
    for name in (
        "geo:point_list",
        "geo:point_map",
        "geo:point_export",
        "geo:area_list",
        "geo:point_import_template",
    ):
        assert_matrix(
            client, reverse(name), {"anonymous": 302, s.nobody: 200, s.street_a: 200, s.office: 200}
        )


def test_office_pages_permission_matrix(client, scene):
    s = scene
    for url in [reverse("geo:point_create"), reverse("geo:point_import"), reverse("geo:point_edit", args=[s.point_a.pk]),
                reverse("geo:area_edit", args=[s.d.street_a.pk]), reverse("geo:duty_create")]:  # fmt: skip
        assert_matrix(
            client, url, {"anonymous": 302, s.leader: 403, s.street_a: 403, s.handler_a: 403, s.office: 200}
        )
    duty = Duty.objects.get()
    assert_matrix(
        client, reverse("geo:duty_edit", args=[duty.pk]), {"anonymous": 302, s.street_a: 403, s.office: 200}
    )
    assert_matrix(client, reverse("geo:duty_end", args=[duty.pk]), {"anonymous": 302, s.street_a: 403}, method="post",
                  data={})  # fmt: skip
    assert Duty.objects.get().end_date is None


def test_area_detail_permission_matrix(client, scene):
    s = scene
    assert_matrix(client, reverse("geo:area_detail", args=[s.d.community_a1.pk]), {
        "anonymous": 302, s.office: 200, s.street_b: 404, s.handler_b: 404, s.street_a: 200, s.inspector: 200,
    })  # fmt: skip
    # ancestors are visible so the tree can be drawn
    assert_matrix(client, reverse("geo:area_detail", args=[s.d.district.pk]), {s.street_b: 200})


def test_point_list_is_scoped_filtered_and_htmx_partial(client, scene):
    s = scene
    client.force_login(s.street_a)
    html = client.get(reverse("geo:point_list")).content.decode()
    assert "甲巷" in html and "乙巷" not in html
    client.force_login(s.office)
    html = client.get(reverse("geo:point_list"), {"street": s.d.street_b.pk}).content.decode()
    assert "乙巷" in html and "甲巷" not in html
    html = client.get(reverse("geo:point_list"), {"q": "甲"}).content.decode()
    assert "甲巷" in html and "乙巷" not in html
    partial = client.get(
        reverse("geo:point_list"), {"q": "乙"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "乙巷" in partial and "<html" not in partial
    html = client.get(reverse("geo:point_list"), {"q": "不存在"}).content.decode()
    assert "没有符合条件的点位" in html


def test_point_list_query_count_does_not_grow(client, scene, django_assert_max_num_queries):
    for i in range(40):
        make_point(code=f"Q{i:03d}", lat=LAT0 + 0.001, lon=LON0 + 0.001, responsible_unit=scene.unit_a)
    client.force_login(scene.office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("geo:point_list"))
    assert response.status_code == 200
    client.force_login(scene.street_a)
    with django_assert_max_num_queries(14):
        client.get(reverse("geo:point_list"))


def test_area_list_tree_counts(client, scene, django_assert_max_num_queries):
    client.force_login(scene.office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("geo:area_list"), {"depth": "grid"})
    rows = {r["area"].name: r["points"] for r in response.context["rows"]}
    assert rows == {
        "测试区": 2,
        "甲街道": 1,
        "甲一社区": 1,
        "甲一社区第1网格": 1,
        "甲二社区": 0,
        "乙街道": 1,
        "乙一社区": 1,
    }
    response = client.get(reverse("geo:area_list"))
    assert "甲一社区第1网格" not in {r["area"].name for r in response.context["rows"]}


def test_point_detail_shows_qr_duties_and_honest_empty_states(client, scene):
    client.force_login(scene.office)
    html = client.get(reverse("geo:point_detail", args=[scene.point_a.pk])).content.decode()
    assert "<svg" in html and "http://testserver/inspections/scan/PA/" in html
    assert "王芳" in html and "点位责任人" in html
    assert "暂无测评记录" in html and "暂无问题记录" in html


def test_qr_downloads(client, scene):
    client.force_login(scene.office)
    png = client.get(reverse("geo:point_qr", args=[scene.point_a.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(reverse("geo:point_qr", args=[scene.point_a.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(reverse("geo:point_qr", args=[scene.point_a.pk, "gif"])).status_code == 404


def test_export_is_the_filtered_list(client, scene):
    import io

    import openpyxl

    client.force_login(scene.street_a)
    response = client.get(reverse("geo:point_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("点位编码", "点位名称", "点位类型")
    assert [r[0] for r in rows[1:]] == ["PA"]


def test_create_point_through_the_form(client, scene):
    client.force_login(scene.office)
    data = {"code": "PN", "name": "新点", "point_type": scene.point_a.point_type_id, "lat": LAT0 + 0.015,
            "lon": LON0 + 0.005, "coord_system": "WGS84", "status": "active", "responsible_unit": scene.unit_a.pk,
            "responsible_person": scene.person_a.pk}  # fmt: skip
    response = client.post(reverse("geo:point_create"), data)
    point = Point.objects.get(code="PN")
    assert response.status_code == 302 and response["Location"] == point.get_absolute_url()
    assert point.area == scene.d.community_a2
    assert Duty.objects.filter(point=point, person=scene.person_a).count() == 1
    # a bad position is shown on the form and nothing is written
    response = client.post(reverse("geo:point_create"), data | {"code": "PX", "lat": 51.5, "lon": -0.1})
    assert response.status_code == 200
    assert "不在中国境内" in response.content.decode()
    assert not Point.objects.filter(code="PX").exists()


def test_edit_point_keeps_position_when_only_the_name_changes(client, scene):
    client.force_login(scene.office)
    p = scene.point_a
    data = {"code": p.code, "name": "改名", "point_type": p.point_type_id, "lat": p.lat, "lon": p.lon,
            "coord_system": "WGS84", "status": "active"}  # fmt: skip
    assert client.post(reverse("geo:point_edit", args=[p.pk]), data).status_code == 302
    p2 = Point.objects.get(pk=p.pk)
    assert (p2.name, p2.lat, p2.lon, p2.area) == ("改名", p.lat, p.lon, p.area)


def test_import_page_reports_errors_and_imports(client, scene):
    client.force_login(scene.office)
    header = ["点位编码", "点位名称", "点位类型", "经度", "纬度"]
    bad = xlsx_bytes(header, [["PN", "x", "没有这个类型", LON0, LAT0]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("geo:point_import"), {"file": SimpleUploadedFile("p.xlsx", bad)})
    assert response.status_code == 400
    assert "未知点位类型“没有这个类型”" in response.content.decode()
    assert not Point.objects.filter(code="PN").exists()
    good = xlsx_bytes(header, [["PN", "x", "背街小巷", LON0 + 0.001, LAT0 + 0.001]])
    response = client.post(reverse("geo:point_import"), {"file": SimpleUploadedFile("p.xlsx", good)})
    assert response.status_code == 302
    assert Point.objects.get(code="PN").area == scene.d.grid_a1


def test_area_edit_moves_and_sets_boundary(client, scene):
    client.force_login(scene.office)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.geo.helpers import rect

    area = scene.d.community_a1
    geojson = SimpleUploadedFile("b.geojson", str(rect(LON0, LAT0, 0.02, 0.01)).replace("'", '"').encode())
    response = client.post(reverse("geo:area_edit", args=[area.pk]), {
        "name": "甲一社区", "parent": scene.d.street_b.pk, "boundary_file": geojson,
    })  # fmt: skip
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.parent == scene.d.street_b and area.path.startswith(scene.d.street_b.path)
    response = client.post(reverse("geo:area_edit", args=[area.pk]), {
        "name": "甲一社区", "parent": scene.d.street_b.pk,
        "boundary_file": SimpleUploadedFile("b.geojson", b'{"type": "Point", "coordinates": [1, 2]}'),
    })  # fmt: skip
    assert "边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。" in response.content.decode()


@pytest.mark.parametrize("path", ["/geo/points/map/", "/geo/areas/"])
def test_map_pages_load_the_map_script_and_settings(client, scene, path):
    client.force_login(scene.office)
    html = client.get(path).content.decode()
    assert "geo/map.js" in html and "vendor/leaflet/leaflet.js" in html and 'id="map-settings"' in html
