"""QR codes for inspection points: each encodes the point's scan URL, which inspectors open on a phone.

The scan page itself (`/inspections/scan/<code>/`) belongs to the inspections app; here it is only encoded.
"""

import io
from urllib.parse import quote

import segno


def scan_path(point) -> str:
    return f"/inspections/scan/{quote(point.code, safe='')}/"


def scan_url(point, request=None) -> str:
    path = scan_path(point)
    return request.build_absolute_uri(path) if request is not None else path


def qr_svg_inline(url: str, scale: int = 4) -> str:
    """An inline <svg> (no XML declaration) for embedding in a page."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=url)


def qr_file(url: str, kind: str = "png", scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind=kind, scale=scale, border=4)
    return out.getvalue()
