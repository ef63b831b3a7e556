"""Privacy by default on every public channel (`privacy.public_report` decides): a report carrying a name, a
phone, an ID number, a plate, an exact home address, an exact device position and a photo with EXIF GPS is fed
through every public channel — the /public/ site (list, map data, detail, tracking page, photos, similar
reports), the public CSV and GeoJSON, Open311 GET in XML and JSON with and without extensions — and none of
those is found; rejected ("private area") and pending reports and their photos are never public.
Also: supporters' phones are hashed; redaction replaces every copy of a photo; evidence photos are served
through short-lived signed links (or the proxy)."""

import hashlib
import io
import json

import pytest
from django.core import signing
from PIL import Image

from tests.participation.helpers import LAT, LON, jpeg, submit
from tests.participation.test_public_views import public_urls
from wenming.participation import services
from wenming.participation.models import Support
from wenming.participation.privacy import PUBLIC_POSITION_DECIMALS, coarsen

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER, PLATE = "欧阳秘密", "13700001234", "350206199001011234", "闽D12345"
HOME = "金尚路88号3单元501室"
EXACT_LAT, EXACT_LON = round(LAT + 0.000123, 6), round(LON + 0.000123, 6)  # 24.510623, 118.110623
EXIF_GPS = (24.4871, 118.0823)
SECRETS = [NAME, PHONE, ID_NUMBER, PLATE, "D12345", HOME, "88号3单元501", "501室", str(EXACT_LAT), str(EXACT_LON),
           f"{EXACT_LAT:.4f}", f"{EXACT_LON:.4f}", "24.4871", "118.0823", "secret@example.org"]  # fmt: skip
DESCRIPTION = f"我是{NAME}，电话{PHONE}，身份证{ID_NUMBER}，车牌{PLATE}的车天天堵在我家{HOME}门口"


@pytest.fixture
def probe(world):
    private = {"reporter_name": NAME, "reporter_phone": PHONE, "reporter_email": "secret@example.org",
               "description": DESCRIPTION, "address": HOME, "lat": EXACT_LAT, "lon": EXACT_LON,
               "photos": [jpeg(gps=EXIF_GPS)]}  # fmt: skip
    accepted = services.accept_report(submit(world, **private), actor=world.office)
    services.moderate_report(accepted, actor=world.office, public_description="")  # address shown after this
    rejected = services.reject_report(
        submit(world, **private), actor=world.office, reason="私人区域，不属于公共区域"
    )
    pending = submit(world, **private)
    return {"accepted": accepted, "rejected": rejected, "pending": pending}


def test_no_personal_data_on_any_public_channel(client, world, probe):
    bodies = {}
    urls = public_urls(world, probe)
    for report in probe.values():  # single requests without extensions, and the list by id and by status
        urls += [f"/open311/v2/requests/{report.pk}.{fmt}" for fmt in ("json", "xml")]
        urls += [f"/open311/v2/requests.json?service_request_id={report.pk}", "/public/reports.csv?page=1"]
    urls += ["/open311/v2/requests.xml?status=open", "/open311/v2/requests.json?status=open&extensions=true"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        bodies[url] = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(bodies) > 40
    leaks = [(url, s) for url, body in bodies.items() for s in SECRETS if s.encode() in body]
    assert leaks == [], leaks
    # the accepted report is public, masked: the text is there, the data is not
    detail = bodies[f"/public/reports/{probe['accepted'].pk}/"].decode()
    assert "137****1234" in detail and "3502**************" in detail and "闽D*****" in detail
    (item,) = json.loads(bodies[f"/open311/v2/requests/{probe['accepted'].pk}.json?extensions=true"])
    assert item["address"] == "金尚路**号*单元***室"
    assert (item["lat"], item["long"]) == (coarsen(EXACT_LAT), coarsen(EXACT_LON)) == (24.511, 118.111)
    # the photo the public gets has no EXIF at all
    photo = probe["accepted"].photos.get()
    public_photo = Image.open(io.BytesIO(bodies[f"/public/photos/{photo.pk}/"]))
    assert dict(public_photo.getexif()) == {}


def test_rejected_and_pending_reports_and_their_photos_are_never_public(client, world, probe):
    for key in ("rejected", "pending"):
        report = probe[key]
        assert client.get(f"/public/reports/{report.pk}/").status_code == 404
        assert client.get(f"/public/photos/{report.photos.get().pk}/").status_code == 404
        for fmt in ("json", "xml"):
            assert client.get(f"/open311/v2/requests/{report.pk}.{fmt}").status_code == 404
    listed = [i["service_request_id"] for i in json.loads(client.get("/open311/v2/requests.json").content)]
    assert listed == [str(probe["accepted"].pk)]
    features = json.loads(client.get("/public/reports.geojson").content)["features"]
    assert [f["properties"]["id"] for f in features] == [str(probe["accepted"].pk)]
    assert features[0]["geometry"]["coordinates"] == [round(EXACT_LON, PUBLIC_POSITION_DECIMALS),
                                                      round(EXACT_LAT, PUBLIC_POSITION_DECIMALS)]  # fmt: skip
    # the reporter still follows a rejected report with its code: status and reason, no photo, no address
    html = client.get(f"/public/r/{probe['rejected'].code}/").content.decode()
    assert "未受理：私人区域，不属于公共区域" in html
    assert "/public/photos/" not in html, html[html.find("/public/photos/") - 300 :][:400]
    assert HOME not in html and "金尚路**号*单元***室门口" in html  # its own description, masked


def test_the_address_waits_for_moderation(client, world):
    report = services.accept_report(submit(world, address=HOME), actor=world.office)
    (item,) = json.loads(client.get(f"/open311/v2/requests/{report.pk}.json").content)
    assert item["address"] == ""
    services.moderate_report(report, actor=world.office, public_description="")
    (item,) = json.loads(client.get(f"/open311/v2/requests/{report.pk}.json").content)
    assert item["address"] == "金尚路**号*单元***室"


# --- supporters' phones --------------------------------------------------------------------------------------


def test_supporters_phones_are_stored_only_as_a_keyed_hash(world):
    report = services.accept_report(submit(world), actor=world.office)
    report, created = services.add_support(report, phone=PHONE, ip="10.0.0.5")
    assert created
    report, again = services.add_support(report, phone="+86 137-0000-1234", ip="10.0.0.6")
    assert not again and report.supports == 1
    row = Support.objects.values().get()
    assert PHONE not in json.dumps(row, default=str)
    assert len(row["phone_hash"]) == 64


# --- redaction replaces every copy ---------------------------------------------------------------------------


def stored_digests(media_root) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in media_root.rglob("*") if p.is_file()}


