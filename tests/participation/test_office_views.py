"""Office pages: permission matrices (anonymous, wrong role, right role out of scope, in scope), the triage
actions through the pages, moderation, contact data only for the office, export, classifier page, Open311
clients, and query-count bounds on the lists."""

import io

import pytest
from openpyxl import load_workbook

from tests.participation.helpers import NAME, PHONE, submit
from tests.permissions import assert_matrix
from wenming.cases.models import Case
from wenming.participation import services
from wenming.participation.choices import ReportState
from wenming.participation.models import ClassifierModel, Open311Client, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world):
    return submit(world, reporter_name=NAME, reporter_phone=PHONE)


def test_triage_queue_matrix(client, world, report):
    assert_matrix(client, "/participation/", {
        "anonymous": 302, world.handler: 403, world.street_user: 403, world.leader: 403, world.office: 200,
    })  # fmt: skip


def test_report_list_matrix_and_scope(client, world, report):
    assert_matrix(client, "/participation/reports/", {
        "anonymous": 302, world.handler: 403, world.other_street_user: 200, world.street_user: 200, world.office: 200,
    })  # fmt: skip
    client.force_login(world.other_street_user)
    assert f"#{report.pk}" not in client.get("/participation/reports/").content.decode()
    client.force_login(world.street_user)
    assert f"#{report.pk}" in client.get("/participation/reports/").content.decode()


def test_report_detail_matrix(client, world, report):
    assert_matrix(client, f"/participation/reports/{report.pk}/", {
        "anonymous": 302, world.handler: 404, world.other_street_user: 404, world.street_user: 200, world.leader: 200,
        world.office: 200,
    })  # fmt: skip


def test_contact_data_is_shown_to_the_office_only(client, world, report):
    for user, visible in ((world.office, True), (world.leader, False), (world.street_user, False)):
        client.force_login(user)
        for url in (f"/participation/reports/{report.pk}/", "/participation/reports/"):
            html = client.get(url).content.decode()
            assert (PHONE in html, NAME in html) == (visible, visible), (user, url)


@pytest.mark.parametrize("action", ["accept", "reject", "merge", "spam", "moderate"])
def test_triage_actions_matrix_and_nothing_changes_when_refused(client, world, report, action):
    url = f"/participation/reports/{report.pk}/{action}/"
    before = Report.objects.filter(pk=report.pk).values().get()
    assert_matrix(client, url, {"anonymous": 302, world.street_user: 403, world.leader: 403}, method="post",
                  data={"reason": "x"})  # fmt: skip
    assert Report.objects.filter(pk=report.pk).values().get() == before


