"""The point list API reads its page with `.values()`: the JSON is exactly what PointSerializer gives for the
same points (every field, None relations, labels, times, ordering, filters, scope), with a fixed number of
queries whatever the page size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_point
from tests.geo.helpers import LAT0, LON0
from wenming.geo.api.serializers import PointSerializer
from wenming.geo.models import Point

URL = "/api/v1/geo/points/"


def _expected(queryset) -> list[dict]:
    return [dict(row) for row in PointSerializer(queryset, many=True).data]


def test_the_list_is_what_the_serializer_gives(scene, client):
    s = scene
    bare = make_point(code="PC", name="丙巷", lat=LAT0 + 0.5, lon=LON0 + 0.5, note="无区域、无单位")
    s.point_b.guarantor_unit = s.unit_a
    s.point_b.status = "retired"
    s.point_b.save()
    client.force_login(s.office)
    body = client.get(URL, {"page_size": 100}).json()
    assert body["count"] == Point.objects.count() == 3
    assert body["results"] == _expected(Point.objects.order_by("code"))
    assert [r["code"] for r in body["results"]] == ["PA", "PB", "PC"]
    row = next(r for r in body["results"] if r["id"] == bare.pk)
    assert (row["area"], row["area_name"], row["responsible_unit_name"]) == (None, None, None)
    assert next(r for r in body["results"] if r["code"] == "PB")["status_label"] == "撤销"

    by_name = client.get(URL, {"ordering": "-name"}).json()["results"]
    assert by_name == _expected(Point.objects.order_by("-name"))
    filtered = client.get(URL, {"responsible_unit": s.unit_a.pk}).json()
    assert filtered["results"] == _expected(Point.objects.filter(responsible_unit=s.unit_a).order_by("code"))
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert second["results"] == _expected(Point.objects.order_by("code")[2:])


def test_the_list_keeps_the_scope(scene, client):
    client.force_login(scene.street_a)
    body = client.get(URL).json()
    assert [r["code"] for r in body["results"]] == ["PA"]  # street A sees only its own points


def test_a_fixed_number_of_queries_whatever_the_page_size(scene, client):
    for i in range(30):
        make_point(code=f"PX{i:03d}", responsible_unit=scene.unit_a, lat=LAT0 + 0.001 * i, lon=LON0 + 0.001)
    client.force_login(scene.office)
    client.get(URL)  # warm

    def queries(size):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(URL, {"page_size": size}).json()["results"]) == min(size, 32)
        return len(ctx.captured_queries)

    assert queries(2) == queries(32)
