"""PDF renderer (WeasyPrint). It never fetches anything from the network: the only resources a
report may load are files under the app's static directory (the bundled font)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings as django_settings
from django.template.loader import render_to_string

from reports import pdf_lists
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


# ------------------------------------------------------------------ long lists: parts in parallel
#
# WeasyPrint lays a table out at ~12 ms per row on one core, linearly. A long list is split into
# parts (consecutive rows, each on its own pages with the table's heading repeated), the parts are
# rendered at once by several processes (job workers, or a process pool for export_report), then
# joined with pypdf; the page numbers are stamped on the joined document, so they run on across
# the parts. Only the first part prints the header and title, only the last the signature block.

PART_MIN_ROWS = 150  # below this a part costs more in fixed overhead than it saves
PART_MAX_ROWS = 600  # a bound on one WeasyPrint worker's memory (~0.2 MB a row)
ENGINES = ("reportlab", "weasyprint")


def rows_of(ds: Dataset) -> int:
    return len(ds.rows) + sum(len(s.rows) for s in ds.sections)


def can_split(ds: Dataset) -> bool:
    """Only a long plain list (one table, no further sections) is split (and may be drawn by
    ReportLab): PL02–PL07 of a whole city."""
    return not ds.sections and len(ds.rows) >= 2 * PART_MIN_ROWS


def part_count(ds: Dataset, workers: int, engine: str | None = None) -> int:
    """As many parts as workers (each at least PART_MIN_ROWS), and for WeasyPrint also enough
    that no part passes PART_MAX_ROWS (its memory grows with the rows; ReportLab's hardly)."""
    if not can_split(ds):
        return 1
    max_rows = PART_MAX_ROWS if (engine or list_engine()) == "weasyprint" else 20 * PART_MAX_ROWS
    by_memory = -(-len(ds.rows) // max_rows)
    return max(1, by_memory, min(workers, len(ds.rows) // PART_MIN_ROWS))


def part_bounds(n_rows: int, parts: int) -> list[tuple[int, int]]:
    size, extra = divmod(n_rows, parts)
    bounds, start = [], 0
    for k in range(parts):
        end = start + size + (1 if k < extra else 0)
        bounds.append((start, end))
        start = end
    return bounds


def list_engine() -> str:
    engine = getattr(django_settings, "PDF_LIST_ENGINE", "reportlab")
    return engine if engine in ENGINES else "reportlab"


def render_long_list(ds: Dataset, settings, engine: str | None = None, issued=None) -> bytes:
    """A long plain list in one piece, with the engine for long lists (PDF_LIST_ENGINE)."""
    if (engine or list_engine()) == "reportlab":
        return pdf_lists.render_list_pdf(ds, settings, issued=issued)
    return render_pdf(ds, settings, issued)


def render_pdf_part(ds: Dataset, settings, part: int, parts: int, engine: str | None = None,
                    issued=None) -> bytes:
    """Part ``part`` of ``parts`` of a plain list, without page numbers (``join_parts`` adds them)."""
    import copy

    start, end = part_bounds(len(ds.rows), parts)[part]
    piece = copy.copy(ds)
    piece.rows = ds.rows[start:end]
    flags = {"first": part == 0, "last": part == parts - 1}
    if (engine or list_engine()) == "reportlab":
        return pdf_lists.render_list_pdf(piece, settings, flags, issued=issued)
    return render_pdf(piece, settings, issued, {"part": flags})


_NUMBERS: dict[tuple[str, bool, int], bytes] = {}


def _page_numbers(engine: str, landscape: bool, pages: int) -> bytes:
    """A PDF whose page k shows only the number k where the engine prints it (same place, font
    and size); cached per process, grown in steps of 64 pages."""
    size = -(-pages // 64) * 64
    key = (engine, landscape, size)
    if key not in _NUMBERS:
        if engine == "reportlab":
            _NUMBERS[key] = pdf_lists.page_numbers_pdf(landscape, size)
        else:
            html = render_to_string("reports/pdf_page_numbers.html", {
                "landscape": landscape, "pages": range(size), "font_dir": STATIC_DIR.resolve().as_uri() + "/fonts/"})
            _NUMBERS[key] = _weasy().HTML(string=html, base_url=STATIC_DIR.resolve().as_uri() + "/",
                                          url_fetcher=static_url_fetcher()).write_pdf()
    return _NUMBERS[key]


def join_parts(parts: list[bytes], landscape: bool, engine: str | None = None) -> bytes:
    """One PDF from the parts, in order, with page numbers 2, 3, … at the top of every page but
    the first (as a document rendered in one piece has them)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for content in parts:
        writer.append(PdfReader(io.BytesIO(content)))
    numbers = PdfReader(io.BytesIO(_page_numbers(engine or list_engine(), landscape, len(writer.pages))))
    for index, page in enumerate(writer.pages):
        if index:
            page.merge_page(numbers.pages[index], over=True)
    out = io.BytesIO()
    writer.compress_identical_objects(remove_identicals=True, remove_orphans=True)
    writer.write(out)
    return out.getvalue()


def _render_part_in_child(args) -> bytes:
    ds, settings, part, parts, engine, issued = args
    return render_pdf_part(ds, settings, part, parts, engine, issued)


def render_pdf_parallel(ds: Dataset, settings=None, processes: int | None = None, engine: str | None = None,
                        issued=None) -> bytes:
    """The PDF of ``ds``: a long plain list is rendered in parts by a pool of ``processes``
    processes (the command line's export_report; in the web app the job workers do this,
    reports/jobs.py); anything else in one piece by WeasyPrint."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    settings = settings or default_issuer(ds)
    processes = processes or os.cpu_count() or 1
    engine = engine or list_engine()
    if not can_split(ds):
        return render_pdf(ds, settings, issued)
    parts = part_count(ds, processes, engine)
    if parts == 1:
        return render_long_list(ds, settings, engine, issued)
    connections.close_all()  # the children render only; they must not share the parent's sockets
    with ProcessPoolExecutor(max_workers=min(parts, processes), mp_context=multiprocessing.get_context("fork")) as pool:
        pieces = list(pool.map(_render_part_in_child,
                               [(ds, settings, k, parts, engine, issued) for k in range(parts)]))
    return join_parts(pieces, ds.landscape, engine)
