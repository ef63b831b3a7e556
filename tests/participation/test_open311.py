"""Open311 GeoReport v2: every resource in XML and JSON, validated against the standard's field lists;
form-encoded POST with api_key/jurisdiction_id in the query string and empty optional parameters; errors
with the standard's body and status (400/403/404); tokens; filters, defaults and paging of GET requests."""

import datetime
import json
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from tests.participation.helpers import LAT, LON, NAME, PHONE, close_case_of, jpeg, submit
from wenming.participation import services
from wenming.participation.choices import Channel, ReportState
from wenming.participation.models import Report

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"}  # fmt: skip
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
    "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip
DISCOVERY_FIELDS = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}
ISO_WITH_OFFSET = "%Y-%m-%dT%H:%M:%S%z"


@pytest.fixture
def key(world):
    _client, api_key = services.issue_client(actor=world.office, name="城市服务App")
    return api_key


def post(client, key, fmt="json", query="", **data):
    body = {
        "service_code": "ENV-01",
        "lat": str(LAT),
        "long": str(LON),
        "description": "人行道上垃圾堆放多日",
    }
    body.update(data)
    body = {k: v for k, v in body.items() if v is not None}
    url = f"/open311/v2/requests.{fmt}?api_key={key}{query}" if key else f"/open311/v2/requests.{fmt}{query}"
    return client.post(url, body)


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)


def jsn(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def assert_iso(value):
    parsed = datetime.datetime.strptime(value, ISO_WITH_OFFSET)
    assert parsed.utcoffset() == datetime.timedelta(hours=8)


# --- discovery and services ---------------------------------------------------------------------------------


def test_discovery_in_both_formats(client, world):
    data = jsn(client.get("/open311/discovery.json"))
    assert set(data) == DISCOVERY_FIELDS
    (endpoint,) = data["endpoints"]
    assert set(endpoint) == ENDPOINT_FIELDS
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_list_public_categories_as_services(client, world):
    data = jsn(client.get("/open311/v2/services.json"))
    assert [s["service_code"] for s in data] == ["ENV-01", "ENV-03", "AUTO"]  # hidden SEC-01 is not a service
    assert all(set(s) == SERVICE_FIELDS for s in data)
    env = data[0]
    assert (env["service_name"], env["group"], env["metadata"], env["type"]) == (
        "垃圾没有及时清运",
        "环境卫生",
        True,
        "realtime",
    )
    assert env["keywords"] == "暴露垃圾,垃圾没有及时清运,环境卫生"
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == ["ENV-01", "ENV-03", "AUTO"]
    assert {child.tag for child in root.find("service")} == SERVICE_FIELDS
    assert root.find("service/metadata").text == "true"


@pytest.mark.parametrize("path", ["services/ENV-01", "service/ENV-01"])
def test_service_definitions_with_attributes(client, world, path):
    data = jsn(client.get(f"/open311/v2/{path}.json"))
    assert data["service_code"] == "ENV-01"
    assert [a["code"] for a in data["attributes"]] == ["location_detail", "hazard"]
    assert all(set(a) == ATTRIBUTE_FIELDS for a in data["attributes"])
    assert data["attributes"][1]["values"] == [{"key": "no", "name": "否"}, {"key": "yes", "name": "是"}]
    root = xml(client.get(f"/open311/v2/{path}.xml"))
    assert root.tag == "service_definition"
    hazard = root.findall("attributes/attribute")[1]
    assert (hazard.findtext("datatype"), hazard.findtext("required")) == ("singlevaluelist", "false")
    assert [v.findtext("key") for v in hazard.findall("values/value")] == ["no", "yes"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_with_the_standards_error_body(client, world, fmt):
    response = client.get(f"/open311/v2/services/SEC-01.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert jsn(response) == [{"code": 404, "description": "未知的服务代码：SEC-01"}]
    else:
        root = xml(response)
        assert (root.tag, root.findtext("error/code"), root.findtext("error/description")) == (
            "errors",
            "404",
            "未知的服务代码：SEC-01",
        )


def test_an_unknown_jurisdiction_is_404(client, world):
    assert client.get("/open311/v2/services.json?jurisdiction_id=beijing").status_code == 404
    assert client.get("/open311/v2/services.json?jurisdiction_id=350206").status_code == 200


# --- POST requests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_pending_report_and_answers_an_id_and_token(client, world, key, fmt):
    response = post(client, key, fmt, query="&jurisdiction_id=350206", first_name="秀梅", last_name="龚",
                    phone=PHONE, email="", address_string="", device_id="", **{"attribute[hazard]": "yes"})  # fmt: skip
    assert response.status_code == 200
    report = Report.objects.get()
    if fmt == "json":
        (item,) = jsn(response)
        assert set(item) == {"service_request_id", "token", "service_notice", "account_id"}
        assert (item["service_request_id"], item["token"], item["account_id"]) == (
            str(report.pk),
            report.public_id,
            None,
        )
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == str(report.pk)
    assert (report.channel, report.state, report.category, report.client.name) == (
        Channel.OPEN311,
        ReportState.PENDING,
        world.leaf,
        "城市服务App",
    )
    assert (report.reporter_name, report.reporter_phone, report.reporter_email, report.address) == (
        "龚 秀梅",
        PHONE,
        "",
        "",
    )
    assert report.attributes == {"hazard": "yes"}


def test_post_accepts_api_key_in_the_body_and_auto_classification(client, world, key):
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "AUTO", "address_string": "金尚路与仙岳路交叉口", "description": "垃圾桶满了",
        "lat": "", "long": "",
    })  # fmt: skip
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.category, report.lat, report.address) == (None, None, "金尚路与仙岳路交叉口")


