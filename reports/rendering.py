"""What the HTML and PDF templates draw: a dataset turned into printable rows (formatted text
per cell), plus the official header and signature from DocumentSettings."""

from __future__ import annotations

from reports.dataset import Dataset
from reports.excel import signature_lines
from reports.formatting import fmt, issued_place_date, number_line


def table_context(ds: Dataset) -> dict:
    kinds = [c.kind for c in ds.columns]
    rows = []
    for row in ds.rows:
        rows.append({
            "style": row.style,
            "cells": [
                {"text": fmt(v, kinds[i] if i < len(kinds) else "text"),
                 "num": (kinds[i] if i < len(kinds) else "text") in ("int", "money", "percent"),
                 "drill": (row.drill or {}).get(i)}
                for i, v in enumerate(row.cells)
            ],
            "household_ids": row.household_ids,
        })
    total_width = sum(c.width for c in ds.columns) or 1
    widths = [round(c.width * 100 / total_width, 2) for c in ds.columns]
    return {"ds": ds, "header_rows": ds.header_rows, "rows": rows, "widths": widths,
            "ncols": len(ds.columns)}


def document_context(ds: Dataset, settings, issued=None) -> dict:
    """``settings`` is the issuer (``reports.documents.issuer_for``); ``issued`` the register
    entry (number and date) — without it the document is a draft: no number, no date."""
    return {
        "doc": ds,
        "table": table_context(ds),
        "sections": [table_context(s) for s in ds.sections],
        "settings": settings,
        "issued": issued,
        "number_line": number_line(settings, issued),
        "place_date": issued_place_date(settings, issued),
        "signature_lines": signature_lines(ds, settings),
        "recipients": [r.strip() for r in settings.recipients.splitlines() if r.strip()]
        if ds.show_recipients else [],
    }