def test_redaction_replaces_the_photo_its_thumbnail_and_the_cases_copy(
    world, settings, django_capture_on_commit_callbacks
):
    from wenming.cases.models import CasePhoto

    report = services.accept_report(submit(world, photos=[jpeg(size=(320, 240))]), actor=world.office)
    photo = report.photos.get()
    with photo.image.open("rb") as handle:
        original = hashlib.sha256(handle.read()).hexdigest()
    assert original in stored_digests(settings.MEDIA_ROOT)
    copy = CasePhoto.objects.get(case=report.case)
    assert copy.sha256 == original
    with django_capture_on_commit_callbacks(execute=True):
        services.redact_photo(photo, actor=world.office, boxes=[[0, 0, 1, 1]])
    photo.refresh_from_db()
    copy.refresh_from_db()
    with photo.image.open("rb") as a, copy.image.open("rb") as b, photo.redacted.open("rb") as c:
        assert a.read() == b.read() == c.read()
    assert photo.sha256 == copy.sha256 != original
    assert original not in stored_digests(settings.MEDIA_ROOT)  # the unredacted file is gone everywhere


def test_redaction_deletes_the_bulletins_print_copies_of_the_unredacted_photo(
    world, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from wenming.bulletins.render import photos as print_photos
    from wenming.cases.models import CasePhoto

    report = services.accept_report(
        submit(world, photos=[jpeg(size=(1024, 768)), jpeg(size=(320, 240))]), actor=world.office
    )
    big, small = sorted(report.photos.all(), key=lambda p: -p.width)
    originals = {p.sha256 for p in (big, small)}
    copies = print_photos.prepare(CasePhoto.objects.filter(case=report.case).values_list("image", flat=True))
    assert len({c.name for c in copies.values()}) == 2 and all(c.name for c in copies.values())
    assert all(default_storage.exists(c.name) for c in copies.values())
    with django_capture_on_commit_callbacks(execute=True):
        services.redact_photo(big, actor=world.office, boxes=[[0, 0, 1, 1]])
        services.redact_photo(small, actor=world.office, boxes=[[0, 0, 1, 1]])
    assert not any(default_storage.exists(c.name) for c in copies.values())
    assert not originals & stored_digests(settings.MEDIA_ROOT)  # the 320 px copy was the original's bytes
    again = print_photos.prepare(CasePhoto.objects.filter(case=report.case).values_list("image", flat=True))
    assert all(c.name and c.name not in {x.name for x in copies.values()} for c in again.values())


# --- evidence photos: signed links, proxy ---------------------------------------------------------------------


def test_case_photos_are_linked_through_short_lived_signed_links(client, world, settings):
    report = services.accept_report(submit(world), actor=world.office)
    client.force_login(world.office)
    html = client.get(report.case.get_absolute_url()).content.decode()
    assert "/media/" not in html
    links = sorted(set(part.split('"')[0] for part in html.split('href="/m/')[1:]))
    assert links
    response = client.get(f"/m/{links[0]}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.logout()
    assert client.get(f"/m/{links[0]}").status_code == 200  # a bearer link, valid for minutes only
    settings.MEDIA_LINK_SECONDS = -1  # every link is now past its lifetime
    assert client.get(f"/m/{links[0]}").status_code == 404
    settings.MEDIA_LINK_SECONDS = 600
    forged = signing.TimestampSigner(salt="other").sign_object({"n": "../../etc/passwd"})
    assert client.get(f"/m/{forged}/").status_code == 404
    assert client.get(f"/m/{links[0][:-3]}xx/").status_code == 404


@pytest.mark.parametrize("mode", ["nginx", "sendfile"])
def test_media_can_be_handed_to_the_proxy(client, world, settings, mode):
    from wenming.core.media import signed_url

    settings.MEDIA_ACCEL = mode
    report = services.accept_report(submit(world), actor=world.office)
    photo = report.photos.get()
    response = client.get(signed_url(photo.image))
    assert response.status_code == 200 and response.content == b""
    if mode == "nginx":
        assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    else:
        assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / photo.image.name)
    public = client.get(f"/public/photos/{photo.pk}/")
    assert public.status_code == 200 and ("X-Accel-Redirect" in public or "X-Sendfile" in public)