def test_post_with_a_photo_upload_extension(client, world, key):
    response = post(client, key, media=jpeg("site.jpg"), media_url="https://example.org/p.jpg")
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.photos.count(), report.media_url) == (1, "https://example.org/p.jpg")


@pytest.mark.parametrize(
    ("key_kind", "data", "status", "message"),
    [
        ("none", {}, 403, "api_key 缺失、无效或已吊销。"),
        ("bad", {}, 403, "api_key 缺失、无效或已吊销。"),
        ("good", {"service_code": ""}, 400, "缺少 service_code。"),
        ("good", {"service_code": "NOPE"}, 404, "未知的服务代码：NOPE"),
        ("good", {"service_code": "SEC-01"}, 404, "未知的服务代码：SEC-01"),
        ("good", {"lat": "", "long": ""}, 400, "缺少位置：请提供 lat 和 long，或 address_string。"),
        ("good", {"long": ""}, 400, "lat 和 long 必须同时提供。"),
        ("good", {"lat": "91", "long": "200"}, 400, "坐标（纬度 91.0，经度 200.0）不在中国境内。"),
        ("good", {"attribute[hazard]": "maybe"}, 400, "属性 attribute[hazard] 的取值应为：no、yes。"),
        ("good", {"media_url": "ftp://x"}, 400, "media_url 不是有效的 http(s) 地址。"),
        ("good", {"description": ""}, 400, "请用一句话描述问题（至少 4 个字）。"),
    ],
)
def test_post_errors_use_the_standards_status_and_body_and_create_nothing(client, world, key, key_kind, data, status,
                                                                          message):  # fmt: skip
    api_key = {"none": "", "bad": "wm311_not-a-key", "good": key}[key_kind]
    response = post(client, api_key, **data)
    assert response.status_code == status
    assert jsn(response) == [{"code": status, "description": message}]
    assert Report.objects.count() == 0


def test_a_revoked_key_is_refused(client, world, key):
    from wenming.participation.models import Open311Client

    services.revoke_client(Open311Client.objects.get(), actor=world.office)
    assert post(client, key).status_code == 403
    assert Report.objects.count() == 0


