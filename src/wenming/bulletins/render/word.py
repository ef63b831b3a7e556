"""DOCX in official-document layout (党政机关公文格式, GB/T 9704 in spirit): A4, red issuer head with the
document number and a red rule, 方正小标宋-style title, 仿宋 body at 三号 with 28 pt lines, headings 一、 in
黑体 and （一） in 楷体, tables whose rows never break across pages (header row repeated), an appendix of
before/after photos two per row, page numbers "— n —" in the footer. Font names come from settings
(`BULLETIN_TITLE_FONT`, `BULLETIN_BODY_FONT`, `BULLETIN_HEADING_FONT`, `BULLETIN_SUBHEADING_FONT`): the
reader's Word/WPS substitutes a font it lacks, so the layout opens everywhere.

Table rows are appended as raw WordprocessingML (parsed 200 rows at a time), and pictures are related and
numbered here, not through python-docx's cell objects and `add_picture` (both scan the whole document per call):
a bulletin of 5,000 problems and 2,000 photos stays a matter of seconds.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from wenming.bulletins.render import photos as print_photos
from wenming.bulletins.render.document import Outline, Section, Table, heading_label

RED = RGBColor(0xC0, 0x00, 0x00)
CONTENT_WIDTH_CM = 21.0 - 2.8 - 2.6
PHOTO_WIDTH_CM = print_photos.PHOTO_WIDTH_CM


def _east_asian(style_or_run_element, name: str) -> None:
    rpr = style_or_run_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _paragraph_style(doc, name: str, font: str, size: float, *, bold=False, align=None, line=None, indent=False,
                     before=0, after=0, keep_next=False):  # fmt: skip
    styles = doc.styles
    style = (
        styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.name = font
    _east_asian(style.element, font)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if line:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    else:
        pf.line_spacing = 1.0
    pf.first_line_indent = Pt(size * 2) if indent else Pt(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.keep_with_next = keep_next
    pf.widow_control = True
    return style


def _styles(doc, fonts: dict) -> dict[str, str]:
    body = fonts["body"]
    _paragraph_style(doc, "Normal", body, 16, line=28, indent=True)
    made = {
        "issuer": _paragraph_style(doc, "WM Issuer", fonts["title"], 26, align=WD_ALIGN_PARAGRAPH.CENTER, line=40),
        "docno": _paragraph_style(doc, "WM DocNo", body, 16, align=WD_ALIGN_PARAGRAPH.CENTER, line=28, after=6),
        "title": _paragraph_style(doc, "WM Title", fonts["title"], 22, align=WD_ALIGN_PARAGRAPH.CENTER, line=36,
                                  before=12, after=12),
        "h1": _paragraph_style(doc, "WM Heading 1", fonts["heading"], 16, line=28, indent=True, keep_next=True),
        "h2": _paragraph_style(doc, "WM Heading 2", fonts["subheading"], 16, line=28, indent=True, keep_next=True),
        "body": doc.styles["Normal"],
        "plain": _paragraph_style(doc, "WM Plain", body, 16, line=28),
        "right": _paragraph_style(doc, "WM Right", body, 16, line=28, align=WD_ALIGN_PARAGRAPH.RIGHT),
        "caption": _paragraph_style(doc, "WM Caption", fonts["heading"], 12, align=WD_ALIGN_PARAGRAPH.CENTER,
                                    before=6, after=4, keep_next=True),
        "note": _paragraph_style(doc, "WM Note", body, 10.5, after=6),
        "cell": _paragraph_style(doc, "WM Cell", body, 9),
        "cellsmall": _paragraph_style(doc, "WM Cell Small", body, 8),
        "cellhead": _paragraph_style(doc, "WM Cell Head", fonts["heading"], 9, align=WD_ALIGN_PARAGRAPH.CENTER),
        "photo": _paragraph_style(doc, "WM Photo", body, 9, align=WD_ALIGN_PARAGRAPH.CENTER),
        "footer": _paragraph_style(doc, "WM Footer", body, 14, align=WD_ALIGN_PARAGRAPH.CENTER),
    }  # fmt: skip
    return {key: style.style_id for key, style in made.items()}


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _page_numbers(doc, style_id: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.style = doc.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    paragraph.add_run(" —")


def _rule(paragraph, color: str = "C00000", size: int = 12, where: str = "bottom") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{where}")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", color)):
        edge.set(qn(k), v)
    borders.append(edge)
    ppr.append(borders)


def _para(doc, text: str, style_id: str, *, color=None):
    """A body paragraph of a style, built directly (python-docx's style setter looks the style up each time)."""
    p = doc.element.body.add_p()
    p.style = style_id
    run = Run(p.add_r(), doc._body)
    run.text = text
    if color is not None:
        run.font.color.rgb = color
    return Paragraph(p, doc._body)


# --- tables as raw rows ------------------------------------------------------------------------------------


def _el(tag: str, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
CHUNK = 200


def _cell_text(text) -> str:
    lines = [escape(CONTROL_CHARS.sub("", line)) for line in str(text).split("\n")]
    return '</w:t><w:br/><w:t xml:space="preserve">'.join(lines)


def _rows_xml(rows, widths_twips: list[int], style_id: str, *, header: bool = False) -> str:
    """WordprocessingML of table rows as text (one parse per chunk is far cheaper than an element per node)."""
    tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>' if header else ""
    out = []
    for texts in rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}<w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t xml:space="preserve">{_cell_text(text)}'
            "</w:t></w:r></w:p></w:tc>"
            for text, width in zip(texts, widths_twips, strict=False)
        )
        out.append(f"<w:tr>{tr_pr}{cells}</w:tr>")
    return "".join(out)


