"""Hypothesis-driven fuzzing of the endpoints without an OpenAPI schema: Open311 GeoReport v2 (/open311/v2/) and
the citizens' public site (/public/), with hostile query strings and form bodies, anonymous like their callers.

Checks: never a 5xx (nor an exception reaching Django's handler); Open311 `.json` answers are JSON, `.xml`
answers are XML. Seeded, `EXAMPLES` requests per test (WENMING_FUZZ_EXAMPLES)."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.fuzz.harness import EXAMPLES, STATS, InProcessApp

pytestmark = pytest.mark.django_db

# Values that broke or could break parsers: huge/negative/float numbers, bad dates, ids, markup, control chars.
HOSTILE = [
    "", " ", "0", "-1", "1.5", "0.0", "-1.79e308", "1e400", "NaN", "inf", "-inf", "9007199254740993",
    "99999999999999999999", "null", "null,null", "[]", "{}", "true", "2026-13-45", "0000-00-00", "0001-01-01",
    "9999-12-31T23:59:59+14:00", "2026-02-30T25:61:00Z", "1970-01-01T00:00:00-24:00", "<script>x</script>",
    "' OR 1=1 --", "%00", "\x00", "\u202e", "../../etc/passwd", "a" * 5000, "=HYPERLINK(\"http://x\")",
    "open,closed", "xml", "json", "湖里", "WGS84", "GCJ02", "BD09", "foo",
]  # fmt: skip
# Any character a URL or form can carry (lone surrogates cannot be encoded as UTF-8 by any client).
chars = st.characters(blacklist_categories=("Cs",))
path_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%")
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=chars, max_size=30),
)

OPEN311_GET = {
    "/open311/v2/requests.json": ["service_request_id", "service_code", "start_date", "end_date", "status",
                                  "page", "page_size", "extensions", "jurisdiction_id", "lat", "long"],
    "/open311/v2/requests.xml": ["service_request_id", "status", "page", "page_size", "start_date"],
    "/open311/v2/services.json": ["jurisdiction_id"],
    "/open311/v2/discovery.json": [],
    "/open311/v2/": [],
}  # fmt: skip
OPEN311_POST = ["service_code", "lat", "long", "address_string", "address_id", "description", "media_url",
                "first_name", "last_name", "phone", "email", "device_id", "account_id", "jurisdiction_id",
                "attribute[x]", "attribute[y][]"]  # fmt: skip

PUBLIC_GET = {
    "/public/": [],
    "/public/reports/": ["street", "group", "status", "open", "days", "page"],
    "/public/reports.csv": ["street", "group", "status", "open", "days"],
    "/public/reports.geojson": ["street", "group", "status", "open", "days", "bbox"],
    "/public/areas.geojson": [],
    "/public/map/": ["street", "status"],
    "/public/stats/": ["period"],
    "/public/track/": ["code"],
    "/public/report/": ["lat", "lon", "category"],
    "/public/report/similar/": ["lat", "lon", "coord_system", "category", "description"],
    "/public/points/": [],
}  # fmt: skip
PUBLIC_POST = {
    "/public/report/": ["description", "category", "lat", "lon", "coord_system", "address", "reporter_name",
                        "reporter_phone", "consent", "client_token"],
    "/public/points/": ["phone", "code"],
    "/public/track/": ["code"],
}  # fmt: skip
PATH_PARTS = ["1", "2", "0", "999999", "null,null", "-1", "abc", "%20", "1.json", "..", "9" * 30]


def params(names):
    return st.dictionaries(st.sampled_from(names), value, max_size=len(names)) if names else st.just({})


def _check(part, role_label, method, url, data, response, app, failures):
    STATS.requests[part] += 1
    label = f"{role_label} {method} {url.split('?')[0]}"
    if response.status_code >= 500 or app.exceptions:
        STATS.server_errors[part] += 1
        exc = app.exceptions[-1] if app.exceptions else ""
        last = exc.strip().splitlines()[-1] if exc.strip() else str(response.status_code)
        failures.setdefault(f"{label} {last}", f"{label} {data!r:.400}: {response.status_code}\n{exc}")
        return
    if response.status_code == 200 and url.split("?")[0].endswith(".json") and "/open311/" in url:
        try:
            json.loads(response.content)
        except ValueError:
            failures.setdefault(f"{label} not json", f"{label} {data!r:.300}: not JSON")
    if response.status_code == 200 and url.split("?")[0].endswith(".xml"):
        try:
            ET.fromstring(response.content)
        except ET.ParseError:
            failures.setdefault(f"{label} not xml", f"{label} {data!r:.300}: not XML")


def _send(client, app, method, url, data):
    app.exceptions.clear()
    return client.get(url, data) if method == "GET" else client.post(url, data)


def _run(seed_value, body, failures):
    @seed(seed_value)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def fuzz(data):
        body(data)

    fuzz()
    assert not failures, f"{len(failures)} distinct failures:\n\n" + "\n\n".join(failures.values())


def test_open311_fuzz(fuzz_world):
    failures: dict[str, str] = {}
    client = Client(raise_request_exception=False)
    key = fuzz_world.objects["open311_key"]
    with InProcessApp() as app:

        def body(data):
            kind = data.draw(st.sampled_from(["get", "get_one", "service", "token", "post"]))
            if kind == "get":
                url = data.draw(st.sampled_from(sorted(OPEN311_GET)))
                method, payload = "GET", data.draw(params(OPEN311_GET[url]))
            elif kind in ("get_one", "service", "token"):
                prefix = {"get_one": "requests", "service": "services", "token": "tokens"}[kind]
                ident = data.draw(st.one_of(st.sampled_from(PATH_PARTS + fuzz_world.objects["tracking_codes"]),
                                            st.text(alphabet=path_chars, min_size=1,
                                                    max_size=20)))  # fmt: skip
                fmt = data.draw(st.sampled_from(["", ".json", ".xml"]))
                method, url, payload = (
                    "GET",
                    f"/open311/v2/{prefix}/{ident}{fmt}",
                    data.draw(params(["extensions"])),
                )
            else:
                fmt = data.draw(st.sampled_from([".json", ".xml"]))
                method, url = "POST", f"/open311/v2/requests{fmt}"
                payload = data.draw(params(OPEN311_POST))
                if data.draw(st.booleans()):
                    payload["api_key"] = key
                    payload.setdefault("service_code", data.draw(st.sampled_from(["ENV-01", "TRA-01", "x"])))
            payload = {k: v.replace("\x00", "") if isinstance(v, str) and method == "POST" else v
                       for k, v in payload.items()}  # fmt: skip
            response = _send(client, app, method, url, payload)
            _check("open311", "anonymous", method, url, payload, response, app, failures)

        _run(311, body, failures)


def test_public_site_fuzz(fuzz_world):
    failures: dict[str, str] = {}
    client = Client(raise_request_exception=False)
    codes = fuzz_world.objects["tracking_codes"]
    with InProcessApp() as app:

        def body(data):
            kind = data.draw(st.sampled_from(["get", "get", "detail", "track", "post"]))
            if kind == "get":
                url = data.draw(st.sampled_from(sorted(PUBLIC_GET)))
                method, payload = "GET", data.draw(params(PUBLIC_GET[url]))
            elif kind == "detail":
                pk = data.draw(st.one_of(st.integers(0, 20), st.integers(2**31, 2**70)))
                sub = data.draw(
                    st.sampled_from(["reports/{}/", "photos/{}/", "fix-photos/{}/", "reports/{}/support/"])
                )
                method = "POST" if sub.endswith("support/") else "GET"
                url = "/public/" + sub.format(pk)
                payload = data.draw(params(["phone", "page"]))
            elif kind == "track":
                code = data.draw(
                    st.one_of(
                        st.sampled_from(codes + PATH_PARTS),
                        st.text(alphabet=path_chars, min_size=1, max_size=16),
                    )
                )
                action = data.draw(st.sampled_from(["", "confirm/", "dispute/", "rate/"]))
                method = "POST" if action else "GET"
                url = f"/public/r/{code}/{action}"
                payload = data.draw(params(["rating", "comment", "reason", "new", "phone"]))
            else:
                url = data.draw(st.sampled_from(sorted(PUBLIC_POST)))
                method, payload = "POST", data.draw(params(PUBLIC_POST[url]))
            if method == "POST":  # form posts cannot carry NUL bytes through the test client's encoder
                payload = {k: v.replace("\x00", "") for k, v in payload.items()}
            response = _send(client, app, method, url, payload)
            _check("public", "anonymous", method, url, payload, response, app, failures)

        _run(2026, body, failures)