def test_post_is_rate_limited_per_ip_and_per_phone(client, world, settings):
    _client, key = services.issue_client(actor=world.office, name="脚本", hourly_limit=1)
    assert post(client, key).status_code == 200
    response = post(client, key)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert jsn(response)[0]["description"].startswith("提交过于频繁")
    settings.PARTICIPATION_LIMIT_PER_PHONE_DAY = 1
    _c, other = services.issue_client(actor=world.office, name="另一个")
    assert post(client, other, phone=PHONE).status_code == 200
    assert client.post(f"/open311/v2/requests.json?api_key={other}", {
        "service_code": "ENV-01", "lat": str(LAT), "long": str(LON), "description": "又一处垃圾", "phone": PHONE},
        ).status_code == 429  # fmt: skip
    assert Report.objects.count() == 2


def test_the_idempotency_key_header_returns_the_first_request(client, world, key):
    first = client.post(f"/open311/v2/requests.json?api_key={key}", {"service_code": "ENV-01", "lat": LAT, "long": LON,
                        "description": "垃圾堆放"}, headers={"Idempotency-Key": "k-1"})  # fmt: skip
    again = client.post(f"/open311/v2/requests.json?api_key={key}", {"service_code": "ENV-01", "lat": LAT, "long": LON,
                        "description": "垃圾堆放"}, headers={"Idempotency-Key": "k-1"})  # fmt: skip
    assert jsn(first) == jsn(again)
    assert Report.objects.count() == 1


# --- tokens and GET requests -----------------------------------------------------------------------------------


