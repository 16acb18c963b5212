"""Background jobs in a real browser (issue 17, issue 18 item 3): a long PDF asked from the
catalogue lands on the job's page, whose progress turns into a download link by itself (htmx
polling, no reload, no timer) once a worker has made the file; a long household import shows
its check's progress on the import page, then the compact preview, then the confirmation's job."""

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
    job = Job.objects.get()
    expect(page.get_by_role("heading", name=job.title)).to_be_visible()  # the job's own page
    status = page.get_by_test_id("job-status")
    expect(status).to_contain_text("Đang chờ")
    expect(page.get_by_role("progressbar")).to_be_visible()

    run_jobs()  # a worker makes the file; the page is not reloaded
    expect(status.get_by_test_id("job-download")).to_be_visible(timeout=10_000)
    expect(status).to_contain_text("Hoàn thành")
    with page.expect_download() as download:
        status.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "PL02_2025.pdf"
    # “Tài liệu của tôi” lists it too
    page.goto("/tai-lieu/")
    expect(page.get_by_test_id(f"job-{job.pk}").get_by_test_id("job-download")).to_be_visible()


def test_a_long_import_shows_its_progress_then_its_preview_then_its_job(page, ref, ward_officer, settings,
                                                                         tmp_path):
    from households.models import Household
    from tests.households.io_helpers import valid_rows, workbook_bytes

    settings.JOBS_IMPORT_CHECK_BYTES = 1000
    settings.JOBS_IMPORT_THRESHOLD = 2
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(workbook_bytes(valid_rows()))
    login(page, ward_officer.username, PASSWORD)
    page.goto("/ho/nhap-xuat/nhap/")
    page.set_input_files("#import-file", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    status = page.get_by_test_id("job-status")
    expect(status).to_contain_text("Đang chờ")  # the check's job, on the import page

    run_jobs()
    expect(status.get_by_test_id("job-result-link")).to_be_visible(timeout=10_000)
    expect(status).to_contain_text("3 dòng, không có lỗi")
    status.get_by_test_id("job-result-link").click()
    expect(page.get_by_test_id("summary-counts")).to_contain_text("Hộ thêm mới")
    page.get_by_test_id("confirm-import").click()
    dialog = page.get_by_test_id("confirm-dialog")  # asks once, with what will be recorded
    expect(dialog).to_contain_text("thêm mới 2 hộ")
    expect(dialog).to_contain_text("Hộ thêm mới")
    dialog.get_by_role("button", name="Nhập vào sổ").click()
    page.wait_for_url("**/tai-lieu/*/")
    job = Job.objects.get(kind="household_import")
    expect(page.get_by_role("heading", name=job.title)).to_be_visible()
    run_jobs()
    expect(page.get_by_test_id("job-summary")).to_contain_text("Đã nhập tệp", timeout=10_000)
    assert Household.objects.count() == 2
