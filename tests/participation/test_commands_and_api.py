"""`wenming open311_key NAME` prints a new key as its last line; the participation API is scoped and its
triage actions call the same services."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.participation.helpers import NAME, PHONE, submit
from tests.permissions import assert_api_matrix
from wenming.participation import services
from wenming.participation.choices import ReportState
from wenming.participation.models import Open311Client, Report

pytestmark = pytest.mark.django_db


def test_open311_key_prints_the_key_as_the_last_line(db):
    out = io.StringIO()
    call_command("open311_key", "市民通App", "--contact", "李工", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = Open311Client.objects.get()
    assert key.startswith("wm311_") and services.authenticate_client(key) == client
    assert (client.name, client.contact, client.key_prefix) == ("市民通App", "李工", key[6:14])
    with pytest.raises(CommandError, match="客户端“市民通App”已存在。"):
        call_command("open311_key", "市民通App", stdout=io.StringIO())
    call_command("open311_key", "市民通App", "--revoke", stdout=io.StringIO())
    assert services.authenticate_client(key) is None


def test_api_list_matrix_and_contact_fields(client, world):
    report = submit(world, reporter_name=NAME, reporter_phone=PHONE)
    url = "/api/v1/participation/reports/"
    assert_api_matrix(
        client, url, {"anonymous": 401, world.handler: 200, world.street_user: 200, world.office: 200}
    )
    for user, count, phone in ((world.handler, 0, None), (world.other_street_user, 0, None),
                               (world.street_user, 1, None), (world.office, 1, PHONE)):  # fmt: skip
        client.force_login(user)
        data = client.get(url).json()
        assert data["count"] == count, user
        if count:
            assert (data["results"][0]["id"], data["results"][0]["reporter_phone"]) == (report.pk, phone)
    assert_api_matrix(client, f"{url}{report.pk}/", {"anonymous": 401, world.handler: 404,
                                                     world.other_street_user: 404, world.street_user: 200})  # fmt: skip


def test_api_triage_actions(client, world):
    report = submit(world)
    url = f"/api/v1/participation/reports/{report.pk}/accept/"
    assert_api_matrix(client, url, {"anonymous": 401, world.street_user: 403, world.leader: 403}, method="post",
                      data={})  # fmt: skip
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING
    client.force_login(world.office)
    data = client.post(url, {"category": world.leaf.pk}, content_type="application/json").json()
    assert (data["state"], data["case_code"]) == ("accepted", Report.objects.get(pk=report.pk).case.code)
    other = submit(world)
    response = client.post(f"/api/v1/participation/reports/{other.pk}/reject/", {"reason": ""},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    case_id = Report.objects.get(pk=report.pk).case_id
    response = client.post(f"/api/v1/participation/reports/{other.pk}/merge/", {"case": case_id},
                           content_type="application/json")  # fmt: skip
    assert (response.status_code, response.json()["state"]) == (200, "merged")
    third = submit(world)
    assert (
        client.post(
            f"/api/v1/participation/reports/{third.pk}/spam/", {}, content_type="application/json"
        ).json()["state"]
        == "spam"
    )
