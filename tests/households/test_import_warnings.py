"""Plausibility warnings in the household list import (issue 18, as on the household form): ages
that do not fit the relation to the head are shown in the preview on their row, never refuse the
file, and must be confirmed once ("Tôi đã kiểm tra các cảnh báo, dữ liệu đúng") before it is
written, in the request or by the long-file jobs."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.io import columns as C
from households.io import pending
from households.io.importer import import_file
from households.jobs import CHECK, IMPORT
from households.models import Household, Member
from households.plausibility import MemberFacts, implausibilities
from jobs.models import Job
from tests.factories import MemberFactory, household_with_head
from tests.jobs_helpers import run_jobs

from .io_helpers import TODAY, child_row, head_row, valid_rows, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_upload_dir(settings, tmp_path):
    """Files waiting for confirmation go to the shared storage: a storage of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


SPOUSE_WARNING = "Lê Thị Hoa được ghi là vợ/chồng chủ hộ nhưng mới 14 tuổi (tuổi kết hôn: nam từ 20, nữ từ 18)."
RELATIONS = {str(label): value for value, label in Member.Relation.choices}
SEXES = {str(label): value for value, label in Member.Sex.choices}


def years_ago(years: int, on: dt.date | None = None) -> dt.date:
    """A birth date ``years`` whole years before ``on`` (the pages' today by default)."""
    on = on or timezone.localdate()
    return on.replace(year=on.year - years, day=min(on.day, 28)) - dt.timedelta(days=30)


def spouse_rows(on: dt.date | None = None):
    """AP-010: a head born in 1975 and a 14-year-old wife (rows 2 and 3 of the file)."""
    return [
        head_row(code="AP-010", full_name="Trần Văn Bình", date_of_birth=dt.date(1975, 4, 12),
                 citizen_id="049075001111"),
        child_row(code="AP-010", full_name="Lê Thị Hoa", sex="Nữ", relation="Vợ/chồng",
                  date_of_birth=years_ago(14, on), nutrition="Không thuộc diện"),
    ]


def upload(client, rows):
    return client.post(reverse("household_io:import"), {"file": io.BytesIO(workbook_bytes(rows))},
                       format="multipart")


def confirm(client, **data):
    return client.post(reverse("household_io:import_confirm"), data)


def warning_key(page: str) -> str:
    return re.search(r'name="confirm_warnings" value="([0-9a-f]+)"', page).group(1)


def warnings(report):
    return [(w.row, w.column, w.message) for w in report.warnings]


# --- the preview and the confirmation in the request ----------------------------------------------

def test_a_14_year_old_spouse_is_a_warning_on_its_row_and_column_not_an_error(ward_client):
    response = upload(ward_client, spouse_rows())
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and not report.problems and report.households_created == 1
    assert warnings(report) == [(3, "Ngày sinh", SPOUSE_WARNING)]
    page = response.content.decode()
    assert "1 cảnh báo ở 1 dòng — kiểm tra trước khi ghi." in page
    assert "Đây là cảnh báo, không phải lỗi" in page
    table = page[page.index('data-testid="warnings"'):]
    assert re.search(r'<th scope="row" class="num fw-normal">3</th>\s*<td><ul class="list-unstyled mb-0">'
                     r"<li><strong>Ngày sinh</strong>: " + re.escape(SPOUSE_WARNING), table)
    assert "data-problem-row" not in page  # the problems' column filter leaves warnings alone
    # the confirmation asks for the tick, after the summary and the warnings
    assert page.index('data-testid="summary-counts"') < page.index('data-testid="warning-summary"') \
        < page.index('data-testid="confirm-warnings"') < page.index('data-testid="confirm-import"')
    assert "Tôi đã kiểm tra các cảnh báo, dữ liệu đúng" in page
    info = ward_client.session["household_import"]
    assert info["warnings"] == 1 and info["warnings_key"] == report.warnings_key == warning_key(page)
    assert not Household.objects.exists()


