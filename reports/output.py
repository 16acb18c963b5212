"""A dataset drawn as a file: its file name and the three renderers behind one call (used by the
views, the jobs and export_report). The issuer and the register entry come from
``reports.documents``."""

from __future__ import annotations

from django.template.loader import render_to_string

from reports.excel import render_xlsx
from reports.rendering import document_context

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "html": "text/html; charset=utf-8"}


def filename(ds, ext: str) -> str:
    year = ds.parameters.get("year", "")
    month = ds.parameters.get("month")
    return f"{ds.code}_{year}{f'-{month:02d}' if month else ''}.{ext}"


def render_dataset(ds, fmt: str, settings, issued=None) -> tuple[bytes, str]:
    """``settings``: the issuer (``reports.documents``); ``issued``: the register entry, None
    for a draft."""
    if fmt == "xlsx":
        return render_xlsx([ds], settings, issued), XLSX_TYPE
    if fmt == "pdf":
        from reports.pdf import render_pdf  # WeasyPrint needs system Pango: loaded only for a PDF

        return render_pdf(ds, settings, issued), CONTENT_TYPES["pdf"]
    html = render_to_string("reports/standalone.html", document_context(ds, settings, issued))
    return html.encode(), CONTENT_TYPES["html"]
