"""A dataset drawn as a file: the document settings that apply to it, its file name, and the
three renderers behind one call (used by the views, the jobs and export_report)."""

from __future__ import annotations

from django.template.loader import render_to_string

from reports.excel import render_xlsx
from reports.models import DocumentSettings
from reports.rendering import document_context

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "html": "text/html; charset=utf-8"}


def settings_for(ds):
    """Document settings for one dataset (a unit's own report is issued by its People's Committee)."""
    settings = DocumentSettings.current()
    issuer = ds.parameters.get("issuer")
    if issuer:
        settings.issuer_parent = settings.issuer
        settings.issuer = issuer
    return settings


def filename(ds, ext: str) -> str:
    year = ds.parameters.get("year", "")
    month = ds.parameters.get("month")
    return f"{ds.code}_{year}{f'-{month:02d}' if month else ''}.{ext}"


def render_dataset(ds, fmt: str) -> tuple[bytes, str]:
    settings = settings_for(ds)
    if fmt == "xlsx":
        return render_xlsx([ds], settings), XLSX_TYPE
    if fmt == "pdf":
        from reports.pdf import render_pdf  # WeasyPrint needs system Pango: loaded only for a PDF

        return render_pdf(ds, settings), CONTENT_TYPES["pdf"]
    html = render_to_string("reports/standalone.html", document_context(ds, settings))
    return html.encode(), CONTENT_TYPES["html"]