def _append_rows(tbl, rows, widths, style_id: str, *, header: bool = False) -> None:
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{_rows_xml(rows, widths, style_id, header=header)}</w:tbl>")
    for tr in list(parsed):
        tbl.append(tr)


def _table(doc, table: Table, styles: dict, progress=None) -> None:
    table = table.printed()
    _para(doc, table.caption, styles["caption"])
    if not table.rows:
        _para(doc, table.empty or _("无。"), styles["plain"])
        return
    total = sum(table.widths) or 1
    widths = [int(CONTENT_WIDTH_CM * w / total * 567) for w in table.widths]  # 567 twips per cm
    t = doc.add_table(rows=0, cols=len(table.header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # a fixed layout (w:tblLayout, inserted in schema order by python-docx)
    tbl = t._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(width))
    _append_rows(tbl, [table.header], widths, styles["cellhead"], header=True)
    for start in range(0, len(table.rows), CHUNK):
        chunk = table.rows[start : start + CHUNK]
        _append_rows(tbl, chunk, widths, styles["cellsmall" if table.is_wide else "cell"])
        if progress is not None:
            progress(len(chunk))
    if table.note:
        _para(doc, table.note, styles["note"])


def _section(doc, section: Section, index: int, styles: dict, progress) -> None:
    _para(doc, heading_label(section, index), styles["h1" if section.level == 1 else "h2"])
    for text in section.paragraphs:
        _para(doc, text, styles["body"])
    for table in section.tables:
        _table(doc, table, styles, progress)
    for i, child in enumerate(section.children, start=1):
        _section(doc, child, i, styles, progress)


class _Images:
    """Pictures added in O(1) each: python-docx's `add_picture` searches the whole document for the next shape
    id and scans every image part for the next part name, which is quadratic over 2,000 photos."""

    def __init__(self, doc):
        self.part = doc.part
        self.by_sha1: dict[str, tuple[str, ImagePart]] = {}
        self.shape_id = 10_000

    def inline(self, content: bytes, width):
        image = Image.from_blob(content)
        found = self.by_sha1.get(image.sha1)
        if found is None:
            partname = PackURI(f"/word/media/wm-photo-{len(self.by_sha1) + 1}.{image.ext}")
            image_part = ImagePart.from_image(image, partname)
            found = self.by_sha1[image.sha1] = (self.part.relate_to(image_part, RT.IMAGE), image_part)
        rid, image_part = found
        cx, cy = image_part.image.scaled_dimensions(width, None)
        self.shape_id += 1
        return CT_Inline.new_pic_inline(self.shape_id, rid, image_part.image.filename, cx, cy)


def _photo_cell(cell, entry, style_id: str, images: _Images, copies: dict) -> None:
    p = cell.paragraphs[0]._p
    p.style = style_id
    copy = copies.get(entry.path) or print_photos.PrintCopy(error=print_photos.MISSING)
    r = p.add_r()
    if copy.name:
        try:
            r.add_drawing(images.inline(print_photos.read(copy), Cm(PHOTO_WIDTH_CM)))
        except Exception:  # noqa: BLE001 - a damaged image must not stop the document
            r.text = _("（照片无法读取）")
    elif copy.error == print_photos.UNREADABLE:
        r.text = _("（照片无法读取）")
    else:
        r.text = _("（照片文件缺失）")
    caption = cell._tc.add_p()
    caption.style = style_id
    caption.add_r().text = entry.caption


def _photos(doc, outline: Outline, styles: dict, progress) -> None:
    if not outline.photos:
        return
    doc.add_page_break()
    _para(doc, _("附件"), styles["h1"])
    _para(doc, _("问题照片（整改前 / 整改后）"), styles["caption"])
    images = _Images(doc)
    copies = print_photos.prepare(e.path for _heading, entries in outline.photos for e in entries)
    for heading, entries in outline.photos:
        _para(doc, heading, styles["note"]).paragraph_format.keep_with_next = True
        rows = (len(entries) + 1) // 2
        t = doc.add_table(rows=rows, cols=2)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r in range(rows):
            trpr = t.rows[r]._tr.get_or_add_trPr()
            trpr.append(_el("w:cantSplit"))
            for c in range(2):
                k = r * 2 + c
                if k < len(entries):
                    _photo_cell(t.cell(r, c), entries[k], styles["photo"], images, copies)
        if progress is not None:
            progress(len(entries))


def write_docx(outline: Outline, progress=None) -> bytes:
    """The DOCX bytes. `progress(n)` is called as table rows and photos are written (n = how many more)."""
    doc = Document()
    _page(doc)
    styles = _styles(doc, outline.fonts)
    _page_numbers(doc, styles["footer"])
    _para(doc, outline.issuer, styles["issuer"], color=RED)
    _rule(_para(doc, outline.doc_number, styles["docno"]))
    _para(doc, outline.title, styles["title"])
    _para(doc, outline.recipients, styles["plain"])
    for i, section in enumerate(outline.sections, start=1):
        _section(doc, section, i, styles, progress)
    _para(doc, "", styles["plain"])
    for line in outline.closing:
        _para(doc, line, styles["right"])
    if outline.cc:
        cc = _para(doc, _("抄送：%(cc)s") % {"cc": outline.cc}, styles["note"])
        _rule(cc, color="000000", size=6, where="top")
    _photos(doc, outline, styles, progress)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def work_units(outline: Outline) -> int:
    """How many progress units `write_docx` reports in all (table rows + photos)."""

    def rows(section: Section) -> int:
        return sum(len(t.rows) for t in section.tables) + sum(rows(c) for c in section.children)

    return sum(rows(s) for s in outline.sections) + sum(len(e) for _h, e in outline.photos)
