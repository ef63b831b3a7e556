"""PDF with WeasyPrint from the same outline (run in a background job: a large bulletin takes a while).

The CJK font is a local TrueType collection referenced by @font-face with a file URL
(`settings.BULLETIN_PDF_FONT`, default WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, which the
Makefile's apt list installs); the configured official font names come first, so a machine that has them
uses them. Photos are read through the storage API (the disk or the bucket, wenming.core.storage): the HTML
names them `wenming-media:<name>` and the URL fetcher opens them from `default_storage`.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from wenming.bulletins.render.document import Outline, Section, Table, heading_label
from wenming.core.storage import read_bytes

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# WeasyPrint reports every layout step at INFO; bulletins only want its warnings in the worker's log.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def font_path() -> Path:
    return Path(getattr(settings, "BULLETIN_PDF_FONT", "") or DEFAULT_FONT)


@dataclass
class _Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    note: str
    empty: str
    percent_widths: list[float]
    is_wide: bool = False


@dataclass
class _Section:
    label: str
    level: int
    paragraphs: list[str]
    tables: list[_Table]
    children: list


def _table(t: Table) -> _Table:
    t = t.printed()
    total = sum(t.widths) or 1
    return _Table(
        t.caption, t.header, t.rows, t.note, t.empty, [round(w / total * 100, 2) for w in t.widths], t.is_wide
    )


def _section(s: Section, index: int) -> _Section:
    return _Section(
        heading_label(s, index),
        s.level,
        s.paragraphs,
        [_table(t) for t in s.tables],
        [_section(c, i) for i, c in enumerate(s.children, start=1)],
    )


MEDIA_SCHEME = "wenming-media:"


def _photo_url(relative: str) -> str:
    return MEDIA_SCHEME + quote(relative) if relative and default_storage.exists(relative) else ""


def _stored(url: str) -> tuple[bytes, str]:
    name = unquote(url[len(MEDIA_SCHEME) :])
    content = read_bytes(default_storage, name)
    if content is None:
        raise FileNotFoundError(name)
    return content, mimetypes.guess_type(name)[0] or "image/jpeg"


def url_fetcher():
    """WeasyPrint's fetcher, plus `wenming-media:<name>`: a stored photo read through `default_storage`."""
    import weasyprint

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint >= 68: a fetcher class

        class Fetcher(weasyprint.URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith(MEDIA_SCHEME):
                    content, mime_type = _stored(url)
                    return weasyprint.urls.URLFetcherResponse(url, content, {"Content-Type": mime_type})
                return super().fetch(url, headers)

        return Fetcher()

    def fetch(url, *args, **kwargs):  # older WeasyPrint: a function returning a dict
        if url.startswith(MEDIA_SCHEME):
            content, mime_type = _stored(url)
            return {"string": content, "mime_type": mime_type}
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


def _photos(outline: Outline) -> list:
    out = []
    for heading, entries in outline.photos:
        cells = [{"url": _photo_url(e.path), "caption": e.caption} for e in entries]
        if len(cells) % 2:
            cells.append({"url": "", "caption": ""})
        out.append((heading, [cells[i : i + 2] for i in range(0, len(cells), 2)]))
    return out


def html(outline: Outline) -> str:
    return render_to_string(
        "bulletins/pdf/bulletin.html",
        {
            "o": outline,
            "sections": [_section(s, i) for i, s in enumerate(outline.sections, start=1)],
            "photos": _photos(outline),
            "font_url": font_path().resolve().as_uri(),
        },
    )


def write_pdf(outline: Outline) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html(outline), url_fetcher=url_fetcher()).write_pdf()
