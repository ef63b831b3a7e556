"""End to end: a citizen's report through the public form and through Open311 becomes a case, is fixed and
verified through the cases services; the tracking page and Open311 `GET requests/{id}` show it closed; a
dispute from the tracking page reopens it."""

import json
import re

import pytest

from tests.participation.helpers import LAT, LON, NAME, PHONE, close_case_of, jpeg
from wenming.cases.choices import CaseSource, CaseState
from wenming.participation import services
from wenming.participation.models import Report

pytestmark = pytest.mark.django_db


def open311_status(client, report_id) -> dict:
    return json.loads(client.get(f"/open311/v2/requests/{report_id}.json").content)[0]


def test_public_form_to_closed_case_and_dispute(client, world):
    page = client.get("/public/report/")
    assert page.status_code == 200
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    response = client.post("/public/report/", {
        "photos": [jpeg("a.jpg"), jpeg("b.jpg", color=(30, 30, 200))], "category": str(world.leaf.pk),
        "description": "绿化带里堆了好几袋生活垃圾", "lat": str(LAT), "lon": str(LON), "coord_system": "WGS84",
        "position_source": "device", "reporter_name": NAME, "reporter_phone": PHONE, "consent": "on",
        "idempotency_key": key,
    })  # fmt: skip
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/public/r/{report.code}/?new=1"
    tracking = client.get(response["Location"]).content.decode()
    assert report.display_code in tracking and "已收到，等待审核" in tracking
    assert report.photos.count() == 2

    report = services.accept_report(report, actor=world.office)
    assert (report.case.source, report.case.state) == (CaseSource.CITIZEN, CaseState.DISPATCHED)
    assert "区城市管理局" in client.get(report.get_tracking_url()).content.decode()
    assert open311_status(client, report.pk)["status"] == "open"

    case = close_case_of(world, report)
    assert case.state == CaseState.CLOSED
    tracking = client.get(report.get_tracking_url()).content.decode()
    assert "已解决" in tracking and "核查通过，问题已解决" in tracking
    after = case.photos.get(stage="after")
    assert f"/public/fix-photos/{after.pk}/" in tracking
    assert client.get(f"/public/fix-photos/{after.pk}/")["Content-Type"] == "image/jpeg"
    item = open311_status(client, report.pk)
    assert (item["status"], item["status_notes"]) == ("closed", "已解决")

    response = client.post(f"/public/r/{report.code}/dispute/", {"reason": "垃圾又堆回来了"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.rebounds) == (CaseState.DISPATCHED, 1)
    assert "问题重新打开，责任单位重新整改" in client.get(report.get_tracking_url()).content.decode()
    assert open311_status(client, report.pk)["status"] == "open"


def test_open311_to_closed_case(client, world):
    _c, key = services.issue_client(actor=world.office, name="12345 对接")
    response = client.post(f"/open311/v2/requests.json?api_key={key}", {
        "service_code": "ENV-01", "lat": str(LAT), "long": str(LON), "description": "公交站旁边垃圾成堆",
        "first_name": "秀梅", "phone": PHONE, "media": jpeg(),
    })  # fmt: skip
    request_id = json.loads(response.content)[0]["service_request_id"]
    report = Report.objects.get(pk=int(request_id))
    report = services.accept_report(report, actor=world.office)
    close_case_of(world, report)
    item = open311_status(client, request_id)
    assert (item["status"], item["agency_responsible"]) == ("closed", "区城市管理局")
    tracking = client.get(report.get_tracking_url()).content.decode()
    assert "已解决" in tracking
