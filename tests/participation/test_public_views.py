"""The public site: every page for anonymous visitors; no reporter name or phone anywhere in any public
response (scanned over every public endpoint); hidden categories and moderated content excluded; photos
only once triaged, redacted when the office says so; figures with their formula; list query bounds."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from tests.participation.helpers import LAT, LON, close_case_of, jpeg, submit
from wenming.participation import services
from wenming.participation.choices import Channel
from wenming.participation.models import Report

pytestmark = pytest.mark.django_db
SECRET_NAME, SECRET_PHONE, SECRET_EMAIL = "欧阳保密", "13700001234", "secret.reporter@example.org"
SECRETS = (SECRET_NAME, SECRET_PHONE, "137****1234".replace("****", ""), SECRET_EMAIL, "device-secret-77",
           "account-secret-88")  # fmt: skip


@pytest.fixture
def reports(world):
    """Reports in every state, each carrying the same private contact data."""
    private = {"reporter_name": SECRET_NAME, "reporter_phone": SECRET_PHONE, "reporter_email": SECRET_EMAIL,
               "device_id": "device-secret-77", "account_id": "account-secret-88"}  # fmt: skip
    text = f"垃圾堆了三天，我是{SECRET_NAME}，电话{SECRET_PHONE}"
    at = timezone.now() - datetime.timedelta(days=2)
    pending = submit(world, description=text, at=at, **private)
    accepted = services.accept_report(submit(world, description=text, at=at, **private), actor=world.office)
    merged = services.merge_report(submit(world, description=text, at=at, **private), actor=world.office,
                                   case=accepted.case)  # fmt: skip
    rejected = services.reject_report(submit(world, description=text, at=at, **private), actor=world.office,
                                      reason="不属于公共区域")  # fmt: skip
    spam = services.mark_spam(submit(world, description=text, at=at, **private), actor=world.office)
    fixed = services.accept_report(submit(world, description=text, at=at, **private), actor=world.office)
    close_case_of(world, fixed)
    hidden = submit(
        world, channel=Channel.DEMO, category=world.hidden_leaf, description="内部督办：某单位问题", at=at
    )
    hidden = services.accept_report(hidden, actor=world.office)
    return {"pending": pending, "accepted": accepted, "merged": merged, "rejected": rejected, "spam": spam,
            "fixed": fixed, "hidden": hidden}  # fmt: skip


def public_urls(world, reports) -> list[str]:
    urls = [
        "/public/", "/public/report/", "/public/reports/", "/public/reports.csv", "/public/reports.geojson",
        "/public/areas.geojson", "/public/map/", "/public/stats/", "/public/stats/?period=all", "/public/track/",
        "/public/points/", f"/public/report/similar/?lat={LAT}&lon={LON}&coord_system=WGS84",
        f"/public/report/similar/?lat={LAT}&lon={LON}&category={world.leaf.pk}",
        "/open311/discovery.xml", "/open311/v2/services.json", "/open311/v2/services/ENV-01.xml",
    ]  # fmt: skip
    for fmt in ("json", "xml"):
        urls += [f"/open311/v2/requests.{fmt}", f"/open311/v2/requests.{fmt}?extensions=true"]
    for report in reports.values():
        urls += [
            f"/public/r/{report.code}/",
            f"/public/r/{report.code}/?new=1",
            f"/public/reports/{report.pk}/",
        ]
        for fmt in ("json", "xml"):
            urls += [
                f"/open311/v2/requests/{report.pk}.{fmt}?extensions=true",
                f"/open311/v2/tokens/{report.public_id}.{fmt}",
            ]
        urls += [f"/public/photos/{p.pk}/" for p in report.photos.all()]
    return urls


def test_no_reporter_data_in_any_public_response(client, world, reports):
    bodies = {}
    for url in public_urls(world, reports):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        bodies[url] = b"".join(response.streaming_content) if response.streaming else response.content
    # the Open311 POST answer and the points page after a lookup are public responses too
    _c, key = services.issue_client(actor=world.office, name="扫描")
    bodies["POST open311"] = client.post(f"/open311/v2/requests.json?api_key={key}", {
        "service_code": "ENV-01", "lat": LAT, "long": LON, "description": "测试垃圾堆放", "first_name": SECRET_NAME,
        "phone": SECRET_PHONE, "email": SECRET_EMAIL, "device_id": "device-secret-77",
        "account_id": "account-secret-88x"}).content  # fmt: skip
    assert b"service_request_id" in bodies["POST open311"]
    bodies["POST points"] = client.post(
        "/public/points/", {"phone": SECRET_PHONE, "code": reports["accepted"].code}
    ).content
    assert len(bodies) > 60
    leaks = [(url, s) for url, body in bodies.items() for s in SECRETS if s.encode() in body]
    assert leaks == [], leaks
    assert b"137****1234" in bodies[f"/public/reports/{reports['accepted'].pk}/"]  # masked, still readable


def test_public_lists_exclude_pending_rejected_spam_and_hidden_categories(client, world, reports):
    shown = {
        c["properties"]["id"] for c in json.loads(client.get("/public/reports.geojson").content)["features"]
    }
    assert shown == {str(reports[k].pk) for k in ("accepted", "merged", "fixed")}
    html = client.get("/public/reports/").content.decode()
    assert len(re.findall(r'href="/public/reports/(\d+)/"', html)) == 3
    csv_rows = client.get("/public/reports.csv").content.decode("utf-8-sig").strip().splitlines()
    assert len(csv_rows) == 4
    for key in ("pending", "rejected", "spam", "hidden"):
        assert client.get(f"/public/reports/{reports[key].pk}/").status_code == 404
    assert "内部督办" not in client.get("/open311/v2/requests.json").content.decode()


def test_public_filters(client, world, reports):
    def ids(query):
        data = json.loads(client.get(f"/public/reports.geojson?{query}").content)
        return sorted(int(f["properties"]["id"]) for f in data["features"])

    assert ids("status=fixed") == [reports["fixed"].pk]
    assert ids("status=not_accepted") == []  # rejected reports are never public
    assert ids("status=in_progress") == sorted([reports["accepted"].pk, reports["merged"].pk])
    assert ids("open=true") == sorted([reports["accepted"].pk, reports["merged"].pk])
    assert ids(f"street={world.other_street.pk}") == []


def test_the_tracking_page_shows_status_unit_timeline_and_follow_up_when_fixed(client, world, reports):
    html = client.get(f"/public/r/{reports['fixed'].code}/").content.decode()
    for text in ("已解决", "区城市管理局", "提交上报", "受理立案", "已交由责任单位处理", "责任单位反馈已整改",
                 "核查通过，问题已解决", "确认已解决", "提交评价", "提出异议", "整改后照片"):  # fmt: skip
        assert text in html, text
    html = client.get(f"/public/r/{reports['rejected'].code}/").content.decode()
    assert "未受理：不属于公共区域" in html and "确认已解决" not in html
    assert client.get("/public/r/NOSUCHCODE/").status_code == 404


def test_tracking_code_lookup_accepts_what_people_type(client, world, reports):
    code = reports["accepted"].code
    typed = f" {code[:5].lower()}-{code[5:].lower()} "
    response = client.get("/public/track/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/public/r/{code}/"
    assert "查询码不存在" in client.get("/public/track/", {"code": "ZZZZZZZZZZ"}).content.decode()


def test_follow_up_forms_on_the_tracking_page(client, world, reports):
    from wenming.cases.models import Case

    code = reports["fixed"].code
    assert client.post(f"/public/r/{code}/rate/", {"satisfaction": "satisfied"}).status_code == 302
    assert Case.objects.get(pk=reports["fixed"].case_id).satisfaction == "satisfied"
    response = client.post(f"/public/r/{code}/rate/", {"satisfaction": "dissatisfied"})
    assert response.status_code == 400 and "您已评价过本次处理结果。" in response.content.decode()
    assert client.post(f"/public/r/{code}/confirm/").status_code == 302
    response = client.post(f"/public/r/{reports['accepted'].code}/dispute/", {"reason": "还是没有修好"})
    assert response.status_code == 400
    assert "问题尚未处理完毕" in response.content.decode()


def test_photos_are_public_only_once_triaged_and_as_redacted(client, world, reports):
    pending_photo = reports["pending"].photos.get()
    assert client.get(f"/public/photos/{pending_photo.pk}/").status_code == 404
    photo = reports["accepted"].photos.get()
    original = client.get(f"/public/photos/{photo.pk}/")
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    services.redact_photo(photo, actor=world.office, boxes=[[0, 0, 1, 1]])
    redacted = b"".join(client.get(f"/public/photos/{photo.pk}/").streaming_content)
    photo.refresh_from_db()
    with photo.redacted.open("rb") as handle:
        assert redacted == handle.read()
    services.redact_photo(photo, actor=world.office, hidden=True)
    assert client.get(f"/public/photos/{photo.pk}/").status_code == 404


def test_similar_reports_nearby_and_me_too(client, world, reports):
    html = client.get(
        f"/public/report/similar/?lat={LAT}&lon={LON}&category={world.leaf.pk}"
    ).content.decode()
    assert (
        html.count("/support/") == 2
    )  # the two open accepted/merged ones; not pending (invisible), not fixed
    far = client.get("/public/report/similar/?lat=24.511&lon=118.17").content.decode()
    assert far.strip() == ""
    response = client.post(f"/public/reports/{reports['accepted'].pk}/support/", {"phone": ""})
    assert response.status_code == 302
    assert Report.objects.get(pk=reports["accepted"].pk).supports == 1


def test_stats_show_figures_and_formulas(client, world, reports):
    html = client.get("/public/stats/?period=30").content.decode()
    assert "已解决数 ÷ 受理数" in html and "平均解决用时" in html
    from wenming.participation.public import street_figures

    streets, total = street_figures(Report.objects.open311_visible(), days=30)
    assert (total.received, total.accepted, total.fixed) == (5, 3, 1)
    assert total.fix_rate_pct == 33.3
    assert [s.name for s in streets] == ["湖里街道"]


def test_points_lookup_needs_the_matching_phone_and_code(client, world, reports):
    response = client.post("/public/points/", {"phone": SECRET_PHONE, "code": reports["accepted"].code})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="points-total">(\d+)<', html).group(1) == "25"  # 10 + 5 (merged) + 10 (fixed one)
    response = client.post("/public/points/", {"phone": "13800000000", "code": reports["accepted"].code})
    assert response.status_code == 400 and "手机号与查询码不匹配。" in response.content.decode()


def test_the_report_form_refuses_bad_input_and_keeps_what_was_typed(client, world):
    response = client.post(
        "/public/report/", {"description": "垃圾很多很多", "consent": "on", "photos": [jpeg()]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请提供问题位置" in html and "垃圾很多很多" in html
    assert Report.objects.count() == 0


def test_public_list_and_geojson_query_counts_are_bounded(
    client, world, reports, django_assert_max_num_queries
):
    for _ in range(5):
        services.accept_report(submit(world), actor=world.office)
    with django_assert_max_num_queries(12):
        assert client.get("/public/reports/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/public/reports.geojson").status_code == 200
