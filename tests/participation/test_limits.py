"""Limits before work: the public report POST and the Open311 POST charge the per-IP limit before any photo is
decoded; anonymous reads (public list, CSV, GeoJSON, Open311 GET) are throttled and paginated with hard caps;
Open311 `status=` is filtered in SQL with the same rule as the public status; an idempotency key never hands
out another citizen's tracking page."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.participation.helpers import LAT, LON, PHONE, close_case_of, jpeg, submit
from wenming.participation import public, services
from wenming.participation.models import Report
from wenming.participation.open311 import views as open311_views

pytestmark = pytest.mark.django_db


def not_a_photo():
    return SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")


def form(world, **extra):
    data = {"category": str(world.leaf.pk), "description": "绿化带里堆了好几袋生活垃圾", "lat": str(LAT),
            "lon": str(LON), "coord_system": "WGS84", "position_source": "device", "consent": "on"}  # fmt: skip
    data.update(extra)
    return data


# --- limits before work ---------------------------------------------------------------------------------------


def test_the_public_post_is_refused_by_the_ip_limit_before_its_photos_are_decoded(client, world, settings):
    settings.PARTICIPATION_LIMIT_PER_IP_HOUR = 1
    assert (
        client.post("/public/report/", form(world, photos=[jpeg()], idempotency_key="k1")).status_code == 302
    )
    # the second POST carries a file that is not a photo: had it been decoded, the answer would be a 400
    response = client.post("/public/report/", form(world, photos=[not_a_photo()], idempotency_key="k2"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Report.objects.count() == 1


def test_the_open311_post_is_refused_by_the_ip_limit_before_its_photos_are_decoded(client, world):
    api_client, key = services.issue_client(actor=world.office, name="限流测试")
    api_client.hourly_limit = 1
    api_client.save(update_fields=["hourly_limit"])
    body = {"service_code": "ENV-01", "lat": LAT, "long": LON, "description": "路边垃圾堆放"}
    assert (
        client.post(f"/open311/v2/requests.json?api_key={key}", {**body, "media": jpeg()}).status_code == 200
    )
    response = client.post(f"/open311/v2/requests.json?api_key={key}", {**body, "media": not_a_photo()})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Report.objects.count() == 1


def test_a_refused_photo_still_costs_its_ip_hit(world, settings):
    from django.core.exceptions import ValidationError

    settings.PARTICIPATION_LIMIT_PER_IP_HOUR = 1
    with pytest.raises(ValidationError):
        submit(world, photos=[not_a_photo()], ip="10.9.9.9")
    from wenming.participation.ratelimit import RateLimited

    with pytest.raises(RateLimited):
        submit(world, ip="10.9.9.9")


# --- idempotency keys -------------------------------------------------------------------------------------------


def test_a_replayed_submission_gets_its_own_report_back(client, world):
    first = client.post("/public/report/", form(world, reporter_phone=PHONE, idempotency_key="same-key"))
    again = client.post("/public/report/", form(world, reporter_phone=PHONE, idempotency_key="same-key"))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] and Report.objects.count() == 1


def test_another_submission_reusing_a_key_never_reaches_the_first_citizens_tracking_page(client, world):
    victim = client.post("/public/report/", form(world, reporter_phone=PHONE, idempotency_key="stolen-key"))
    code = Report.objects.get().code
    assert code in victim["Location"]
    response = client.post(
        "/public/report/", form(world, description="别人的描述，换了内容", idempotency_key="stolen-key")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "该提交标识已被另一条上报使用" in html and code not in html
    assert 'value="stolen-key"' not in html  # the form comes back with a fresh key
    assert Report.objects.count() == 1


# --- anonymous reads: throttled, capped ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/open311/v2/requests.json", "/open311/v2/requests/1.xml", "/public/reports/", "/public/reports.csv",
            "/public/reports.geojson"],
)  # fmt: skip
def test_anonymous_reads_are_throttled_per_ip(client, world, settings, url):
    settings.PARTICIPATION_READ_LIMIT_PER_IP_HOUR = 2
    assert [client.get(url).status_code in (200, 404) for _ in range(2)] == [True, True]
    response = client.get(url)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    other = client.get(url, REMOTE_ADDR="10.1.2.3")  # another address has its own allowance
    assert other.status_code in (200, 404)


def accepted(world, n: int, **kw) -> list[Report]:
    now = timezone.now()
    return [
        services.accept_report(
            submit(world, at=now - datetime.timedelta(hours=i + 1), **kw), actor=world.office
        )
        for i in range(n)
    ]


def test_open311_get_pages_are_capped_and_deep_paging_is_refused(client, world, monkeypatch):
    reports = accepted(world, 3)
    monkeypatch.setattr(open311_views, "MAX_PAGE_SIZE", 2)
    monkeypatch.setattr(open311_views, "MAX_PAGE_SIZE_EXTENDED", 1)
    monkeypatch.setattr(open311_views, "DEFAULT_PAGE_SIZE", 2)

    def ids(query):
        return [
            i["service_request_id"]
            for i in json.loads(client.get(f"/open311/v2/requests.json?{query}").content)
        ]

    assert ids("page_size=1000") == [str(r.pk) for r in reports[:2]]
    assert ids("page_size=1000&extensions=true") == [str(reports[0].pk)]
    assert ids("") == [str(r.pk) for r in reports[:2]]
    assert ids("page=2") == [str(reports[2].pk)]
    ids_param = ",".join(str(r.pk) for r in reports)
    assert len(ids(f"service_request_id={ids_param}")) == 2
    response = client.get("/open311/v2/requests.json?page=10000&page_size=2")
    assert response.status_code == 400 and "分页过深" in response.content.decode()


def test_the_public_csv_is_paged_with_a_next_page_header(client, world, monkeypatch):
    from wenming.participation import views_public

    accepted(world, 3)
    monkeypatch.setattr(views_public, "EXPORT_PAGE_ROWS", 2)
    first = client.get("/public/reports.csv")
    assert first["X-Next-Page"] == "2"
    assert len(first.content.decode("utf-8-sig").strip().splitlines()) == 3  # header + 2
    second = client.get("/public/reports.csv?page=2")
    assert "X-Next-Page" not in second
    assert len(second.content.decode("utf-8-sig").strip().splitlines()) == 2


def test_the_public_list_caps_huge_page_numbers(client, world):
    accepted(world, 1)
    assert client.get("/public/reports/?page=9007199254740993").status_code == 200
    assert client.get("/public/reports/?page=-1").status_code == 200
    assert client.get("/public/reports/?page=²").status_code == 200
    assert client.get("/public/reports.csv?page=²").status_code == 200
    response = client.get("/open311/v2/requests.json?page_size=²")
    assert response.status_code == 400 and "page_size 应为正整数。" in response.content.decode()
    assert client.get("/open311/v2/requests/².json").status_code == 404


# --- status in SQL ------------------------------------------------------------------------------------------


def test_open311_status_in_sql_agrees_with_the_public_status(world):
    from wenming.cases import services as cases

    open_one, closed_one, survivor, merged_away = accepted(world, 4)
    close_case_of(world, closed_one)
    # a case merged into a survivor that is then closed: the merged report is closed too
    cases.merge_cases(actor=world.office, duplicate=merged_away.case, survivor=survivor.case)
    close_case_of(world, survivor)
    reports = Report.objects.public()
    in_sql = {
        "open": set(reports.open311_status({"open"}).values_list("pk", flat=True)),
        "closed": set(reports.open311_status({"closed"}).values_list("pk", flat=True)),
    }
    in_python = {"open": set(), "closed": set()}
    for report in reports:
        status = public.status_of(report)
        in_python["closed" if public.is_open311_closed(status) else "open"].add(report.pk)
    assert in_sql == in_python
    assert in_sql["closed"] == {closed_one.pk, survivor.pk, merged_away.pk}
    assert in_sql["open"] == {open_one.pk}
    assert reports.open311_status({"open", "closed"}).count() == 4


def test_open311_status_filter_costs_the_same_queries_whatever_the_window_holds(
    client, world, django_assert_max_num_queries
):
    accepted(world, 3)
    with django_assert_max_num_queries(40) as few:
        client.get("/open311/v2/requests.json?status=open&page_size=1")
    accepted(world, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/open311/v2/requests.json?status=open&page_size=1")


def test_anonymous_public_csv_and_geojson_downloads_are_audited_with_the_address(client, world):
    from wenming.accounts.choices import AuditAction
    from wenming.accounts.models import AuditEvent

    accepted(world, 2)
    assert client.get("/public/reports.csv?page=1", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get("/public/reports.geojson", REMOTE_ADDR="203.0.113.8").status_code == 200
    csv, geojson = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert (csv.actor, csv.actor_name, csv.ip_address) == (None, "", "203.0.113.7")
    assert csv.target == "participation.Report:public-csv"
    assert csv.detail == {"rows": 2, "page": 1, "query": "page=1"}
    assert (geojson.actor, geojson.ip_address, geojson.target) == (
        None,
        "203.0.113.8",
        "participation.Report:public-geojson",
    )
    assert geojson.detail["features"] == 2
    assert AuditEvent.objects.count() == 2  # one row each, not one more from the middleware
