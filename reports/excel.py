"""XLSX renderer: draws datasets as official-format sheets (one sheet per report), and the
formula-escaping helper every spreadsheet export shares."""

from __future__ import annotations

import io
import re

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from reports.dataset import Dataset
from reports.formatting import issued_place_date, number_line
from tamky_poverty.text import spreadsheet_safe

MONEY_FORMAT = "#,##0"
INT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00"
DATE_FORMAT = "dd/mm/yyyy"
FONT = "Times New Roman"

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
NUMERIC = ("int", "money", "percent")
NUMBER_FORMATS = {"money": MONEY_FORMAT, "int": INT_FORMAT, "percent": PERCENT_FORMAT, "date": DATE_FORMAT}
ALIGN_NUMBER = Alignment(horizontal="right", vertical="top", wrap_text=False)
ALIGN_TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
ALIGN_CHILD = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=2)  # a former unit beneath its successor


def safe_cell(value):
    """A value safe to write in a spreadsheet cell (``tamky_poverty.text.spreadsheet_safe``: text
    a spreadsheet could run as a formula gets a leading apostrophe). Numbers, dates and None pass
    unchanged; lazy translations become plain text."""
    if isinstance(value, Promise):
        value = str(value)
    return spreadsheet_safe(value)


def _sheet_title(code: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]\*\?/\\:]", "-", code)[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}-{n}"
        n += 1
    used.add(title)
    return title


def _ncols(ds: Dataset) -> int:
    return max(len(ds.columns), 1)


def _write_table(ws, ds: Dataset, row: int, widths: dict[int, float]) -> tuple[int, int, int]:
    """Write heading rows and body of one table from ``row``; return (first heading row, last
    heading row, next free row)."""
    first_head = row
    occupied: set[tuple[int, int]] = set()
    for hrow in ds.header_rows:
        col = 1
        for cell in hrow:
            while (row, col) in occupied:
                col += 1
            c = ws.cell(row=row, column=col, value=safe_cell(cell.text))
            c.font = Font(name=FONT, bold=True, size=11)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for r in range(row, row + cell.rowspan):
                for cc in range(col, col + cell.colspan):
                    occupied.add((r, cc))
                    ws.cell(row=r, column=cc).border = BORDER
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(start_row=row, start_column=col,
                               end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1)
            col += cell.colspan
        row += 1
    last_head = row - 1
    # One set of style objects per column kind and weight, shared by every cell (building them
    # per cell cost more than writing the cell, on lists of a thousand rows).
    fonts = {False: Font(name=FONT, bold=False, size=11), True: Font(name=FONT, bold=True, size=11)}
    kinds = [c.kind for c in ds.columns]
    formats = [NUMBER_FORMATS.get(k) for k in kinds]
    aligns = [ALIGN_NUMBER if k in NUMERIC else ALIGN_TEXT for k in kinds]
    for drow in ds.rows:
        font = fonts[drow.style in ("group", "subtotal", "total")]
        for i, value in enumerate(drow.cells[:len(kinds)], start=1):
            kind = kinds[i - 1]
            c = ws.cell(row=row, column=i, value=safe_cell(value))
            c.border = BORDER
            c.font = font
            c.alignment = ALIGN_CHILD if drow.style == "child" and kind == "text" else aligns[i - 1]
            if formats[i - 1]:
                c.number_format = formats[i - 1]
            text_len = len(str(value)) + (3 if kind == "money" else 0) if value is not None else 0
            widths[i] = max(widths.get(i, ds.columns[i - 1].width), min(text_len + 2, 60))
        row += 1
    return first_head, last_head, row


