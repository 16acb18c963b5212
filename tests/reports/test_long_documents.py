"""Long documents (issue 17): a long list's PDF is a background job whose parts are rendered by
several workers and joined with continuous page numbers; the format is the same as a PDF made in
one piece (header, motto, embedded font, repeated table heading, page numbers, signature block);
a final document is rendered once and served from storage afterwards."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from jobs.models import Job
from reports import datasets, documents, pdf
from reports.datasets import SYSTEM, Params
from reports.documents import default_issuer
from reports.models import ClosedPeriod, IssuedDocument, MonthlyReport, StoredDocument
from tests.jobs_helpers import run_jobs

from .conftest import action, assert_pdf_matches

pytestmark = pytest.mark.tasks

ROWS = 40


@pytest.fixture
def long_list(register, ref):
    """PL02 (livelihood support of poor households) with 41 rows."""
    for i in range(ROWS):
        action(register.a, "livelihood", "poor", ref.agencies["tnmt"], amount=1_000_000 + i,
               description=f"Hỗ trợ số {i + 1:03d}")
    return datasets.build(SYSTEM, "PL02", Params(year=2025))


@pytest.fixture
def small_parts(monkeypatch, settings):
    monkeypatch.setattr(pdf, "PART_MIN_ROWS", 8)
    settings.JOBS_ROWS_THRESHOLD = 10
    settings.JOBS_WORKERS = 3


def assert_official_format(content: bytes, ds, issuer=None):
    """The format every PDF of the project keeps, whatever way it was made."""
    reader = PdfReader(io.BytesIO(content))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 3
    first, last = pages[0], pages[-1]
    # header and motto once, on the first page
    issuer = issuer or default_issuer(ds)  # the renderers' default: the city's issuer of the period, a draft
    assert issuer.issuer.upper() in first and issuer.issuer_parent.upper() in first
    assert f"/{issuer.symbol}" in first and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert sum("Độc lập - Tự do - Hạnh phúc" in p for p in pages) == 1
    # the table heading on every page
    heading = ds.header_rows[0][1].text
    assert all(heading.split()[0] in p for p in pages), heading
    # page numbers 2, 3, … at the top of every page but the first
    assert not re.search(r"(^|\n)1\s*$", first.strip())
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"(^|\n){number}(\n|$)", text), (number, text[-80:])
    # the signature block once, at the end
    assert "NGƯỜI LẬP BIỂU" in last and sum("NGƯỜI LẬP BIỂU" in p for p in pages) == 1
    # every font embedded (the bundled Liberation Serif)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].get_object().values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            assert "Liberation" in str(font["/BaseFont"])
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert_pdf_matches(content, ds)


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_pdf_in_one_piece_keeps_the_format(long_list, engine):
    """Both renderers of a long list (WeasyPrint, ReportLab) pass the same format tests."""
    assert_official_format(pdf.render_long_list(long_list, default_issuer(long_list), engine), long_list)


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_pdf_joined_from_parts_keeps_the_same_format(long_list, monkeypatch, engine):
    monkeypatch.setattr(pdf, "PART_MIN_ROWS", 8)
    parts = pdf.part_count(long_list, 3, engine)
    assert parts == 3
    pieces = [pdf.render_pdf_part(long_list, default_issuer(long_list), k, parts, engine) for k in range(parts)]
    assert_official_format(pdf.join_parts(pieces, long_list.landscape, engine), long_list)


def test_parts_are_bounded_for_memory_whatever_the_workers(monkeypatch, long_list):
    monkeypatch.setattr(pdf, "PART_MIN_ROWS", 8)
    monkeypatch.setattr(pdf, "PART_MAX_ROWS", 15)
    assert pdf.part_count(long_list, 1, "weasyprint") == 3  # 42 rows, at most 15 a part
    assert pdf.part_count(long_list, 4, "weasyprint") == 4
    assert pdf.part_count(long_list, 1, "reportlab") == 1  # little memory a row: one worker, one piece
    assert pdf.part_count(long_list, 3, "reportlab") == 3


def test_part_bounds_cover_every_row_once():
    for n in (16, 17, 1167):
        for parts in (1, 2, 3, 8):
            bounds = pdf.part_bounds(n, parts)
            assert bounds[0][0] == 0 and bounds[-1][1] == n
            assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
            assert max(e - s for s, e in bounds) - min(e - s for s, e in bounds) <= 1


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_export_report_renders_a_long_list_with_a_process_pool(long_list, monkeypatch, tmp_path, settings, engine):
    from django.core.management import call_command

    monkeypatch.setattr(pdf, "PART_MIN_ROWS", 8)
    settings.PDF_LIST_ENGINE = engine
    out = tmp_path / "PL02.pdf"
    issuer = default_issuer(long_list)  # read before the pool closes the parent's connections
    call_command("export_report", "PL02", "--year", "2025", "--format", "pdf", "--processes", "2", "-o", str(out))
    assert_official_format(out.read_bytes(), long_list, issuer)


@pytest.mark.parametrize("engine", pdf.ENGINES)
def test_a_long_pdf_request_answers_at_once_with_a_job(long_list, small_parts, admin_client_, monkeypatch, settings,
                                                       engine):
    """The web worker stays free: the request renders nothing, it only queues a job; the job's
    parts are rendered by the workers, progress is reported by the job, the file is downloaded."""
    def no_rendering_in_the_request(*args, **kwargs):
        raise AssertionError("the request rendered the PDF")

    settings.PDF_LIST_ENGINE = engine
    monkeypatch.setattr(pdf, "render_pdf", no_rendering_in_the_request)
    monkeypatch.setattr(pdf.pdf_lists, "render_list_pdf", no_rendering_in_the_request)
    resp = admin_client_.get(reverse("reports:report", args=["PL02"]), {"year": 2025, "format": "pdf"})
    job = Job.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.rows_total, job.rows_done, job.owner.username) == ("queued", ROWS + 2, 0, "quantri")
    page = admin_client_.get(resp["Location"]).content.decode()
    assert "Đang chờ" in page and f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in page

    monkeypatch.undo()
    monkeypatch.setattr(pdf, "PART_MIN_ROWS", 8)
    run_jobs()
    job.refresh_from_db()
    assert (job.status, job.parts_total, job.parts_done, job.rows_done) == ("done", 3, 3, ROWS + 2)
    row = admin_client_.get(reverse("jobs:row", args=[job.pk])).content.decode()
    assert "hx-trigger" not in row and "Tải về" in row  # finished: no more polling
    resp = admin_client_.get(reverse("jobs:download", args=[job.pk]))
    assert resp["Content-Disposition"].startswith('attachment; filename="PL02_2025.pdf"')
    assert_official_format(b"".join(resp.streaming_content), long_list)


def test_a_short_pdf_is_still_made_in_the_request(register, admin_client_):
    resp = admin_client_.get(reverse("reports:report", args=["PL02"]), {"year": 2025, "format": "pdf"})
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    assert not Job.objects.exists()


def test_a_long_xlsx_over_its_own_threshold_is_a_job(long_list, admin_client_, settings):
    settings.JOBS_XLSX_ROWS_THRESHOLD = 10
    resp = admin_client_.get(reverse("reports:report", args=["PL02"]), {"year": 2025, "format": "xlsx"})
    assert resp.status_code == 302
    run_jobs()
    job = Job.objects.get()
    assert job.status == "done" and job.result_name == "PL02_2025.xlsx"


def test_a_job_shows_only_what_its_owner_may_see(register, long_list, small_parts, ward_client, ref):
    """The ward officer's job lists its own unit only: the job applies the owner's scope again."""
    action(register.c, "livelihood", "poor", ref.agencies["tnmt"], description="Của Tam Thăng")
    resp = ward_client.get(reverse("reports:report", args=["PL02"]), {"year": 2025, "format": "pdf"})
    assert resp.status_code == 302
    run_jobs()
    job = Job.objects.get()
    content = b"".join(ward_client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Hỗ trợ số 001" in text and "Của Tam Thăng" not in text


# ----------------------------------------------------------------------------- final documents


def _approved_report(ref, ward_officer, tnmt):
    from reports import services

    report = services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=2,
                                              difficulties="", proposals="")
    services.monthly_report_submit(actor=ward_officer, report=report)
    services.monthly_report_approve(actor=tnmt, report=report, comment="")
    report.refresh_from_db()
    return report


def test_an_approved_monthly_report_is_rendered_once_then_served_from_storage(
        register, ref, ward_officer, tnmt, ward_client, monkeypatch):
    report = _approved_report(ref, ward_officer, tnmt)
    url = reverse("reports:report", args=["MONTHLY"])
    query = {"year": 2025, "month": 2, "unit": ref.an_phu.pk, "format": "pdf"}
    first = ward_client.get(url, query)
    assert first.status_code == 200
    stored = StoredDocument.objects.get()
    assert stored.document == report.document and stored.format == "pdf"
    assert stored.document.issue_date == timezone.localdate(report.reviewed_at)

    def no_rendering(*args, **kwargs):
        raise AssertionError("a final document was rendered again")

    monkeypatch.setattr(pdf, "render_pdf", no_rendering)
    monkeypatch.setattr(datasets, "build", no_rendering)
    second = ward_client.get(url, query)
    assert second.status_code == 200 and b"".join(second.streaming_content) == first.content
    # the document carries its issue date, not the day it is downloaded
    issued = stored.document.issue_date
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(first.content)).pages)
    assert f"ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}" in text
    assert f"Số: {report.document.reference}" in text


def test_a_draft_report_is_never_stored(register, ref, ward_client):
    resp = ward_client.get(reverse("reports:report", args=["MONTHLY"]),
                           {"year": 2025, "month": 2, "unit": ref.an_phu.pk, "format": "pdf"})
    assert resp.status_code == 200 and not IssuedDocument.objects.exists() and not StoredDocument.objects.exists()


def test_appendices_of_a_closed_year_are_issued_once(register, ref, tnmt, admin_client_, agency_client):
    documents.period_close(actor=tnmt, year=2025, on=dt.date(2026, 1, 15))
    url = reverse("reports:report", args=["PL01"])
    # the date chosen in the catalogue does not apply: a closed year's appendix is dated its closing
    first = admin_client_.get(url, {"year": 2025, "format": "xlsx", "ngay": "20/11/2026"})
    assert first.status_code == 200
    stored = StoredDocument.objects.get()
    doc = stored.document
    assert (doc.code, doc.issue_date, doc.key, doc.reference) == ("PL01", dt.date(2026, 1, 15), "PL01|2025||",
                                                                  "1/BC-UBND")
    again = admin_client_.get(url, {"year": 2025, "format": "xlsx"})
    assert b"".join(again.streaming_content) == first.content
    # an agency officer's lists are cut to its own households: never stored, never served stored
    agency_client.get(url, {"year": 2025, "format": "xlsx"})
    assert StoredDocument.objects.count() == 1
    # an open year is never stored
    admin_client_.get(url, {"year": 2026, "format": "xlsx"})
    assert StoredDocument.objects.count() == 1


def test_only_tnmt_closes_a_period(ref, ward_officer, tnmt):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        documents.period_close(actor=ward_officer, year=2025, on=dt.date(2026, 1, 1))
    documents.period_close(actor=tnmt, year=2025, on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        documents.period_close(actor=tnmt, year=2025, on=dt.date(2026, 1, 2))
    assert ClosedPeriod.objects.get().history.count() == 1


def test_a_final_document_is_its_report_parameters_date_and_number(register, ref, ward_officer, tnmt):
    assert documents.final_document(tnmt, "PL01", Params(year=2025)) is None  # open year
    report = _approved_report(ref, ward_officer, tnmt)
    final = documents.final_document(ward_officer, "MONTHLY", Params(year=2025, month=2, unit=ref.an_phu))
    assert (final.key, final.issue_date, final.document) == (
        f"MONTHLY|2025|2|{ref.an_phu.pk}", timezone.localdate(report.reviewed_at), report.document)
    assert final.issuer.issuer == "UBND Phường An Phú" and report.document.reference == "1/BC-UBND"
    assert MonthlyReport.objects.get().status == "approved"


def test_a_closed_year_s_pl08_of_another_day_is_its_own_document(register, ref, tnmt, admin_client_):
    """PL08/PL09 take the day they count: the closed year's stored appendix (its last day) is not
    served for another day, which is issued and stored as a document of its own."""
    documents.period_close(actor=tnmt, year=2025, on=dt.date(2026, 1, 15))
    url = reverse("reports:report", args=["PL08"])
    year_end = admin_client_.get(url, {"year": 2025, "format": "xlsx"})
    march = admin_client_.get(url, {"year": 2025, "format": "xlsx", "ngay_so_lieu": "01/03/2025"})
    assert year_end.status_code == march.status_code == 200
    keys = sorted(StoredDocument.objects.values_list("document__key", flat=True))
    assert keys == ["PL08|2025||", "PL08|2025|||2025-03-01"]
    again = admin_client_.get(url, {"year": 2025, "format": "xlsx", "ngay_so_lieu": "01/03/2025"})
    assert b"".join(again.streaming_content) == march.content
    explicit_end = admin_client_.get(url, {"year": 2025, "format": "xlsx", "ngay_so_lieu": "31/12/2025"})
    assert b"".join(explicit_end.streaming_content) == year_end.content  # the default day: the same document
