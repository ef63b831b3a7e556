"""Submitting a report: checks, photos (EXIF position as a hint, then stripped), location, classification
hint, routing preview, idempotency and rate limits (DB counters; a refused submission changes nothing)."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from tests.participation.helpers import LAT, LON, PHONE, jpeg, submit
from wenming.core.choices import CoordSystem
from wenming.core.coords import from_wgs84
from wenming.participation.choices import Channel, PositionSource, ReportEventKind, ReportState
from wenming.participation.models import RateCounter, Report, ReportEvent, ReportPhoto
from wenming.participation.ratelimit import RateLimited

pytestmark = pytest.mark.django_db


def counts():
    return (Report.objects.count(), ReportPhoto.objects.count(), ReportEvent.objects.count(),
            RateCounter.objects.count())  # fmt: skip


def test_a_report_lands_in_triage_located_and_routed(world):
    report = submit(world, reporter_name="小王", reporter_phone="+86 139-1234-5678")
    assert report.state == ReportState.PENDING
    assert (report.street, report.area) == (world.street, world.community)
    assert report.reporter_phone == PHONE
    assert report.suggested_unit == world.bureau  # the special group's lead unit, as the cases routing says
    assert "市容环境卫生整治组" in report.routing_reason
    assert report.photos.count() == 1
    assert list(report.events.values_list("kind", flat=True)) == [ReportEventKind.SUBMITTED]
    assert len(report.code) == 10 and report.get_tracking_url() == f"/public/r/{report.code}/"


def test_a_map_tap_in_gcj02_is_stored_as_wgs84(world):
    tap_lat, tap_lon = from_wgs84(LAT, LON, CoordSystem.GCJ02)
    report = submit(world, lat=tap_lat, lon=tap_lon, coord_system="GCJ02", position_source=PositionSource.MAP)
    assert abs(report.lat - LAT) < 1e-6 and abs(report.lon - LON) < 1e-6
    assert (report.coord_system, report.position_source) == (CoordSystem.GCJ02, PositionSource.MAP)


def test_exif_gps_is_the_position_hint_and_is_stripped(world):
    report = submit(world, lat=None, lon=None, photos=[jpeg(gps=(LAT, LON))])
    assert report.position_source == PositionSource.PHOTO
    assert abs(report.lat - LAT) < 1e-4 and abs(report.lon - LON) < 1e-4
    photo = report.photos.get()
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert dict(stored.getexif()) == {}


def test_no_position_at_all_is_refused_and_nothing_is_written(world):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        submit(world, lat=None, lon=None, address="")
    assert exc.value.message_dict == {"lat": ["请提供问题位置：使用手机定位、在地图上点选，或填写详细地址。"]}
    assert counts()[:3] == before[:3]  # nothing written but the IP's hit, charged before the work


def test_an_address_alone_is_enough(world):
    report = submit(world, lat=None, lon=None, address="金尚路与仙岳路交叉口东北角")
    assert (report.lat, report.position_source, report.street) == (None, PositionSource.ADDRESS, None)


def test_a_position_outside_the_district_is_refused(world):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        submit(world, lat=24.60, lon=118.30)
    assert exc.value.message_dict == {"lat": ["该位置不在本区范围内，请确认位置后再提交。"]}
    assert counts()[:3] == before[:3]  # nothing written but the IP's hit, charged before the work


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"consent": False}, {"consent": ["请阅读并同意《个人信息告知》后再提交。"]}),
        ({"description": "脏"}, {"description": ["请用一句话描述问题（至少 4 个字）。"]}),
        ({"reporter_phone": "12345"}, {"phone": ["手机号格式不正确，应为 11 位大陆手机号。"]}),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(world, kwargs, errors):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        submit(world, **kwargs)
    assert exc.value.message_dict == errors
    assert counts() == before


def test_a_hidden_or_top_level_category_cannot_be_chosen_by_citizens(world):
    with pytest.raises(ValidationError) as exc:
        submit(world, category=world.hidden_leaf)
    assert exc.value.message_dict == {"category": ["该问题类别不接受群众上报。"]}
    with pytest.raises(ValidationError) as exc:
        submit(world, category=world.top)
    assert exc.value.message_dict == {"category": ["请选择具体的问题类别。"]}
    assert Report.objects.count() == 0


def test_a_file_that_is_not_a_photo_is_refused_before_anything_is_written(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = counts()
    fake = SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        submit(world, photos=[jpeg(), fake])
    assert exc.value.message_dict == {
        "photos": ["第 2 张照片：不是支持的图片文件（仅支持 JPEG、PNG、WebP、HEIC）。"]
    }
    assert counts()[:3] == before[:3]  # nothing written but the IP's hit, charged before the work


def test_a_pixel_bomb_is_refused(world, settings):
    settings.PHOTO_MAX_PIXELS = 1000
    with pytest.raises(ValidationError) as exc:
        submit(world, photos=[jpeg(size=(100, 100))])
    assert exc.value.message_dict == {"photos": ["第 1 张照片：照片像素过多（最多 0 百万像素）。"]}
    assert Report.objects.count() == 0


def test_heic_photos_are_accepted(world):
    import pillow_heif

    heif = pillow_heif.from_pillow(Image.new("RGB", (32, 24), (10, 120, 200)))
    out = io.BytesIO()
    heif.save(out, quality=60)
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = submit(
        world, photos=[SimpleUploadedFile("IMG_0001.HEIC", out.getvalue(), content_type="image/heic")]
    )
    photo = report.photos.get()
    assert (photo.width, photo.height) == (32, 24)
    with photo.image.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # re-encoded as JPEG


def test_the_same_idempotency_key_gives_the_same_report(world):
    first = submit(world, idempotency_key="abc")
    again = submit(world, idempotency_key="abc")
    assert again.pk == first.pk
    assert Report.objects.count() == 1


def test_public_submissions_are_limited_per_ip(world, settings):
    settings.PARTICIPATION_LIMIT_PER_IP_HOUR = 2
    submit(world, ip="10.9.9.9")
    submit(world, ip="10.9.9.9")
    before = counts()
    with pytest.raises(RateLimited) as exc:
        submit(world, ip="10.9.9.9")
    assert exc.value.message.startswith("提交过于频繁，请 ")
    assert counts() == before
    assert submit(world, ip="10.9.9.10").state == ReportState.PENDING  # another address is not affected


def test_submissions_are_limited_per_phone_across_addresses(world, settings):
    settings.PARTICIPATION_LIMIT_PER_PHONE_DAY = 1
    submit(world, ip="10.1.1.1", reporter_phone=PHONE)
    with pytest.raises(RateLimited):
        submit(world, ip="10.1.1.2", reporter_phone=PHONE)
    assert Report.objects.count() == 1


def test_rate_counters_never_hold_the_raw_ip_or_phone(world):
    submit(world, ip="10.7.7.7", reporter_phone=PHONE)
    keys = " ".join(RateCounter.objects.values_list("key", flat=True))
    assert "10.7.7.7" not in keys and PHONE not in keys
    assert RateCounter.objects.count() == 2


def test_a_refused_submission_does_not_use_up_the_allowance(world, settings):
    settings.PARTICIPATION_LIMIT_PER_IP_HOUR = 1
    with pytest.raises(ValidationError):
        submit(world, ip="10.2.2.2", description="脏")
    assert submit(world, ip="10.2.2.2").state == ReportState.PENDING


def test_open311_reports_need_no_consent_box(world):
    report = submit(world, channel=Channel.OPEN311, consent=False)
    assert (report.channel, report.consented_at) == (Channel.OPEN311, None)
