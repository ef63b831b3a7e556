"""Creating cases: numbering, place, idempotency, photos, fixed on the spot."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.helpers import T0, jpeg, local, new_case
from tests.core.images import png_header_claiming
from tests.factories import make_point, make_user
from wenming.cases import services
from wenming.cases.models import Case, CaseEvent, CasePhoto, CaseSequence


def test_codes_are_numbered_per_year_with_the_district_prefix(world, settings):
    settings.DISTRICT_CASE_PREFIX = "HL"
    first = new_case(world, at=local(2025, 12, 31, 23, 0))
    second = new_case(world, at=local(2025, 12, 31, 23, 30))
    third = new_case(world, at=local(2026, 1, 1, 0, 5))  # local new year (still 2025 in UTC)

    assert [first.code, second.code, third.code] == ["HL-2025-000001", "HL-2025-000002", "HL-2026-000001"]
    assert dict(CaseSequence.objects.values_list("year", "last")) == {2025: 2, 2026: 1}


def test_a_new_case_is_reported_with_derived_fields_and_a_dispatch_deadline(world):
    case = new_case(
        world,
        description="  路口垃圾堆放  ",
        severity="serious",
        reporter_name="王五",
        reporter_phone="13800000000",
    )

    assert case.state == "reported"
    assert case.description == "路口垃圾堆放"
    assert (case.top_category, case.special_group, case.street) == (world.top, world.group, world.street)
    assert case.dispatch_deadline == local(2025, 9, 26, 11, 0)  # 1 working hour
    assert case.next_alert_at == case.dispatch_deadline
    assert case.reported_by == world.inspector
    event = case.events.get()
    assert (event.kind, event.to_state, event.actor) == ("created", "reported", world.inspector)


def test_a_case_at_a_point_takes_its_position_and_area(world):
    point = make_point(area=world.community, lat=24.52, lon=118.15)

    case = new_case(world, point=point)

    assert (case.lat, case.lon, case.area, case.street) == (24.52, 118.15, world.community, world.street)


def test_gcj02_coordinates_are_stored_as_wgs84_with_their_system(world):
    case = new_case(world, area=world.grid, lat=24.5122, lon=118.1457, coord_system="GCJ02")

    assert case.coord_system == "GCJ02"
    assert abs(case.lat - 24.5122) > 1e-4  # converted, a few hundred metres away
    assert 24.50 < case.lat < 24.52 and 118.13 < case.lon < 118.15


def test_the_area_is_found_from_the_position_when_not_given(world):
    from tests.factories import square
    from wenming.geo.models import Area

    Area.objects.filter(pk=world.grid.pk).update(boundary=square(118.10, 24.50, 0.05))

    case = services.create_case(
        actor=world.inspector,
        source="inspection",
        category=world.leaf,
        description="垃圾",
        lat=24.52,
        lon=118.12,
        at=T0,
    )

    assert (case.area, case.street) == (world.grid, world.street)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"category": "top"}, "请选择二级问题类别（“环境卫生”是大类）。"),
        ({"description": "   "}, "请填写问题描述。"),
        ({"area": None, "lat": 51.5, "lon": -0.1}, "坐标（纬度 51.5，经度 -0.1）不在中国境内。"),
        ({"area": None}, "请指定问题地点：点位、区域或经纬度至少一项。"),
        ({"source": "rumour"}, "未知的问题来源。"),
    ],
)
def test_invalid_input_creates_nothing(world, kwargs, message):
    values = {"source": "inspection", "category": world.leaf, "description": "垃圾", "area": world.grid}
    values.update({k: getattr(world, v) if v in ("top",) else v for k, v in kwargs.items()})

    with pytest.raises(ValidationError) as refused:
        services.create_case(actor=world.inspector, at=T0, **values)

    assert message in refused.value.messages
    assert Case.objects.count() == 0
    assert CaseSequence.objects.count() == 0


def test_auditors_cannot_report(world):
    with pytest.raises(PermissionDenied):
        new_case(world, actor=world.auditor)
    assert Case.objects.count() == 0


def test_the_same_idempotency_key_returns_the_same_case(world):
    first = new_case(world, idempotency_key="phone-abc", photos=[jpeg()])
    again = new_case(world, idempotency_key="phone-abc", photos=[jpeg()])
    other_user = new_case(world, actor=world.street_user, idempotency_key="phone-abc")

    assert again.pk == first.pk
    assert other_user.pk != first.pk
    assert Case.objects.count() == 2
    assert CasePhoto.objects.filter(case=first).count() == 1
    assert CaseEvent.objects.filter(case=first).count() == 1


def test_before_photos_are_attached_to_the_creation_event(world):
    case = new_case(world, photos=[jpeg("a.jpg"), jpeg("b.jpg")])

    photos = list(case.photos.order_by("id"))
    assert [(p.stage, p.event.kind, p.original_name, p.uploaded_by) for p in photos] == [
        ("before", "created", "a.jpg", world.inspector),
        ("before", "created", "b.jpg", world.inspector),
    ]
    assert photos[0].image.name.endswith(".jpg") and photos[0].thumbnail.name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("x.jpg", b"GIF89a not a photo", content_type="image/jpeg"),
            "照片“x.jpg”：不是支持的图片文件（仅支持 JPEG、PNG、WebP、HEIC）。",
        ),
        (
            lambda: SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * 3000, content_type="image/jpeg"),
            "照片“big.jpg”：照片过大（最大 0.0 MB）。",
        ),
        (
            lambda: SimpleUploadedFile(
                "bomb.png", png_header_claiming(30000, 30000), content_type="image/png"
            ),
            "照片“bomb.png”：照片像素过多（最多 1 百万像素）。",
        ),
    ],
)
def test_photos_that_are_not_acceptable_are_refused_with_a_clear_message(world, settings, upload, message):
    settings.PHOTO_MAX_PIXELS = 1_000_000
    if "big" in message:
        settings.PHOTO_MAX_BYTES = 2000

    with pytest.raises(ValidationError) as refused:
        new_case(world, photos=[jpeg(), upload()])

    assert refused.value.messages == [message]
    assert Case.objects.count() == 0
    assert CasePhoto.objects.count() == 0


def test_too_many_photos_are_refused(world, settings):
    settings.CASE_MAX_PHOTOS = 2
    with pytest.raises(ValidationError, match="一次最多上传 2 张照片"):
        new_case(world, photos=[jpeg(), jpeg(), jpeg()])
    assert Case.objects.count() == 0


def test_fixed_on_the_spot_is_recorded_and_closed_at_once(world):
    case = new_case(world, fixed_on_spot=True, photos=[jpeg()], after_photos=[jpeg()])

    assert (case.state, case.fixed_on_spot, case.closed_at, case.dispatched_at) == ("closed", True, T0, None)
    assert (case.unit, case.routing_step) == (world.bureau, "group")  # recorded for bulletins, not dispatched
    assert [e.kind for e in case.events.order_by("id")] == ["created", "closed_on_spot"]
    assert sorted(case.photos.values_list("stage", flat=True)) == ["after", "before"]


def test_fixed_on_the_spot_needs_an_after_photo(world):
    with pytest.raises(ValidationError, match="当场整改需上传至少一张整改后照片"):
        new_case(world, fixed_on_spot=True)
    assert Case.objects.count() == 0


def test_system_creation_without_an_actor(world):
    case = services.create_case(
        actor=None,
        source="citizen",
        category=world.leaf,
        description="群众反映",
        area=world.grid,
        reporter_name="市民",
        reporter_phone="13900000000",
        source_ref="report:abc",
        at=T0,
    )
    assert (case.reported_by, case.source_ref, case.reporter_name) == (None, "report:abc", "市民")


def test_a_new_case_notifies_the_office(world, django_capture_on_commit_callbacks):
    from wenming.core.models import Notification

    make_user("unit_handler", unit=world.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        case = new_case(world)

    recipients = set(Notification.objects.filter(kind="case.created").values_list("recipient_id", flat=True))
    assert recipients == {world.office.pk, world.office2.pk}
    assert Notification.objects.get(recipient=world.office).title == f"新问题 {case.code}：暴露垃圾"


def test_reported_at_is_the_given_time(world):
    at = T0 - datetime.timedelta(days=40)
    assert new_case(world, at=at).reported_at == at
