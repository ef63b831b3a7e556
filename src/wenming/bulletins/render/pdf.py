"""PDF with WeasyPrint from the same outline (run in a background job: a large bulletin takes a while).

The CJK font is a local TrueType collection referenced by @font-face with a file URL
(`settings.BULLETIN_PDF_FONT`, default WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, which the
Makefile's apt list installs); the configured official font names come first, so a machine that has them
uses them. WeasyPrint subsets it with HarfBuzz (`libharfbuzz-subset0`, in the Makefile's apt list) and falls
back to fontTools, several times slower on a CJK collection, when that library is missing (`font_subsetter()`).

Photos are embedded as their print copies (`render.photos`: downscaled once to print resolution and kept in
the default storage), fetched through the storage API by a URL fetcher that serves `wm-storage:` URLs and local
files only (no network).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from wenming.bulletins.render import photos as print_photos
from wenming.bulletins.render.document import Outline, Section, Table, heading_label

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
    body: str = ""  # the <tr> rows, escaped here: a template loop per cell costs more than the rest of it


def _rows_html(rows: list[list[str]]) -> str:
    """The rows as HTML, escaped exactly as the template's autoescape does."""
    return mark_safe(  # noqa: S308 - every cell is escaped
        "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    )


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
        t.caption,
        t.header,
        t.rows,
        t.note,
        t.empty,
        [round(w / total * 100, 2) for w in t.widths],
        t.is_wide,
        _rows_html(t.rows),
    )


def _section(s: Section, index: int) -> _Section:
    return _Section(
        heading_label(s, index),
        s.level,
        s.paragraphs,
        [_table(t) for t in s.tables],
        [_section(c, i) for i, c in enumerate(s.children, start=1)],
    )


STORAGE_SCHEME = "wm-storage:"


def font_subsetter() -> str:
    """ "harfbuzz" when WeasyPrint can subset fonts with HarfBuzz-Subset (≥ 4.1), else "fonttools"."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return "harfbuzz" if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0) else "fonttools"


def _photos(outline: Outline) -> list:
    copies = print_photos.prepare(e.path for _heading, entries in outline.photos for e in entries)
    out = []
    for heading, entries in outline.photos:
        cells = []
        for e in entries:
            copy = copies.get(e.path) or print_photos.PrintCopy(error=print_photos.MISSING)
            url = STORAGE_SCHEME + quote(copy.name) if copy.name else ""
            cells.append(
                {"url": url, "caption": e.caption, "unreadable": copy.error == print_photos.UNREADABLE}
            )
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


def _fetcher():
    """WeasyPrint's URL fetcher limited to local files (the font) and `wm-storage:` names read through the
    default storage (the photos' print copies)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StorageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(STORAGE_SCHEME):
                with default_storage.open(unquote(url[len(STORAGE_SCHEME) :]), "rb") as f:
                    body = f.read()
                return URLFetcherResponse(url, body, {"Content-Type": "image/jpeg"})
            return super().fetch(url, headers)

    return StorageFetcher(allowed_protocols={"file", "data", STORAGE_SCHEME.rstrip(":")})


def write_pdf(outline: Outline) -> bytes:
    import weasyprint

    return weasyprint.HTML(
        string=html(outline), base_url=str(settings.MEDIA_ROOT), url_fetcher=_fetcher()
    ).write_pdf()
