"""Bounded uploads (issue 15): hostile workbooks are refused with a Vietnamese message on the
upload page and by ``import_households``, the process that received them goes on serving, the
reading child stays under its memory bound, and a refusal leaves no file and writes nothing.
NaN, infinity, NUL and bidirectional overrides in cells are cell errors with row and column."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from households.io import pending, reader
from households.io.importer import import_file
from households.models import Household
from tests.households.io_helpers import TODAY

from . import hostile_files as H
from .test_import import problems, state

pytestmark = pytest.mark.django_db

UNCOMPRESSED = "sau khi giải nén vượt quá"
TOO_LARGE = "vượt giới hạn 100.000 dòng, 200 cột"
ENTRIES = "quá nhiều thành phần"
MEMORY = "quá nhiều bộ nhớ"
CORRUPT = "bị hỏng"
SLOW = "quá lâu"

HOSTILE = [
    ("far_cell", H.far_cell, TOO_LARGE),
    ("disagreeing_positions", H.disagreeing_positions, TOO_LARGE),
    ("zip_bomb", H.zip_bomb, UNCOMPRESSED),
    ("lying_zip_bomb", H.lying_zip_bomb, CORRUPT),
    ("many_entries", H.many_entries, ENTRIES),
    ("memory_hog", H.memory_hog, MEMORY),
]


@pytest.fixture(autouse=True)
def own_upload_dir(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # where uploads wait for confirmation


def leftovers() -> list[str]:
    return pending.waiting()


@pytest.mark.parametrize("name, make, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_workbook_is_refused_on_the_page_and_the_server_keeps_serving(ward_client, name, make, message,
                                                                              settings):
    settings.JOBS_IMPORT_CHECK_BYTES = settings.IMPORT_MAX_BYTES  # checked in the request (the job's check:
    before = state()  # tests/households/test_import_jobs.py)
    response = ward_client.post(reverse("household_io:import"), {"file": io.BytesIO(make())}, format="multipart")
    assert response.status_code == 200
    report = response.context["report"]
    assert message in report.file_message, report.file_message
    assert message in response.content.decode()
    assert "household_import" not in ward_client.session
    assert leftovers() == [] and state() == before
    # the same process answers the next request as usual
    assert ward_client.get(reverse("households:list")).status_code == 200
    good = ward_client.post(reverse("household_io:import"), {"file": io.BytesIO(H.valid())}, format="multipart")
    assert good.context["report"].ok


@pytest.mark.parametrize("name, make, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_workbook_is_refused_by_the_command(admin_user, tmp_path, capsys, name, make, message):
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(make())
    before = state()
    with pytest.raises(CommandError):
        call_command("import_households", str(path))
    assert message in capsys.readouterr().err
    assert state() == before


def test_a_claimed_extent_is_not_believed(ward_officer):
    """A 5 KB list whose sheet claims A1:XFD1048576 but holds three rows imports normally."""
    report = import_file(H.claimed_extent(), today=TODAY, actor=ward_officer, dry_run=True)
    assert report.ok, report.file_message or problems(report)
    assert report.rows == 3


@pytest.mark.parametrize("make", [H.unpositioned, H.attributes_first], ids=["unpositioned", "attributes_first"])
def test_cells_without_or_with_late_positions_are_measured_exactly_and_read(ward_officer, make):
    report = import_file(make(), today=TODAY, actor=ward_officer, dry_run=True)
    assert report.ok, report.file_message or problems(report)
    assert (report.households_created, report.members_created) == (2, 3)


def test_nan_infinity_and_nul_are_cell_errors_with_row_and_column(ward_client, admin_user, tmp_path, capsys):
    data = H.cell_values(name="Nguyễn_x0000_Văn An", floor_area=b"NaN")
    before = state()
    response = ward_client.post(reverse("household_io:import"), {"file": io.BytesIO(data)}, format="multipart")
    found = problems(response.context["report"])
    assert (2, "Họ và tên") in [(r, c) for r, c, _m in found]
    assert any(r == 2 and c == "Họ và tên" and "U+0000" in m for r, c, m in found)
    assert any(r == 2 and c == "Diện tích nhà ở (m²)" and "nan" in m for r, c, m in found)
    assert "\x00" not in response.content.decode()
    assert state() == before and leftovers() == []

    path = tmp_path / "nan.xlsx"
    path.write_bytes(H.cell_values(name="Trần\u202eThị", floor_area=b"-Infinity"))
    with pytest.raises(CommandError):
        call_command("import_households", str(path))
    err = capsys.readouterr().err
    assert "Dòng 2, cột “Họ và tên”: Văn bản có ký tự điều khiển hướng viết U+202E" in err
    assert "Dòng 2, cột “Diện tích nhà ở (m²)”: Ô chứa giá trị số không hợp lệ" in err
    assert state() == before


def test_a_nul_never_reaches_the_database_at_confirm(ward_client):
    """It was refused only at confirm, on PostgreSQL, with a server error: now at the preview."""
    response = ward_client.post(reverse("household_io:import"),
                                {"file": io.BytesIO(H.cell_values(name="A_x0000_B", floor_area=b"30"))},
                                format="multipart")
    assert not response.context["report"].ok
    assert "household_import" not in ward_client.session
    confirm = ward_client.post(reverse("household_io:import_confirm"))
    assert confirm.status_code == 302 and Household.objects.count() == 0


def test_reading_that_takes_too_long_is_stopped_with_a_message(ward_officer, settings):
    settings.IMPORT_READ_SECONDS = 0
    report = import_file(H.valid(), today=TODAY, actor=ward_officer, dry_run=True)
    assert SLOW in report.file_message


def test_only_a_previewed_file_worth_confirming_is_kept_and_confirm_removes_it(ward_client):
    response = ward_client.post(reverse("household_io:import"), {"file": io.BytesIO(H.valid())}, format="multipart")
    assert response.context["report"].ok
    assert len(leftovers()) == 1
    assert ward_client.post(reverse("household_io:import_confirm")).status_code == 302
    assert leftovers() == [] and Household.objects.count() == 2


def test_reading_memory_stays_under_300_mb_in_the_worker_and_the_caller(tmp_path):
    """The reading child is limited to ``IMPORT_READ_MEMORY_MB`` (≤ 300) of address space, so its
    peak is under 300 MB by construction (the memory hog above is refused because of it); and the
    process that asks (a fresh one here, so its own peak is measurable) stays small whatever it
    is sent."""
    assert settings.IMPORT_READ_MEMORY_MB <= 300
    files = {}
    for name, make, _message in HOSTILE:
        files[name] = tmp_path / f"{name}.xlsx"
        files[name].write_bytes(make())
    code = (
        "import json, resource, sys, django; django.setup()\n"
        "from households.io.reader import read_sheet, FileProblem\n"
        "out = {}\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        read_sheet(path); out[path] = None\n"
        "    except FileProblem as problem:\n"
        "        out[path] = problem.reader_peak_kb\n"
        "print(json.dumps({'self_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'workers': out}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *map(str, files.values())], capture_output=True, text=True,
                          cwd=settings.BASE_DIR, timeout=300,
                          env={"DJANGO_SETTINGS_MODULE": "tamky_poverty.settings_test", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["self_kb"] < 300 * 1024, result
    for path, peak in result["workers"].items():
        assert peak is None or peak < 300 * 1024, (path, peak)  # None: stopped by its memory limit


def test_the_reader_limits_are_those_of_the_settings():
    limits = reader.limits()
    assert limits["memory_bytes"] == settings.IMPORT_READ_MEMORY_MB * 1024 * 1024
    assert limits["max_uncompressed"] == settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    assert (limits["max_rows"], limits["max_columns"], limits["max_cells"]) == (100_000, 200, 2_000_000)
