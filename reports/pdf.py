"""PDF renderer (WeasyPrint). It never fetches anything from the network: the only resources a
report may load are files under the app's static directory (the bundled font)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings as django_settings
from django.template.loader import render_to_string

from reports.dataset import Dataset
from reports.documents import default_issuer
from reports.rendering import document_context

STATIC_DIR = Path(django_settings.BASE_DIR) / "static"


def _weasy():
    import weasyprint  # imported lazily: needs system Pango

    return weasyprint


def static_url_fetcher():
    """A WeasyPrint URL fetcher that serves files from the static directory only and refuses
    every other URL (http, https, ftp, data, files elsewhere)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = STATIC_DIR.resolve()

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise ValueError(f"Refused to fetch non-local URL: {url}")
            path = Path(unquote(parsed.path)).resolve()
            if root != path and root not in path.parents:
                raise ValueError(f"Refused to fetch a file outside the static directory: {url}")
            if not path.is_file():
                raise ValueError(f"No such static file: {url}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return _Fetcher()


def render_pdf(ds: Dataset, settings=None, issued=None, context: dict | None = None) -> bytes:
    """``settings``: the issuer (``reports.documents.issuer_for``; default: the city's, for the
    period — a draft); ``issued``: the register entry, None for a draft."""
    settings = settings or default_issuer(ds)
    html = render_to_string("reports/pdf.html", {**document_context(ds, settings, issued), **(context or {}),
                                                 "font_dir": STATIC_DIR.resolve().as_uri() + "/fonts/"})
    weasyprint = _weasy()
    return weasyprint.HTML(string=html, base_url=STATIC_DIR.resolve().as_uri() + "/",
                           url_fetcher=static_url_fetcher()).write_pdf()