def test_accept_through_the_page_and_open_the_next_pending(client, world, report):
    following = submit(world)
    client.force_login(world.office)
    response = client.post(f"/participation/reports/{report.pk}/accept/", {
        "category": world.leaf.pk, "dispatch": "on", "next_pending": "1"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/participation/reports/{following.pk}/"
    report.refresh_from_db()
    assert (
        report.state == ReportState.ACCEPTED
        and report.case.code in client.get(f"/participation/reports/{report.pk}/").content.decode()
    )


def test_a_refused_action_shows_the_services_message_on_the_page(client, world, report):
    client.force_login(world.office)
    response = client.post(f"/participation/reports/{report.pk}/merge/", {"case": "HL-2099-000001"})
    assert response.status_code == 400
    assert "案件不存在：HL-2099-000001" in response.content.decode()
    response = client.post(f"/participation/reports/{report.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING


def test_merge_and_reject_and_spam_through_the_pages(client, world, report):
    first = services.accept_report(submit(world), actor=world.office)
    client.force_login(world.office)
    assert (
        client.post(f"/participation/reports/{report.pk}/merge/", {"case": first.case.code}).status_code
        == 302
    )
    assert Report.objects.get(pk=report.pk).case_id == first.case_id
    other = submit(world)
    assert (
        client.post(f"/participation/reports/{other.pk}/reject/", {"reason": "重复上报"}).status_code == 302
    )
    third = submit(world)
    assert client.post(f"/participation/reports/{third.pk}/spam/", {"note": "广告"}).status_code == 302
    assert list(Report.objects.order_by("pk").values_list("state", flat=True)) == [
        ReportState.MERGED,
        ReportState.ACCEPTED,
        ReportState.REJECTED,
        ReportState.SPAM,
    ]
    assert Case.objects.count() == 1


def test_moderation_and_redaction_through_the_pages(client, world, report):
    client.force_login(world.office)
    photo = report.photos.get()
    assert client.post(f"/participation/reports/{report.pk}/moderate/", {
        "public_description": "门口堆放垃圾", "description_hidden": ""}).status_code == 302  # fmt: skip
    assert (
        client.post(f"/participation/photos/{photo.pk}/redact/", {"boxes": "0.1,0.1,0.5,0.5"}).status_code
        == 302
    )
    report.refresh_from_db()
    photo.refresh_from_db()
    assert (report.public_description, photo.redactions) == ("门口堆放垃圾", [[0.1, 0.1, 0.5, 0.5]])
    assert client.get(f"/participation/photos/{photo.pk}/?v=redacted")["Content-Type"] == "image/jpeg"


def test_office_photo_view_is_scoped(client, world, report):
    photo = report.photos.get()
    assert_matrix(client, f"/participation/photos/{photo.pk}/", {
        "anonymous": 302, world.handler: 404, world.other_street_user: 404, world.street_user: 200, world.office: 200,
    })  # fmt: skip


def test_export_has_contact_columns_only_for_the_office(client, world, report):
    client.force_login(world.office)
    sheet = load_workbook(io.BytesIO(client.get("/participation/reports/export/").content)).active
    rows = list(sheet.values)
    assert rows[0][-3:] == ("上报人", "手机号", "邮箱") and rows[1][-3:-1] == (NAME, PHONE)
    client.force_login(world.leader)
    rows = list(load_workbook(io.BytesIO(client.get("/participation/reports/export/").content)).active.values)
    assert "手机号" not in rows[0] and len(rows) == 2 and PHONE not in [str(v) for v in rows[1]]


def test_classifier_page_trains_and_reports_accuracy(client, world, django_capture_on_commit_callbacks):
    assert_matrix(
        client, "/participation/classifier/", {"anonymous": 302, world.leader: 403, world.office: 200}
    )
    client.force_login(world.office)
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the job is enqueued after commit (immediate in tests)
        assert client.post("/participation/classifier/").status_code == 302
    model = ClassifierModel.objects.get()
    assert model.trained_by == world.office and model.n_classes == 3
    html = client.get("/participation/classifier/").content.decode()
    assert "留出准确率" in html and 'id="current-accuracy"' in html


def test_open311_clients_page_issues_a_key_once_and_revokes(client, world):
    assert_matrix(
        client, "/participation/open311-clients/", {"anonymous": 302, world.leader: 403, world.office: 200}
    )
    client.force_login(world.office)
    response = client.post(
        "/participation/open311-clients/", {"name": "城市App", "contact": "张工", "hourly_limit": 100}
    )
    html = response.content.decode()
    key = html.split('id="new-key">')[1].split("<")[0]
    c = Open311Client.objects.get()
    assert key.startswith("wm311_") and services.authenticate_client(key) == c
    assert response["Cache-Control"] == "no-store"
    assert key not in client.get("/participation/open311-clients/").content.decode()
    assert_matrix(
        client, f"/participation/open311-clients/{c.pk}/revoke/", {world.leader: 403}, method="post"
    )
    client.force_login(world.office)
    assert client.post(f"/participation/open311-clients/{c.pk}/revoke/").status_code == 302
    assert services.authenticate_client(key) is None


def test_list_query_counts_are_bounded(client, world, django_assert_max_num_queries):
    for _ in range(8):
        submit(world, reporter_phone=PHONE)
    client.force_login(world.office)
    with django_assert_max_num_queries(16):
        assert client.get("/participation/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/participation/reports/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/participation/reports/", headers={"HX-Request": "true"}).status_code == 200


def test_the_triage_page_shows_suggestions_and_duplicate_candidates(client, world):
    from wenming.participation import classifier

    classifier.train()
    first = services.accept_report(submit(world, description="路边垃圾堆了好几袋"), actor=world.office)
    report = submit(world, category=None, description="路边垃圾好几袋没人收")
    client.force_login(world.office)
    html = client.get(f"/participation/reports/{report.pk}/").content.decode()
    assert "建议类别" in html and "置信度" in html
    assert first.case.code in html  # a duplicate candidate
