"""“Tài liệu của tôi” in a real browser (issue 17): a long PDF asked from the catalogue lands on
the documents page with its job; the row shows the job's progress and turns into a download link
by itself (htmx polling, no reload, no timer) once a worker has made the file."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from households.services import assessment_record
from jobs.models import Job
from reports import pdf
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.factories import household_with_head
from tests.jobs_helpers import run_jobs
from tests.reports.conftest import action

pytestmark = [pytest.mark.browser, pytest.mark.tasks]


def test_a_long_pdf_becomes_a_job_whose_row_updates_itself(page, ref, tnmt, settings, monkeypatch):
    home = household_with_head(ref.an_phu, code="AP-LONG")
    assessment_record(actor=tnmt, household=home, kind="regular", year=2025, income_per_capita=900_000,
                      indicators={"employment": True, "telecom": True, "information_means": True},
                      decision_number="9/QĐ", decision_date=dt.date(2025, 2, 1), suggestions={})
    for i in range(30):
        action(home, "livelihood", "poor", ref.agencies["tnmt"], description=f"Hỗ trợ {i}")
    settings.JOBS_ROWS_THRESHOLD = 10
    settings.JOBS_WORKERS = 2
    monkeypatch.setattr(pdf, "PART_MIN_ROWS", 8)

    login(page, "tnmt", PASSWORD)
    page.goto("/bao-cao/?year=2025")
    page.get_by_test_id("pdf-PL02").click()
    expect(page.get_by_role("heading", name="Tài liệu của tôi")).to_be_visible()
    job = Job.objects.get()
    row = page.get_by_test_id(f"job-{job.pk}")
    expect(row).to_contain_text("Đang chờ")
    expect(row).to_contain_text(f"0 / {job.rows_total} dòng")

    run_jobs()  # a worker makes the file; the page is not reloaded
    expect(row.get_by_test_id("job-download")).to_be_visible(timeout=10_000)
    expect(row).to_contain_text("Hoàn thành")
    with page.expect_download() as download:
        row.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "PL02_2025.pdf"