def _write_dataset(ws, ds: Dataset, settings, issued=None) -> None:
    ncols = _ncols(ds)
    widths: dict[int, float] = {i: c.width for i, c in enumerate(ds.columns, start=1)}
    left_end = max(1, ncols // 2 - 1) if ncols > 3 else 1
    right_start = min(ncols, left_end + 1)
    bold = Font(name=FONT, bold=True, size=12)
    normal = Font(name=FONT, size=12)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def line(r, c1, c2, text, font, align=center):
        cell = ws.cell(row=r, column=c1, value=safe_cell(text))
        cell.font, cell.alignment = font, align
        if c2 > c1:
            ws.merge_cells(start_row=r, start_column=c1, end_row=r, end_column=c2)

    # Official header: issuer and number top-left, national motto and place-date top-right.
    line(1, 1, left_end, settings.issuer_parent.upper(), normal)
    line(2, 1, left_end, settings.issuer.upper(), bold)
    line(3, 1, left_end, number_line(settings, issued), normal)
    line(1, right_start, ncols, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    line(2, right_start, ncols, "Độc lập - Tự do - Hạnh phúc", Font(name=FONT, bold=True, size=13))
    line(3, right_start, ncols, issued_place_date(settings, issued), Font(name=FONT, italic=True, size=12))
    line(5, 1, ncols, ds.title.upper(), Font(name=FONT, bold=True, size=13))
    row = 6
    if ds.subtitle:
        line(6, 1, ncols, ds.subtitle, Font(name=FONT, italic=True, size=12))
        row = 7
    row += 1
    if ds.table_title:
        line(row, 1, ncols, ds.table_title, Font(name=FONT, bold=True, size=12), Alignment(horizontal="left"))
        row += 1
    first_head, last_head, row = _write_table(ws, ds, row, widths)
    if ds.header_rows:
        ws.freeze_panes = ws.cell(row=last_head + 1, column=1)
        ws.print_title_rows = f"{first_head}:{last_head}"
    for section in ds.sections:
        row += 1
        line(row, 1, ncols, section.title, Font(name=FONT, bold=True, size=12),
             Alignment(horizontal="left"))
        row += 1
        _, _, row = _write_table(ws, section, row, widths)
    for note in ds.notes:
        row += 1
        line(row, 1, ncols, note, normal, Alignment(horizontal="left", wrap_text=True))
    # Signature block.
    row += 2
    if ds.show_recipients:
        line(row, 1, left_end, "Nơi nhận:", Font(name=FONT, bold=True, italic=True, size=12),
             Alignment(horizontal="left"))
        for i, rec in enumerate(r for r in settings.recipients.splitlines() if r.strip()):
            # "- " would look like a formula to a spreadsheet: "quote prefix" keeps it text
            # without the visible apostrophe of safe_cell.
            line(row + 1 + i, 1, left_end, "", Font(name=FONT, size=11), Alignment(horizontal="left"))
            cell = ws.cell(row=row + 1 + i, column=1)
            cell.value, cell.data_type, cell.quotePrefix = f"- {rec.strip()}", "s", True
    for i, text in enumerate(signature_lines(ds, settings)):
        line(row + i, right_start, ncols, text, bold)
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if ds.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top, ws.page_margins.bottom = 20 / 25.4, 20 / 25.4
    # Page numbers top centre from page 2 (NĐ 30/2020), as in the PDF.
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = FONT


def signature_lines(ds: Dataset, settings) -> list[str]:
    if ds.signature == "authority":
        lines = [settings.signer_authority, settings.signer_deputy, settings.signer_title]
        return [x for x in lines if x] + ["", "", settings.signer_name]
    return [settings.preparer_title, "", "", ""]


def render_xlsx(datasets: list[Dataset], settings=None, issued=None) -> bytes:
    """One workbook, one sheet per dataset. ``settings`` is the issuer (or one per dataset;
    default: the city's, for the period — a draft); ``issued`` the register entry (or one per
    dataset, None for a draft)."""
    from reports.documents import default_issuer

    settings = settings or [default_issuer(ds) for ds in datasets]
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    settings_list = settings if isinstance(settings, list) else [settings] * len(datasets)
    issued_list = issued if isinstance(issued, list) else [issued] * len(datasets)
    for ds, one_settings, one_issued in zip(datasets, settings_list, issued_list, strict=True):
        ws = wb.create_sheet(_sheet_title(ds.code, used))
        _write_dataset(ws, ds, one_settings, one_issued)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