def test_tokens_answer_the_request_id(client, world, key):
    token = jsn(post(client, key))[0]["token"]
    report = Report.objects.get()
    assert jsn(client.get(f"/open311/v2/tokens/{token}.json")) == [
        {"service_request_id": str(report.pk), "token": token}
    ]
    root = xml(client.get(f"/open311/v2/tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == str(report.pk)
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request_is_a_one_element_list_with_every_standard_field(client, world, fmt):
    report = services.accept_report(
        submit(world, reporter_name=NAME, reporter_phone=PHONE), actor=world.office
    )
    response = client.get(f"/open311/v2/requests/{report.pk}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        (item,) = jsn(response)
        assert set(item) == REQUEST_FIELDS
        assert (
            item["service_request_id"],
            item["status"],
            item["service_code"],
            item["agency_responsible"],
        ) == (str(report.pk), "open", "ENV-01", "区城市管理局")
        assert_iso(item["requested_datetime"])
        assert_iso(item["expected_datetime"])
        assert (item["lat"], item["long"]) == (
            round(LAT, 3),
            round(LON, 3),
        )  # privacy.PUBLIC_POSITION_DECIMALS
        assert item["media_url"] == f"http://testserver/public/photos/{report.photos.get().pk}/"
    else:
        root = xml(response)
        (item,) = root.findall("request")
        assert {child.tag for child in item} == REQUEST_FIELDS
        assert item.findtext("status") == "open"


def test_pending_and_rejected_requests_are_not_found_until_accepted(client, world):
    pending = submit(world, description="门口垃圾，我电话13912345678")
    rejected = services.reject_report(submit(world), actor=world.office, reason="私人区域")
    for report in (pending, rejected):
        for fmt in ("json", "xml"):
            response = client.get(f"/open311/v2/requests/{report.pk}.{fmt}?extensions=true")
            assert response.status_code == 404
        assert client.get(f"/open311/v2/requests.json?service_request_id={report.pk}").content == b"[]"
    # the token still tells the poster its request id (the token is the poster's own secret)
    assert client.get(f"/open311/v2/tokens/{pending.public_id}.json").status_code == 200


def test_spam_and_hidden_categories_are_not_found(client, world):
    spam = services.mark_spam(submit(world), actor=world.office)
    hidden = submit(world, channel=Channel.DEMO, category=world.hidden_leaf)
    for report in (spam, hidden):
        response = client.get(f"/open311/v2/requests/{report.pk}.json")
        assert response.status_code == 404
        assert jsn(response) == [{"code": 404, "description": f"服务请求不存在：{report.pk}"}]


def test_extensions_add_status_notes_history_and_our_state(client, world):
    report = services.accept_report(submit(world), actor=world.office)
    (item,) = jsn(client.get(f"/open311/v2/requests/{report.pk}.json?extensions=true"))
    ext = item["extended_attributes"]
    assert (ext["public_status"], ext["case_state"], ext["case_state_label"], ext["review_state"]) == (
        "in_progress",
        "dispatched",
        "已派遣",
        "accepted",
    )
    assert [n["summary"] for n in item["notes"]] == [
        "提交上报",
        "受理立案",
        "问题已立案",
        "已交由责任单位处理",
    ]
    root = xml(client.get(f"/open311/v2/requests/{report.pk}.xml?extensions=true"))
    assert [n.findtext("summary") for n in root.findall("request/notes/note")][-1] == "已交由责任单位处理"
    assert root.findtext("request/extended_attributes/case_state") == "dispatched"


def test_get_requests_filters_and_defaults(client, world):
    now = timezone.now()
    old = services.accept_report(submit(world, at=now - datetime.timedelta(days=100)), actor=world.office)
    a = services.accept_report(submit(world, at=now - datetime.timedelta(days=2)), actor=world.office)
    b = services.accept_report(submit(world, category=world.other_leaf, at=now - datetime.timedelta(days=1)),
                               actor=world.office)  # fmt: skip
    close_case_of(world, b)
    services.reject_report(
        submit(world, at=now - datetime.timedelta(hours=1)), actor=world.office, reason="私人区域"
    )
    submit(world, at=now - datetime.timedelta(hours=1))  # pending: invisible
    ids = lambda r: [i["service_request_id"] for i in jsn(r)]  # noqa: E731
    assert ids(client.get("/open311/v2/requests.json")) == [
        str(b.pk),
        str(a.pk),
    ]  # default: last 90 days, newest first
    assert ids(client.get("/open311/v2/requests.json?service_code=ENV-03")) == [str(b.pk)]
    assert ids(client.get("/open311/v2/requests.json?status=closed")) == [str(b.pk)]
    assert ids(client.get("/open311/v2/requests.json?status=open&service_code=")) == [str(a.pk)]
    start = (now - datetime.timedelta(days=200)).isoformat()
    assert ids(client.get("/open311/v2/requests.json", {"start_date": start})) == [
        str(b.pk),
        str(a.pk),
        str(old.pk),
    ]
    assert ids(client.get(f"/open311/v2/requests.json?service_request_id={old.pk},{a.pk}")) == [
        str(a.pk),
        str(old.pk),
    ]
    assert ids(client.get("/open311/v2/requests.json?page_size=1&page=2")) == [str(a.pk)]
    root = xml(client.get("/open311/v2/requests.xml?status=closed"))
    assert root.findtext("request/status_notes") == "已解决"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_date=yesterday", "start_date 格式不正确，应为 ISO 8601，如 2026-11-01T00:00:00+08:00。"),
        ("end_date=2026-13-01", "end_date 格式不正确，应为 ISO 8601，如 2026-11-01T00:00:00+08:00。"),
        ("start_date=2026-11-02&end_date=2026-11-01", "end_date 不能早于 start_date。"),
        ("status=pending", "status 只能是 open 或 closed（可用逗号分隔）。"),
        ("page=0", "page 应为正整数。"),
        # found by `make fuzz`: the default window before end_date overflowed (a 500)
        ("end_date=0001-01-01", "end_date 超出范围，应在 1900-01-01 至 9998-12-31 之间。"),
        ("start_date=9999-12-31T23:59:59", "start_date 超出范围，应在 1900-01-01 至 9998-12-31 之间。"),
    ],
)
def test_bad_dates_and_filters_are_400(client, world, query, message):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert jsn(response) == [{"code": 400, "description": message}]


def test_unknown_request_id_is_404_in_xml_too(client, world):
    response = client.get("/open311/v2/requests/999999.xml")
    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"