def test_confirming_without_the_tick_is_refused_and_the_upload_waits_then_the_tick_imports(ward_client):
    page = upload(ward_client, spouse_rows()).content.decode()
    key = warning_key(page)
    token = ward_client.session["household_import"]["token"]

    refused = confirm(ward_client)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Tệp có 1 cảnh báo: kiểm tra các cảnh báo, đánh dấu “Tôi đã kiểm tra các cảnh báo, dữ liệu đúng” " \
           "rồi xác nhận lại. Chưa có dữ liệu nào được ghi." in html
    assert SPOUSE_WARNING in html and 'data-testid="confirm-warnings"' in html  # the preview again
    assert not Household.objects.exists() and not Member.objects.exists()
    assert ward_client.session["household_import"]["token"] == token and pending.waiting() == [token]

    # a tick that names other warnings (another file's, a stale page's) is no confirmation
    assert confirm(ward_client, confirm_warnings="0" * 16).status_code == 400
    assert not Household.objects.exists() and pending.waiting() == [token]

    response = confirm(ward_client, confirm_warnings=key)
    assert response.status_code == 302 and response["Location"] == reverse("households:list")
    household = Household.objects.get(code="AP-010")
    assert household.members.get(relation="spouse").full_name == "Lê Thị Hoa"
    assert "household_import" not in ward_client.session and pending.waiting() == []


def test_a_clean_file_shows_no_warnings_and_needs_no_tick(ward_client):
    response = upload(ward_client, valid_rows())
    page = response.content.decode()
    assert response.context["report"].warnings == []
    assert "cảnh báo" not in page and 'name="confirm_warnings"' not in page
    assert ward_client.session["household_import"]["warnings"] == 0
    assert confirm(ward_client)["Location"] == reverse("households:list")
    assert Household.objects.count() == 2


def many_spouses(households: int, on: dt.date | None = None):
    rows = []
    for k in range(households):
        code = f"AP-{100 + k}"
        rows += [head_row(code=code, full_name=f"Chủ hộ {k}", date_of_birth=dt.date(1975, 4, 12),
                          citizen_id=f"0490750{k:05d}"),
                 child_row(code=code, full_name=f"Vợ {k}", sex="Nữ", relation="Vợ/chồng",
                           date_of_birth=years_ago(14, on), nutrition="Không thuộc diện")]
    return rows


def test_many_warnings_show_the_first_20_rows_and_fold_the_rest(ward_client):
    response = upload(ward_client, many_spouses(25))
    page = response.content.decode()
    assert len(response.context["report"].warning_rows) == 25
    assert "25 cảnh báo ở 25 dòng — kiểm tra trước khi ghi." in page
    shown, folded = page.split('data-testid="warnings-more"')
    assert shown.count("data-warning-row") == 20 and folded.count("data-warning-row") == 5
    assert "Xem thêm 5 dòng có cảnh báo" in folded
    assert '<th scope="row" class="num fw-normal">51</th>' in folded  # the last spouse's row


def test_warnings_are_shown_beside_the_errors_of_a_refused_file(ward_client):
    rows = [*spouse_rows(), head_row(code="AP-011", citizen_id="12345")]
    response = upload(ward_client, rows)
    report = response.context["report"]
    assert not report.ok and warnings(report) == [(3, "Ngày sinh", SPOUSE_WARNING)]
    page = response.content.decode()
    assert 'data-testid="problems"' in page and 'data-testid="warnings"' in page
    assert 'data-testid="confirm-form"' not in page and "household_import" not in ward_client.session


def test_warnings_the_register_adds_after_the_preview_are_asked_for_again(ward_client, ward_officer):
    """The preview saw no warning; before the confirmation someone records, in the household the
    file updates, a "child" older than the head: the file is not written, it waits again."""
    household = household_with_head(ward_officer.unit, code="AP-020")
    head = household.members.get()
    rows = [head_row(code="AP-020", full_name=head.full_name, sex="Nam", date_of_birth=head.date_of_birth,
                     citizen_id=head.citizen_id),
            child_row(code="AP-020", full_name="Nguyễn Thị Mới", date_of_birth=years_ago(20))]
    page = upload(ward_client, rows).content.decode()
    assert "cảnh báo" not in page
    MemberFactory(household=household, full_name="Nguyễn Văn Lớn", relation="child", citizen_id=None,
                  date_of_birth=head.date_of_birth - dt.timedelta(days=3 * 365))
    response = confirm(ward_client)
    assert response.status_code == 400
    html = response.content.decode()
    assert "tệp có 1 cảnh báo chưa được xác nhận" in html and "Chưa có dữ liệu nào được ghi." in html
    assert household.members.count() == 2  # the file's new member was not written
    assert "(thành viên đã có trong sổ, không có trong tệp)" in html
    response = confirm(ward_client, confirm_warnings=warning_key(html))
    assert response["Location"] == reverse("households:list")
    assert household.members.count() == 3


# --- the importer: the plausibility rules themselves, on what the file leaves ---------------------

