"""Evidence photos: check, orient, shrink, strip and re-encode every upload (照片处理).

    processed = process_photo(request.FILES["photo"])      # raises PhotoError (a ValidationError)
    photo = CasePhoto(case=case, uploaded_by=actor)          # a subclass of core.models.PhotoBase
    save_processed_photo(photo, processed)

The file type is decided by its first bytes (JPEG, PNG, WebP, HEIC/HEIF), never by its name or the
client's content type. Size (`settings.PHOTO_MAX_BYTES`) is checked before reading everything and the
pixel count (`settings.PHOTO_MAX_PIXELS`) from the header before decoding. The GPS position and the time
the photo was taken are read from EXIF first; the stored JPEG then carries no metadata at all (no EXIF,
GPS, XMP, ICC profile or comment): colours are converted to sRGB and the pixels copied into a new image.
`sha256` is the digest of the stored JPEG (processing is deterministic, so the same upload twice gives the
same digest). Files written by `save_processed_photo` stay on disk if the caller's transaction rolls back.
"""

import contextlib
import datetime
import hashlib
import io
import threading
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from zoneinfo import ZoneInfo

import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps

pillow_heif.register_heif_opener()
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
# WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES = True when it is imported (bulletin
# PDFs), which would make a truncated upload decode silently. Decoding evidence photos therefore switches it
# off for the duration, under a lock so threads of one process agree.
_STRICT_DECODE = threading.Lock()


@contextlib.contextmanager
def _strict_decoding():
    with _STRICT_DECODE:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
FORMAT_OF_PILLOW = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
TAG_DATETIME, TAG_DATETIME_ORIGINAL, TAG_OFFSET_ORIGINAL = 0x0132, 0x9003, 0x9011


class PhotoError(ValidationError):
    """An upload that is not an acceptable photo; `code` is not_image, too_large, too_many_pixels or corrupt."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes  # the re-encoded JPEG, without metadata
    width: int
    height: int
    sha256: str
    original_name: str
    gps: tuple[float, float] | None  # (lat, lon) WGS-84 from EXIF, before stripping
    taken_at: datetime.datetime | None


def sniff(head: bytes) -> str | None:
    """The image format named by the file's magic bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def _read(uploaded, limit: int) -> bytes:
    too_large = PhotoError(
        _("照片过大（最大 %(mb)s MB）。") % {"mb": round(limit / 1024 / 1024, 1)}, code="too_large"
    )
    if isinstance(uploaded, bytes | bytearray):
        data = bytes(uploaded)
    else:
        size = getattr(uploaded, "size", None)
        if size is not None and size > limit:
            raise too_large
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)
        data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def _open_checked(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse pixel bombs before anything is decoded."""
    max_pixels = settings.PHOTO_MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    too_many = PhotoError(
        _("照片像素过多（最多 %(mp)s 百万像素）。") % {"mp": round(max_pixels / 1_000_000)},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many
    except Exception:  # noqa: BLE001 - Pillow raises many types for unreadable headers
        raise PhotoError(_("照片文件已损坏或不完整。"), code="corrupt")
    width, height = image.size
    if width <= 0 or height <= 0:
        raise PhotoError(_("照片文件已损坏或不完整。"), code="corrupt")
    if width * height > max_pixels:
        raise too_many
    return image


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    try:
        gps = exif.get_ifd(GPS_IFD)
        if not gps or 2 not in gps or 4 not in gps:
            return None

        def degrees(dms, ref) -> float:
            d, m, s = (_rational(x) for x in dms)
            value = d + m / 60 + s / 3600
            return -value if str(ref).upper().startswith(("S", "W")) else value

        lat = degrees(gps[2], gps.get(1, "N"))
        lon = degrees(gps[4], gps.get(3, "E"))
    except Exception:  # noqa: BLE001 - malformed GPS blocks are common; the photo is still fine
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lat, 7), round(lon, 7)


def _taken_at(exif: Image.Exif) -> datetime.datetime | None:
    """EXIF DateTimeOriginal (or DateTime); a time without offset is taken as Asia/Shanghai local time."""
    try:
        sub = exif.get_ifd(EXIF_IFD)
        raw = sub.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
        if not raw:
            return None
        taken = datetime.datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
        offset = str(sub.get(TAG_OFFSET_ORIGINAL) or "").strip("\x00 ")
        if offset:
            return datetime.datetime.fromisoformat(f"{taken.isoformat()}{offset}")
        return taken.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    except Exception:  # noqa: BLE001 - missing or malformed dates are simply unknown
        return None


def _to_srgb_rgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except Exception:  # noqa: BLE001 - a broken profile: keep the pixels as they are
            pass
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image: Image.Image, quality: int) -> bytes:
    # A new image from the bare pixels: nothing of the original's info (EXIF, XMP, ICC, comments) survives.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _original_name(uploaded) -> str:
    name = getattr(uploaded, "name", "") or ""
    return PurePath(str(name).replace("\\", "/")).name[:200]


def process_photo(uploaded_file) -> ProcessedPhoto:
    """Check and clean one uploaded photo (an UploadedFile, a binary file object or bytes)."""
    data = _read(uploaded_file, settings.PHOTO_MAX_BYTES)
    kind = sniff(data[:32])
    if kind is None:
        raise PhotoError(_("不是支持的图片文件（仅支持 JPEG、PNG、WebP、HEIC）。"), code="not_image")
    image = _open_checked(data)
    if FORMAT_OF_PILLOW.get(image.format or "") != kind:
        raise PhotoError(_("照片文件已损坏或不完整。"), code="corrupt")
    max_side = settings.PHOTO_MAX_SIDE
    try:
        exif = image.getexif()
        gps, taken_at = _gps(exif), _taken_at(exif)
        if kind == "JPEG":
            image.draft("RGB", (max_side, max_side))
        with _strict_decoding():
            image.load()
        image = ImageOps.exif_transpose(image)
        image = _to_srgb_rgb(image)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
        content = _encode(image, JPEG_QUALITY)
    except PhotoError:
        raise
    except Exception:  # noqa: BLE001 - truncated or corrupt data surfaces as many exception types
        raise PhotoError(_("照片文件已损坏或不完整。"), code="corrupt")
    return ProcessedPhoto(
        content=content,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=_original_name(uploaded_file),
        gps=gps,
        taken_at=taken_at,
    )


def make_thumbnail(content: bytes, side: int = 320) -> bytes:
    """A small JPEG (longest side `side`) of an already processed photo."""
    try:
        image = Image.open(io.BytesIO(content))
        image.draft("RGB", (side, side))
        image = _to_srgb_rgb(image)
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        return _encode(image, THUMBNAIL_QUALITY)
    except Exception:  # noqa: BLE001
        raise PhotoError(_("照片文件已损坏或不完整。"), code="corrupt")


def save_processed_photo(instance, processed: ProcessedPhoto):
    """Fill a `PhotoBase` instance from a processed photo, write the photo and its thumbnail, save it."""
    stem = uuid.uuid4().hex
    instance.original_name = processed.original_name
    instance.width, instance.height = processed.width, processed.height
    instance.sha256 = processed.sha256
    instance.gps_lat, instance.gps_lon = processed.gps or (None, None)
    instance.taken_at = processed.taken_at
    instance.image.save(f"{stem}.jpg", ContentFile(processed.content), save=False)
    instance.thumbnail.save(f"{stem}.jpg", ContentFile(make_thumbnail(processed.content)), save=False)
    instance.save()
    return instance
