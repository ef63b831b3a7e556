"""PDF with WeasyPrint from the same outline (run in a background job: a large bulletin takes a while).

The CJK font is a local TrueType collection referenced by @font-face with a file URL
(`settings.BULLETIN_PDF_FONT`, default WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, which the
Makefile's apt list installs); the configured official font names come first, so a machine that has them
uses them. Photos are read from MEDIA_ROOT through file URLs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

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


def _photo_url(relative: str) -> str:
    path = Path(settings.MEDIA_ROOT) / relative
    return path.resolve().as_uri() if relative and path.is_file() else ""


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

    return weasyprint.HTML(string=html(outline), base_url=str(settings.MEDIA_ROOT)).write_pdf()
