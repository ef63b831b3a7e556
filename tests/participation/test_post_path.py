"""The citizen POST path near its floor: place cells for the duplicate search (cells.py, worked example), the
search by place and time through the index, and a fixed number of queries per Open311 POST whatever the
number of existing reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.participation.helpers import LAT, LON, submit
from wenming.participation import services
from wenming.participation.cells import ROW_FACTOR, cell, cells_near
from wenming.participation.choices import Channel, ReportState
from wenming.participation.duplicates import duplicate_candidates
from wenming.participation.models import Report

pytestmark = pytest.mark.django_db
NORTH_100M = 100 / 111_195  # degrees of latitude in 100 m


def test_cell_worked_example():
    # the example written in participation/cells.py
    assert cell(24.5162, 118.1413) == 22903 * 1_048_576 + 59628 == 24_015_595_756
    assert [divmod(c, ROW_FACTOR) for c in cells_near(24.5162, 118.1413, 300)] == [
        (22902, 59627), (22902, 59628), (22903, 59627), (22903, 59628),
    ]  # fmt: skip
    assert cell(None, 118.1) is None
    assert cells_near(24.5, 118.1, 50_000) is None  # too many cells: the bounding box alone


def test_a_report_keeps_its_cell_when_its_position_changes(world):
    report = submit(world)
    assert report.geo_cell == cell(LAT, LON)
    report.lat = LAT + 10 * NORTH_100M
    report.save(update_fields=["lat"])
    assert Report.objects.get(pk=report.pk).geo_cell == cell(LAT + 10 * NORTH_100M, LON)


def test_the_search_crosses_cell_edges_and_keeps_the_radius_and_window(world):
    # a position 50 m south of a cell's northern edge: a neighbour 150 m north lies in the next cell row
    edge = (cell(LAT, LON) // ROW_FACTOR + 1) * 0.005 - 90
    here = edge - 0.5 * NORTH_100M
    across = submit(world, lat=here + 1.5 * NORTH_100M, description="路边垃圾堆了好几袋没人收")
    too_far = submit(world, lat=here + 3.5 * NORTH_100M, description="路边垃圾堆了好几袋没人收")
    old = submit(world, lat=here, description="路边垃圾堆了好几袋没人收")
    Report.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=31))
    assert across.geo_cell != cell(here, LON)
    report = submit(world, lat=here, description="路边垃圾堆了好几袋没人收")
    found = [c.obj.pk for c in duplicate_candidates(report) if c.kind == "report"]
    assert found == [across.pk]
    assert too_far.pk not in found and old.pk not in found


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_report_search_uses_the_cell_index(world):
    from wenming.participation.duplicates import duplicate_radius_m, near_reports_q

    qs = Report.objects.pending().filter(submitted_at__gte=timezone.now() - datetime.timedelta(days=30))
    qs = qs.filter(near_reports_q(LAT, LON, duplicate_radius_m())).order_by()  # as duplicate_candidates
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "report_state_cell_submitted" in plan, plan


def _post(client, key, lat, text="人行道上垃圾堆放多日"):
    return client.post(
        f"/open311/v2/requests.json?api_key={key}",
        {"service_code": "ENV-01", "lat": str(lat), "long": str(LON), "description": text},
    )


# API key, IP limit (read, bump), locate (area-index token), routing-cache token, classifier model id, the
# report, its history row, its event, the duplicate search (cases, reports), the response's report (re-read),
# plus the savepoints of the transactions under the test's outer one.
def test_an_open311_post_takes_a_fixed_number_of_queries(world, client):
    _client, key = services.issue_client(actor=world.office, name="城市服务App", hourly_limit=10_000)
    assert _post(client, key, LAT).status_code == 200  # warm: classifier, area index, routing cache

    def count(lat) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _post(client, key, lat).status_code == 200
        return len(ctx.captured_queries)

    few = count(LAT + NORTH_100M)
    now = timezone.now()
    Report.objects.bulk_create(
        Report(channel=Channel.WEB, state=ReportState.PENDING, description="井盖缺失", lat=LAT + i * 1e-5,
               lon=LON, submitted_at=now - datetime.timedelta(hours=i), geo_cell=cell(LAT + i * 1e-5, LON))
        for i in range(300)
    )  # fmt: skip
    many = count(LAT + 2 * NORTH_100M)
    assert few == many
    assert few <= 30
