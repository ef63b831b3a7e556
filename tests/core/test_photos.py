import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import isolate_apps
from PIL import Image

from tests.core.images import encoded, jpeg_with_metadata, png_header_claiming, two_tone
from wenming.core.models import PhotoBase
from wenming.core.photos import PhotoError, make_thumbnail, process_photo, save_processed_photo, sniff


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def assert_no_metadata(content: bytes) -> None:
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"):
        assert key not in image.info
    for marker in (b"Exif\x00\x00", b"ICC_PROFILE", b"http://ns.adobe.com/xap", b"secret", b"TestPhone"):
        assert marker not in content


def test_a_phone_jpeg_is_oriented_located_dated_and_stripped():
    original = jpeg_with_metadata()

    photo = process_photo(upload(original, name="C:\\手机\\IMG_0001.JPG"))

    assert photo.gps == (24.515, 118.14)
    assert photo.taken_at == datetime.datetime(2025, 9, 29, 10, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (photo.width, photo.height) == (200, 400)  # orientation 6: turned a quarter clockwise
    assert photo.original_name == "IMG_0001.JPG"
    assert len(photo.sha256) == 64
    assert_no_metadata(photo.content)
    image = Image.open(io.BytesIO(photo.content)).convert("RGB")
    assert image.size == (200, 400)
    # The red left half of the sensor image is now on top, the blue right half at the bottom.
    top, bottom = image.getpixel((100, 50)), image.getpixel((100, 350))
    assert top[0] > 180 and top[2] < 60
    assert bottom[2] > 180 and bottom[0] < 60


def test_southern_and_western_references_give_negative_coordinates():
    from PIL.TiffImagePlugin import IFDRational

    from tests.core.images import exif_with_gps

    exif = exif_with_gps(orientation=1)
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "S", "W"
    gps[2] = tuple(IFDRational(v, 1) for v in (33, 52, 12))
    out = io.BytesIO()
    two_tone().save(out, "JPEG", exif=exif.tobytes())
    assert process_photo(out.getvalue()).gps == (-33.87, -118.14)


def test_a_png_with_transparency_becomes_a_white_backed_jpeg_without_gps():
    photo = process_photo(upload(encoded("PNG", mode="RGBA", color=(0, 0, 0, 0)), name="a.png"))
    assert (photo.width, photo.height, photo.gps, photo.taken_at) == (300, 200, None, None)
    assert_no_metadata(photo.content)
    assert Image.open(io.BytesIO(photo.content)).getpixel((10, 10)) >= (250, 250, 250)


@pytest.mark.parametrize("fmt", ["WEBP", "HEIF"])
def test_webp_and_heic_are_accepted(fmt):
    photo = process_photo(upload(encoded(fmt), name=f"x.{fmt.lower()}"))
    assert (photo.width, photo.height) == (300, 200)
    assert_no_metadata(photo.content)


def test_large_photos_are_shrunk_to_the_maximum_side(settings):
    settings.PHOTO_MAX_SIDE = 1024
    out = io.BytesIO()
    two_tone((3000, 1500)).save(out, "JPEG")
    photo = process_photo(out.getvalue())
    assert (photo.width, photo.height) == (1024, 512)


def test_processing_is_deterministic():
    original = jpeg_with_metadata()
    assert process_photo(original).sha256 == process_photo(upload(original)).sha256


def test_a_text_file_named_jpg_is_not_an_image():
    with pytest.raises(PhotoError) as error:
        process_photo(upload(b"just some text, honestly\n" * 10, name="evil.jpg"))
    assert error.value.code == "not_image"
    assert "不是支持的图片" in error.value.messages[0]


def test_an_empty_file_is_not_an_image():
    with pytest.raises(PhotoError) as error:
        process_photo(upload(b""))
    assert error.value.code == "not_image"


def test_a_truncated_jpeg_is_corrupt():
    original = jpeg_with_metadata(size=(800, 600))
    with pytest.raises(PhotoError) as error:
        process_photo(upload(original[: len(original) // 2]))
    assert error.value.code == "corrupt"
    assert "损坏" in error.value.messages[0]


def test_a_pixel_bomb_is_refused_from_its_header():
    with pytest.raises(PhotoError) as error:
        process_photo(upload(png_header_claiming(100_000, 100_000), name="bomb.png"))
    assert error.value.code == "too_many_pixels"
    assert "像素" in error.value.messages[0]


def test_an_image_just_over_the_pixel_limit_is_refused(settings):
    settings.PHOTO_MAX_PIXELS = 300 * 200 - 1
    with pytest.raises(PhotoError) as error:
        process_photo(encoded("PNG"))
    assert error.value.code == "too_many_pixels"


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.PHOTO_MAX_BYTES = 1000
    content = jpeg_with_metadata()
    assert len(content) > 1000
    with pytest.raises(PhotoError) as error:
        process_photo(upload(content))
    assert error.value.code == "too_large"
    assert "过大" in error.value.messages[0]
    with pytest.raises(PhotoError):
        process_photo(io.BytesIO(content))  # no .size: counted while reading


def test_magic_bytes_decide_not_the_name():
    assert sniff(encoded("PNG")[:32]) == "PNG"
    assert sniff(encoded("WEBP")[:32]) == "WEBP"
    assert sniff(encoded("HEIF")[:32]) == "HEIF"
    assert sniff(b"GIF89a" + b"\x00" * 26) is None
    photo = process_photo(upload(encoded("PNG"), name="looks-like.jpg", content_type="text/plain"))
    assert photo.width == 300


def test_thumbnails_are_small_and_clean():
    photo = process_photo(jpeg_with_metadata(size=(1200, 800), orientation=1))
    thumb = make_thumbnail(photo.content)
    image = Image.open(io.BytesIO(thumb))
    assert image.size == (320, 213)
    assert_no_metadata(thumb)
    with pytest.raises(PhotoError):
        make_thumbnail(b"not a jpeg")


@pytest.mark.django_db(transaction=True)
def test_save_processed_photo_writes_both_files_and_the_facts(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with isolate_apps("wenming.core"):

        class EvidencePhoto(PhotoBase):
            uploaded_by = None  # keeps the throwaway table free of foreign keys

            class Meta:
                app_label = "core"

        with connection.schema_editor() as editor:
            editor.create_model(EvidencePhoto)
        try:
            processed = process_photo(upload(jpeg_with_metadata(), name="IMG_0002.JPG"))
            photo = save_processed_photo(EvidencePhoto(), processed)

            saved = EvidencePhoto.objects.get(pk=photo.pk)
            assert (saved.width, saved.height, saved.sha256) == (200, 400, processed.sha256)
            assert (saved.gps_lat, saved.gps_lon) == (24.515, 118.14)
            assert saved.taken_at == processed.taken_at
            assert saved.original_name == "IMG_0002.JPG"
            today = datetime.date.today()
            assert saved.image.name.startswith(f"photos/core/{today:%Y/%m/%d}/")
            assert saved.thumbnail.name == saved.image.name.replace(".jpg", "_t.jpg")
            assert "IMG_0002" not in saved.image.name
            assert (tmp_path / saved.image.name).read_bytes() == processed.content
            assert Image.open(tmp_path / saved.thumbnail.name).size == (160, 320)
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(EvidencePhoto)


def test_photo_base_is_abstract():
    assert PhotoBase._meta.abstract is True
    assert {f.name for f in PhotoBase._meta.fields} >= {
        "image",
        "thumbnail",
        "width",
        "height",
        "sha256",
        "gps_lat",
        "gps_lon",
        "taken_at",
        "uploaded_by",
        "created_at",
    }
    assert isinstance(PhotoBase._meta.get_field("image"), models.FileField)


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_relaxed_pillow():
    # given WeasyPrint imported in the same process (it sets LOAD_TRUNCATED_IMAGES = True process-wide)
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        original = jpeg_with_metadata(size=(800, 600))
        # when a truncated photo is uploaded, then it is still refused as corrupt
        with pytest.raises(PhotoError) as error:
            process_photo(upload(original[: len(original) // 2]))
        assert error.value.code == "corrupt"
        # and WeasyPrint's setting is left as it found it
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
