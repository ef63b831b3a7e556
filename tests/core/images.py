"""Real test images made with Pillow (no piexif): EXIF with GPS, orientation and date, ICC, XMP, comments."""

import io
import struct
import zlib

from PIL import Image, ImageCms
from PIL.TiffImagePlugin import IFDRational

GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def exif_with_gps(
    lat=(24, 30, 54), lon=(118, 8, 24), orientation=6, taken="2025:09:29 10:15:00"
) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestPhone"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[3] = "N", "E"
    gps[2] = tuple(IFDRational(v, 1) for v in lat)
    gps[4] = tuple(IFDRational(v, 1) for v in lon)
    exif.get_ifd(EXIF_IFD)[0x9003] = taken
    return exif


def two_tone(size=(400, 200)) -> Image.Image:
    """Left half red, right half blue: shows which way the picture was turned."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_metadata(size=(400, 200), **exif_kw) -> bytes:
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    two_tone(size).save(
        out,
        "JPEG",
        exif=exif_with_gps(**exif_kw).tobytes(),
        icc_profile=icc,
        comment=b"secret comment",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>',
        quality=90,
    )
    return out.getvalue()


def encoded(fmt: str, size=(300, 200), mode="RGB", color=(10, 120, 30)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width × height pixels, followed by a tiny (wrong) IDAT and IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