def test_the_importers_warnings_are_the_plausibility_rules_on_each_households_members(ward_officer, ref):
    files_households = {
        "AP-010": spouse_rows(TODAY),
        "AP-011": [
            head_row(code="AP-011", full_name="Hồ Văn Khang", date_of_birth=dt.date(1990, 6, 1),
                     citizen_id="049090001111"),
            child_row(code="AP-011", full_name="Hồ Thị Lớn", date_of_birth=dt.date(1985, 1, 1)),
            child_row(code="AP-011", full_name="Hồ Văn Cháu", relation="Cháu", sex="Nam",
                      date_of_birth=dt.date(2005, 1, 1)),
            child_row(code="AP-011", full_name="Hồ Văn Cha", relation="Bố/mẹ", sex="Nam",
                      date_of_birth=dt.date(1995, 1, 1)),
            child_row(code="AP-011", full_name="Hồ Thị Cụ", relation="Khác", date_of_birth=dt.date(1910, 1, 1)),
        ],
        "AP-012": [head_row(code="AP-012", full_name="Đỗ Văn Nhỏ", date_of_birth=dt.date(2012, 1, 1),
                            citizen_id=None)],
        "AP-001": valid_rows()[:2],  # plausible
    }
    rows = [row for household in files_households.values() for row in household]
    report = import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=True)
    assert report.ok, report.problems

    expected = []
    number = 2  # the first row under the headings
    for household in files_households.values():
        facts = [MemberFacts(r["full_name"], RELATIONS[r["relation"]], SEXES[r["sex"]], r["date_of_birth"])
                 for r in household]
        expected += [(number + w.index, C.BY_KEY["date_of_birth"].heading, w.message)
                     for w in implausibilities(facts, TODAY)]
        number += len(household)
    assert warnings(report) == expected
    assert len(expected) == 6  # spouse; child, grandchild, parent, 116 years old; a 14-year-old head
    # the dry run's warnings are the same when the file is written (with them confirmed)
    applied = import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=False)
    assert applied.applied and warnings(applied) == expected


def test_an_updated_household_is_judged_with_the_register_members_the_file_keeps(ward_officer):
    household = household_with_head(ward_officer.unit, code="AP-020")
    head = household.members.get()
    kept = MemberFactory(household=household, full_name="Nguyễn Văn Lớn", relation="child", citizen_id=None,
                         date_of_birth=dt.date(1970, 1, 1))
    rows = [head_row(code="AP-020", full_name=head.full_name, sex="Nam", date_of_birth=head.date_of_birth,
                     citizen_id=head.citizen_id, relation="Chủ hộ"),
            child_row(code="AP-020", full_name="Nguyễn Thị Vợ", relation="Vợ/chồng",
                      date_of_birth=dt.date(2010, 1, 1))]
    report = import_file(workbook_bytes(rows), today=TODAY, actor=ward_officer, dry_run=True)
    assert report.ok and report.households_updated + report.households_unchanged == 1
    facts = [MemberFacts(head.full_name, "head", "male", head.date_of_birth),
             MemberFacts("Nguyễn Thị Vợ", "spouse", "female", dt.date(2010, 1, 1)),
             MemberFacts(kept.full_name, "child", "male", kept.date_of_birth)]
    found = implausibilities(facts, TODAY)
    assert [w.index for w in found] == [1, 2]
    assert warnings(report) == [
        (2, "", f"{found[1].message} (thành viên đã có trong sổ, không có trong tệp)"),  # on the household's row
        (3, "Ngày sinh", found[0].message),
    ]


def test_written_only_when_the_caller_confirms_the_warnings(ward_officer):
    data = workbook_bytes(spouse_rows(TODAY))
    report = import_file(data, today=TODAY, actor=ward_officer, dry_run=False, warnings_confirmed=False)
    assert report.ok and report.warnings_unconfirmed and not report.applied
    assert not Household.objects.exists()
    report = import_file(data, today=TODAY, actor=ward_officer, dry_run=False, warnings_confirmed=True)
    assert report.applied and Household.objects.count() == 1


def test_the_warnings_cost_no_query_per_household(ward_officer):
    def queries(households: int) -> int:
        data = workbook_bytes(many_spouses(households, TODAY))
        with CaptureQueriesContext(connection) as captured:
            report = import_file(data, today=TODAY, actor=ward_officer, dry_run=True)
        assert report.ok and len(report.warnings) == households
        return len(captured)

    queries(1)  # the first import of the test reads what later ones find cached
    assert queries(1) == queries(25)


