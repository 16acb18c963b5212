"""A second PDF renderer, for the long plain lists only (PL02–PL07 of a whole city): ReportLab
draws the same document as reports/pdf.html — official header and motto, title, the table with
its heading repeated on every page, page numbers from page 2, the signature block, the bundled
Liberation Serif embedded — about seven times faster than WeasyPrint lays out a table (issue 17:
WeasyPrint needs ~12 ms a row, so a city list of 1,167 rows took 14 s on one core).

It draws the same dataset (``reports.rendering.document_context``): the dataset stays the one
source, and tests/reports/test_long_documents.py holds both renderers to the same format tests.
Like ``reports.pdf.render_pdf_part`` it can draw one part of a list without page numbers, for
``reports.pdf.join_parts``."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings as django_settings

from reports.dataset import Dataset
from reports.rendering import document_context

FONT = "LiberationSerif"
FONT_DIR = Path(django_settings.BASE_DIR) / "static" / "fonts"
MARGINS_MM = (30, 15, 20, 20)  # left, right, top, bottom: those of pdf.html's @page
_FONTS_READY = False


def _fonts() -> None:
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = FONT_DIR
    for suffix, bold, italic in (("", 0, 0), ("-Bold", 1, 0), ("-Italic", 0, 1), ("-BoldItalic", 1, 1)):
        name = FONT + suffix
        pdfmetrics.registerFont(TTFont(name, str(fonts / f"LiberationSerif{suffix or '-Regular'}.ttf")))
        addMapping(FONT, bold, italic, name)
    _FONTS_READY = True


def _para(text: str, style, bold: bool = False, italic: bool = False):
    from reportlab.platypus import Paragraph

    text = escape(text)
    if bold:
        text = f"<b>{text}</b>"
    if italic:
        text = f"<i>{text}</i>"
    return Paragraph(text, style)


def render_list_pdf(ds: Dataset, settings, part: dict | None = None, issued=None) -> bytes:
    """The PDF of a plain list ``ds`` (one table, no sections). With ``part`` ({"first": bool,
    "last": bool}) only the first part draws the header and only the last the signature, and no
    page is numbered (``join_parts`` numbers the joined document)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    _fonts()
    ctx = document_context(ds, settings, issued)
    first = part is None or part["first"]
    last = part is None or part["last"]
    page_size = landscape(A4) if ds.landscape else A4
    left, right, top, bottom = (m * mm for m in MARGINS_MM)
    width = page_size[0] - left - right
    body_size = 9.5 if ds.landscape else 12

    def style(name, size, **kw):
        return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=size * 1.15, **kw)

    centre12, centre13 = style("c12", 12, alignment=TA_CENTER), style("c13", 13, alignment=TA_CENTER)
    cell, cell_num = style("cell", body_size), style("num", body_size, alignment=TA_RIGHT)
    head = style("head", body_size, alignment=TA_CENTER)
    story = []
    rule = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                       ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    if first:
        s = ctx["settings"]
        issuer = [_para(s.issuer_parent.upper(), centre12)] if s.issuer_parent else []
        issuer += [_para(s.issuer.upper(), centre12, bold=True), _rule(width * 0.4 * 0.35),
                   Spacer(1, 6), _para(ctx["number_line"], centre12)]
        motto = [_para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", centre12, bold=True),
                 _para("Độc lập - Tự do - Hạnh phúc", centre13, bold=True), _rule(width * 0.6 * 0.5)]
        if ctx["place_date"]:
            motto += [Spacer(1, 8), _para(ctx["place_date"], centre13, italic=True)]
        header = Table([[issuer, motto]], colWidths=[width * 0.4, width * 0.6])
        header.setStyle(rule)
        story += [header, Spacer(1, 16), _para(ds.title.upper(), centre13, bold=True)]
        if ds.subtitle:
            story += [Spacer(1, 2), _para(ds.subtitle, style("sub", 11 if ds.landscape else 13, alignment=TA_CENTER),
                                          italic=True)]
        story.append(Spacer(1, 10))

    table = ctx["table"]
    total = sum(c.width for c in ds.columns) or 1
    widths = [width * c.width / total for c in ds.columns]
    ncols = len(ds.columns)
    rows, commands = [], [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), body_size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    # the heading: HeaderCell spans placed on a grid, as HTML lays out colspan/rowspan
    taken: set[tuple[int, int]] = set()
    heading = [["" for _ in range(ncols)] for _ in ds.header_rows]
    for r, header_row in enumerate(ds.header_rows):
        c = 0
        for h in header_row:
            while (r, c) in taken:
                c += 1
            if c >= ncols:
                break
            heading[r][c] = _para(h.text, head, bold=True)
            end_r, end_c = r + h.rowspan - 1, min(ncols, c + h.colspan) - 1
            for rr in range(r, end_r + 1):
                for cc in range(c, end_c + 1):
                    taken.add((rr, cc))
            if (end_r, end_c) != (r, c):
                commands.append(("SPAN", (c, r), (end_c, end_r)))
            c = end_c + 1
    rows.extend(heading)
    for row in table["rows"]:
        rows.append([_para(x["text"], cell_num if x["num"] else cell, bold=row["style"] in ("group", "subtotal", "total"))
                     for x in row["cells"]])
    if not table["rows"]:
        rows.append([_para("Không có số liệu.", cell)] + [""] * (ncols - 1))
        commands.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    grid = Table(rows, colWidths=widths, repeatRows=len(heading), splitByRow=1)
    grid.setStyle(TableStyle(commands))
    story.append(grid)

    if last:
        justified = style("note", 13 if not ds.landscape else 11, alignment=TA_JUSTIFY)
        for note in ds.notes:
            story += [Spacer(1, 6), _para(note, justified)]
        recipients = []
        if ctx["recipients"]:
            recipients.append(_para("Nơi nhận:", style("rt", 12), bold=True, italic=True))
            recipients += [_para(f"- {r}", style("rc", 11)) for r in ctx["recipients"]]
        signer = [_para(line or " ", centre13, bold=True) for line in ctx["signature_lines"]]
        block = Table([[recipients or "", signer]], colWidths=[width * 0.5, width * 0.5])
        block.setStyle(rule)
        story += [Spacer(1, 14), block]

    out = io.BytesIO()

    def number(canvas, doc):
        _draw_number(canvas, page_size, doc.page)

    doc = SimpleDocTemplate(out, pagesize=page_size, leftMargin=left, rightMargin=right, topMargin=top,
                            bottomMargin=bottom, title=ds.title, author=ctx["settings"].issuer,
                            # the canvas's own initial font would be Helvetica, not embedded
                            initialFontName=FONT)
    if part is None:
        doc.build(story, onLaterPages=number)
    else:
        doc.build(story)
    return out.getvalue()


def _rule(length: float):
    from reportlab.platypus.flowables import HRFlowable

    return HRFlowable(width=length, thickness=0.6, color="#000000", spaceBefore=2, spaceAfter=0, hAlign="CENTER")


def _draw_number(canvas, page_size, number: int) -> None:
    """The page number, centred in the top margin (where pdf.html's @top-center box puts it)."""
    from reportlab.lib.units import mm

    left, right, top, _bottom = (m * mm for m in MARGINS_MM)
    canvas.saveState()
    canvas.setFont(FONT, 13)
    canvas.drawCentredString(left + (page_size[0] - left - right) / 2, page_size[1] - top / 2 - 4, str(number))
    canvas.restoreState()


def page_numbers_pdf(landscape_: bool, pages: int) -> bytes:
    """A PDF whose page k shows only the number k (none on page 1), to stamp on joined parts."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    _fonts()
    page_size = landscape(A4) if landscape_ else A4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page_size, initialFontName=FONT)
    for number in range(1, pages + 1):
        if number > 1:
            _draw_number(canvas, page_size, number)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
