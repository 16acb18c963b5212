"""Plausibility warnings in the household list import (issue 18, as on the household form): ages
that do not fit the relation to the head are warnings on their row, never a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.io import columns as C
from households.io.importer import import_file
from households.models import Household, Member
from households.plausibility import MemberFacts, implausibilities
from tests.factories import MemberFactory, household_with_head

from .io_helpers import TODAY, child_row, head_row, valid_rows, workbook_bytes

pytestmark = pytest.mark.django_db

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


def warnings(report):
    return [(w.row, w.column, w.message) for w in report.warnings]


def many_spouses(households: int, on: dt.date | None = None):
    rows = []
    for k in range(households):
        code = f"AP-{100 + k}"
        rows += [head_row(code=code, full_name=f"Chủ hộ {k}", date_of_birth=dt.date(1975, 4, 12),
                          citizen_id=f"0490750{k:05d}"),
                 child_row(code=code, full_name=f"Vợ {k}", sex="Nữ", relation="Vợ/chồng",
                           date_of_birth=years_ago(14, on), nutrition="Không thuộc diện")]
    return rows


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