def test_the_command_prints_the_warnings_and_imports(tmp_path, admin_user, capsys):
    from django.core.management import call_command

    path = tmp_path / "f.xlsx"
    path.write_bytes(workbook_bytes(spouse_rows()))
    call_command("import_households", str(path))
    assert f"Cảnh báo — Dòng 3, cột “Ngày sinh”: {SPOUSE_WARNING}" in capsys.readouterr().err
    assert Household.objects.filter(code="AP-010").exists()


# --- long files: the confirmation job and the check job -------------------------------------------

@pytest.mark.tasks
def test_a_long_import_with_warnings_carries_the_tick_to_its_job(settings, ward_client, ward_officer):
    settings.JOBS_IMPORT_THRESHOLD = 1  # the two rows make a "long" file
    page = upload(ward_client, spouse_rows()).content.decode()
    assert "Tệp dài: được ghi ở chế độ nền" in page and SPOUSE_WARNING in page
    assert confirm(ward_client).status_code == 400
    assert not Job.objects.filter(kind=IMPORT).exists() and len(pending.waiting()) == 1

    response = confirm(ward_client, confirm_warnings=warning_key(page))
    job = Job.objects.get(kind=IMPORT, owner=ward_officer)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.params["warnings_confirmed"] is True
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert Household.objects.get(code="AP-010").members.count() == 2


@pytest.mark.tasks
def test_the_import_job_refuses_warnings_nobody_confirmed(settings, ward_client, ward_officer):
    settings.JOBS_IMPORT_THRESHOLD = 1
    household = household_with_head(ward_officer.unit, code="AP-020")
    head = household.members.get()
    rows = [head_row(code="AP-020", full_name=head.full_name, sex="Nam", date_of_birth=head.date_of_birth,
                     citizen_id=head.citizen_id),
            child_row(code="AP-020", full_name="Nguyễn Thị Mới", date_of_birth=years_ago(20))]
    assert "cảnh báo" not in upload(ward_client, rows).content.decode()
    confirm(ward_client)  # no warning shown: nothing to tick
    job = Job.objects.get(kind=IMPORT)
    assert job.params["warnings_confirmed"] is False
    # meanwhile a "child" older than the head is recorded in the household
    MemberFactory(household=household, full_name="Nguyễn Văn Lớn", relation="child", citizen_id=None,
                  date_of_birth=head.date_of_birth - dt.timedelta(days=3 * 365))
    run_jobs()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "1 cảnh báo chưa được xác nhận" in job.error and "không dữ liệu nào được ghi" in job.error
    assert "Nguyễn Văn Lớn (sinh năm" in job.error
    assert household.members.count() == 2  # the file's new member was not written


@pytest.mark.tasks
def test_a_long_upload_checked_by_a_job_keeps_its_warnings_for_the_preview_and_the_tick(settings, ward_client,
                                                                                      ward_officer):
    settings.JOBS_IMPORT_CHECK_BYTES = 1000  # the workbook is ~6 KB
    upload(ward_client, spouse_rows())
    check = Job.objects.get(kind=CHECK, owner=ward_officer)
    run_jobs()
    check.refresh_from_db()
    assert check.status == "done" and "1 cảnh báo cần kiểm tra" in check.summary
    result_url = reverse("household_io:import") + f"?kiem-tra={check.pk}"
    preview = ward_client.get(result_url)
    report = preview.context["report"]
    assert report.ok and warnings(report) == [(3, "Ngày sinh", SPOUSE_WARNING)]  # through the pickle
    page = preview.content.decode()
    assert "1 cảnh báo ở 1 dòng — kiểm tra trước khi ghi." in page
    info = ward_client.session["household_import"]
    assert info["warnings"] == 1 and info["warnings_key"] == warning_key(page)

    refused = confirm(ward_client)
    assert refused.status_code == 302 and refused["Location"] == result_url  # back to the preview
    followed = ward_client.get(result_url).content.decode()
    assert "Tệp có 1 cảnh báo: kiểm tra các cảnh báo" in followed and 'data-testid="confirm-warnings"' in followed
    assert not Job.objects.filter(kind=IMPORT).exists() and not Household.objects.exists()
    assert pending.waiting() == [info["token"]]

    response = confirm(ward_client, confirm_warnings=warning_key(page))
    imported = Job.objects.get(kind=IMPORT)
    assert response["Location"] == reverse("jobs:detail", args=[imported.pk])
    run_jobs()
    imported.refresh_from_db()
    assert imported.status == "done", imported.error
    assert Household.objects.get(code="AP-010").members.count() == 2 and pending.waiting() == []
