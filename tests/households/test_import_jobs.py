"""A long import confirmed as a background job, through the pages: upload → compact preview →
confirm (asks once, with what will be recorded) → the job's page, which polls its progress →
the result. Progress comes from the importer itself; the job is all or nothing; a second click
finds the running job. Runs on the database backend and on Redis (marker ``tasks``)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from households.io import pending
from households.jobs import CHECK, IMPORT
from households.models import Household, Member
from jobs import tasks
from jobs.models import Job
from tamky_poverty.models import AccessRecord
from tests.factories import household_with_head
from tests.jobs_helpers import run_jobs

from .io_helpers import child_row, head_row, valid_rows, workbook_bytes

pytestmark = pytest.mark.tasks


@pytest.fixture
def long_import(settings):
    settings.JOBS_IMPORT_THRESHOLD = 2  # the three rows of valid_rows() make a "long" file


@pytest.fixture
def progress_seen(monkeypatch):
    """Every progress report the work writes: (phase, done, total, label)."""
    seen = []
    real = tasks.Progress._write

    def spy(self):
        seen.append((self.phase_name, self.done, self.total, self.label))
        real(self)

    monkeypatch.setattr(tasks.Progress, "_write", spy)
    return seen


def upload(client, rows):
    return client.post(reverse("household_io:import"), {"file": io.BytesIO(workbook_bytes(rows))},
                       format="multipart")


def test_a_long_import_is_confirmed_by_a_job_whose_page_shows_its_progress_then_the_result(
        long_import, ward_client, ward_officer, progress_seen):
    preview = upload(ward_client, valid_rows())
    page = preview.content.decode()
    # summary first, then the confirm button, then the folded list of changes
    assert page.index('data-testid="summary-counts"') < page.index('data-testid="confirm-import"') \
        < page.index('data-testid="changes-details"')
    assert re.search(r'data-count="households-created">2<', page)
    confirm = re.search(r'data-testid="confirm-form"\s+data-confirm="([^"]*)"', page).group(1)
    assert "thêm mới 2 hộ" in confirm and "thêm mới 3 thành viên" in confirm
    assert "Tệp dài: được ghi ở chế độ nền" in page
    assert not Household.objects.exists()

    response = ward_client.post(reverse("household_io:import_confirm"))
    job = Job.objects.get(kind=IMPORT, owner=ward_officer)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.rows_total) == ("queued", 3)
    assert not Household.objects.exists()  # nothing written by the request
    waiting = ward_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert "<script>" not in waiting  # polled by htmx attributes: nothing inline for the CSP

    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3 and job.error == ""
    assert Household.objects.count() == 2 and Member.objects.count() == 3
    assert Member.history.filter(history_user=ward_officer, history_type="+").count() == 3
    assert AccessRecord.objects.filter(user=ward_officer, action="import").count() == 1
    # progress came from the import as it went: each step, then every record written
    phases = [p for p, *_ in progress_seen]
    assert phases[0] == "Bước 1/4: đọc tệp" and "Bước 2/4: kiểm tra từng ô" in phases
    assert ("Bước 3/4: đối chiếu với sổ hộ", 2, 2, "hộ") in progress_seen
    assert ("Bước 4/4: ghi vào sổ", 5, 5, "bản ghi") in progress_seen  # 2 households + 3 members
    done = ward_client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done  # polling stops
    assert "Đã nhập tệp" in done and "thêm mới 2" in done and reverse("households:list") in done
    # the upload went with the job and is gone once it is done
    assert not default_storage.exists(f"jobs/{ward_officer.pk}/{job.pk}/input/upload.xlsx")


def test_a_second_click_on_confirm_finds_the_running_job(long_import, ward_client, ward_officer):
    upload(ward_client, valid_rows())
    first = ward_client.post(reverse("household_io:import_confirm"))
    second = ward_client.post(reverse("household_io:import_confirm"))
    job = Job.objects.get(kind=IMPORT)
    assert first["Location"] == second["Location"] == reverse("jobs:detail", args=[job.pk])
    run_jobs()
    assert Household.objects.count() == 2
    third = ward_client.post(reverse("household_io:import_confirm"), follow=True)
    assert "Không còn tệp chờ nhập" in third.content.decode()
    assert Job.objects.filter(kind=IMPORT).count() == 1


def test_the_job_writes_all_or_nothing_and_says_why_in_vietnamese(long_import, ward_client, ward_officer):
    upload(ward_client, valid_rows())
    ward_client.post(reverse("household_io:import_confirm"))
    job = Job.objects.get(kind=IMPORT)
    # meanwhile someone records Trần Thị Cúc's citizen ID in another household
    other = household_with_head(ward_officer.unit, code="AP-999")
    other.members.update(citizen_id="049170005678")
    households, members = Household.objects.count(), Member.objects.count()
    run_jobs()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "không dữ liệu nào được ghi" in job.error and "049170005678" in job.error
    assert (Household.objects.count(), Member.objects.count()) == (households, members)  # not even AP-001
    page = ward_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "không dữ liệu nào được ghi" in page and 'data-testid="job-retry"' in page
    # once the register is put right, "Thử lại" imports the same file (kept with the job)
    other.members.update(citizen_id=None)
    ward_client.post(reverse("jobs:retry", args=[job.pk]))
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and Household.objects.filter(code__in=["AP-001", "AP-002"]).count() == 2


def test_a_short_import_is_still_confirmed_in_the_request(ward_client, settings):
    settings.JOBS_IMPORT_THRESHOLD = 1000
    page = upload(ward_client, valid_rows()).content.decode()
    assert "Tệp dài" not in page
    response = ward_client.post(reverse("household_io:import_confirm"))
    assert response["Location"] == reverse("households:list")
    assert Household.objects.count() == 2 and not Job.objects.exists()


def test_a_preview_with_many_errors_groups_them_by_row_with_a_filter_and_folds_the_rest(ward_client):
    rows = [head_row(code=f"AP-{k:03d}", full_name=f"Người {k}", citizen_id=None, sex="?" if k % 2 else "Nam",
                     date_of_birth=dt.date(2099, 1, 1) if k % 3 == 0 else dt.date(1960, 1, 1))
            for k in range(30)] + [child_row(code="AP-001", relation="Bạn")]
    response = upload(ward_client, rows)
    page = response.content.decode()
    report = response.context["report"]
    groups = report.problem_rows
    assert len(groups) == 21  # rows with a problem, each listed once with all its problems
    assert 'data-testid="confirm-import"' not in page
    assert re.search(r"\d+ lỗi ở 21 dòng \(trên 31 dòng\)", page)
    # the filter offers each failing column with how many rows fail it
    columns = dict(report.problem_columns)
    assert columns["Giới tính"] == 15 and columns["Ngày sinh"] == 10
    assert '<option value="Giới tính">Giới tính (15 dòng)</option>' in page
    # one table row per file row; the first 20 shown, the rest folded
    assert page.count("data-problem-row") == 21
    shown, folded = page.split('data-testid="problems-more"')
    assert shown.count("data-problem-row") == 20 and folded.count("data-problem-row") == 1
    row_5 = next(problems for row, problems, _columns in groups if row == 5)  # AP-003: "?" and a future birth date
    assert {p.column for p in row_5} == {"Giới tính", "Ngày sinh"}
    assert 'data-columns="|Giới tính|Ngày sinh|"' in page


@pytest.fixture
def own_upload_dir(settings, tmp_path):
    """Files waiting for confirmation go to the shared storage: a storage of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_long_upload_is_checked_by_a_job_then_previewed_and_confirmed(own_upload_dir, ward_client, ward_officer,
                                                                        settings, progress_seen):
    settings.JOBS_IMPORT_CHECK_BYTES = 1000  # valid_rows() makes a ~6 KB workbook
    response = upload(ward_client, valid_rows())
    job = Job.objects.get(kind=CHECK, owner=ward_officer)
    page = response.content.decode()
    assert response.context["report"] is None  # nothing checked in the request
    assert "Đang kiểm tra tệp “file”" in page and f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in page
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and "3 dòng, không có lỗi" in job.summary
    assert list(dict.fromkeys(p for p, *_ in progress_seen)) == ["Bước 1/3: đọc tệp", "Bước 2/3: kiểm tra từng ô",
                                                  "Bước 3/3: đối chiếu với sổ hộ"]
    done = ward_client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    result_url = reverse("household_io:import") + f"?kiem-tra={job.pk}"
    assert f'href="{result_url}"' in done
    preview = ward_client.get(result_url)
    assert preview.context["report"].households_created == 2 and 'data-testid="confirm-import"' in preview.content.decode()
    assert not Household.objects.exists()
    # another user cannot see it; the uploader confirms (a job too: the file was long)
    response = ward_client.post(reverse("household_io:import_confirm"))
    imported = Job.objects.get(kind=IMPORT)
    assert response["Location"] == reverse("jobs:detail", args=[imported.pk])
    run_jobs()
    assert Household.objects.count() == 2 and pending.waiting() == []


def test_a_hostile_long_upload_is_refused_by_its_check_job(own_upload_dir, ward_client, ward_officer, settings,
                                                           other_ward_officer):
    from .hostile_files import zip_bomb

    settings.JOBS_IMPORT_CHECK_BYTES = 1000
    upload_bytes = zip_bomb()
    ward_client.post(reverse("household_io:import"), {"file": io.BytesIO(upload_bytes)}, format="multipart")
    job = Job.objects.get(kind=CHECK)
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and "giải nén" in job.summary
    page = ward_client.get(reverse("household_io:import") + f"?kiem-tra={job.pk}")
    assert "giải nén" in page.context["report"].file_message and 'data-testid="confirm-import"' not in \
        page.content.decode()
    assert "household_import" not in ward_client.session and pending.waiting() == []
    from django.test import Client

    other = Client()
    other.force_login(other_ward_officer)
    assert other.get(reverse("household_io:import") + f"?kiem-tra={job.pk}").status_code == 404
