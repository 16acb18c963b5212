"""Reports as of a date (issue 14 item 5), through the pages and ``export_report``: a ward formed
on 1 July 2025 reports what its former units' households did since January against their
targets; the city's December 2025 report shows the four wards; the 2026 tables list the four
wards with totals and rates; a closed year reads the register as known when it was closed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from households.models import Assessment
from households.services import assessment_record
from reports import documents, services
from tamky_poverty.models import Reorganisation, Role
from tamky_poverty.services import reorganisation_apply, unit_year_figures_save
from tests.factories import household_with_head

from .conftest import movement_row, xlsx_rows

pytestmark = pytest.mark.django_db

POOR3 = ["employment", "health_insurance", "telecom"]


def decide(actor, household, income, deprived, effective, number, decided=None):
    return assessment_record(
        actor=actor, household=household, kind="regular", year=effective.year, income_per_capita=income,
        indicators={c: True for c in deprived}, decision_number=number, decision_date=decided or effective,
        effective_date=effective, suggestions={})


@pytest.fixture
def city(ref, admin_user):
    """Households of An Phú, Tam Phú and Tam Thanh (Quảng Phú's predecessors) and of Tam Thăng
    with their 2024 decisions; An Phú's near-poor household leaves near-poverty in March 2025;
    the July 2025 reorganisation is then carried out for them (as the reference data did for the
    city's register); a Tam Thanh household becomes poor in October 2025."""
    u = ref.units
    wards = SimpleNamespace(quang_phu=u["Quảng Phú"], tam_ky=u["Tam Kỳ"], ban_thach=u["Bàn Thạch"],
                            huong_tra=u["Hương Trà"])
    a = admin_user
    ap_poor = household_with_head(ref.an_phu, code="AP-1")
    decide(a, ap_poor, 1_000_000, POOR3, dt.date(2024, 12, 1), "QĐ-AP1")
    ap_exit = household_with_head(ref.an_phu, code="AP-2")
    decide(a, ap_exit, 1_500_000, ["telecom"], dt.date(2024, 12, 1), "QĐ-AP2")
    decide(a, ap_exit, 3_500_000, [], dt.date(2025, 3, 10), "QĐ-AP2-THOAT")     # An Phú's exit
    tp = household_with_head(u["Tam Phú"], code="TP-1")
    decide(a, tp, 1_200_000, ["telecom"], dt.date(2024, 12, 1), "QĐ-TP1")
    tt = household_with_head(u["Tam Thanh"], code="TT-1")
    decide(a, tt, 1_200_000, [], dt.date(2024, 12, 1), "QĐ-TT1")
    thang = household_with_head(ref.tam_thang, code="TG-1")
    decide(a, thang, 1_000_000, POOR3, dt.date(2024, 12, 1), "QĐ-TG1")
    for reorganisation in Reorganisation.objects.all():  # carry it out for these households
        reorganisation_apply(actor=a, predecessors=reorganisation.predecessors.all(),
                             successor=reorganisation.successor, effective_date=reorganisation.effective_date,
                             today=dt.date(2025, 7, 1))
    decide(a, tt, 1_800_000, POOR3, dt.date(2025, 10, 5), "QĐ-TT1-NGHEO")      # urban ward now: poor
    for h in (ap_poor, ap_exit, tp, tt, thang):
        h.refresh_from_db()
    assert ap_exit.unit == wards.quang_phu
    return SimpleNamespace(wards=wards, ap_poor=ap_poor, ap_exit=ap_exit, tp=tp, tt=tt, thang=thang)


def lines_of(ds) -> dict:
    return {r.cells[1]: r.cells for r in ds.rows}


def export(tmp_path, *args) -> list[tuple]:
    out = tmp_path / "out.xlsx"
    call_command("export_report", *args, "--format", "xlsx", "-o", str(out))
    return xlsx_rows(out.read_bytes(), args[0])


def test_quang_phu_october_2025_counts_an_phus_exit_against_a_target_of_3(city, ref, make_user, tmp_path):
    qp = city.wards.quang_phu
    officer = make_user("canbo.qp", Role.WARD_OFFICER, unit=qp)
    from django.test import Client

    client = Client()
    client.force_login(officer)
    page = client.get(reverse("reports:report", args=["MONTHLY"]), {"year": 2025, "month": 10, "unit": qp.pk})
    lines = lines_of(page.context["doc"])
    # month, year to date, target, rate: An Phú's exit (March) in the year to date, target 1 + 2 + 0.
    assert lines["Số hộ thoát cận nghèo"][2:6] == [0, 1, 3, 33.33]
    # The Tam Thanh household, near-poor under the rural threshold, poor in October in the ward.
    assert lines["Số hộ cận nghèo chuyển sang hộ nghèo"][2:4] == [1, 1]
    assert lines["Số hộ thoát nghèo"][4] == 0

    # The same through export_report: 20356 in 10/2025 is Quảng Phú (the code is reused).
    rows = {r[1]: r for r in export(tmp_path, "MONTHLY", "--year", "2025", "--month", "10", "--unit", "20356")}
    assert rows["Số hộ thoát cận nghèo"][2:6] == (0, 1, 3, 33.33)
    # 20356 in 02/2025 is An Phú: its own households and target.
    rows = {r[1]: r for r in export(tmp_path, "MONTHLY", "--year", "2025", "--month", "3", "--unit", "20356")}
    assert rows["Số hộ thoát cận nghèo"][3:5] == (1, 1)

    # The submitted report freezes the same figures; the ward officer's own page shows them.
    report = services.monthly_report_prepare(actor=officer, unit=qp, year=2025, month=10)
    report = services.monthly_report_submit(actor=officer, report=report)
    assert report.snapshot["targets"] == {"poor": 0, "near_poor": 3}
    assert report.snapshot["movements"]["left_near_poor"]["ytd"] == 1


def test_the_city_report_for_december_2025_shows_the_four_wards_and_the_plans_progress(city, ref, make_user, tnmt,
                                                                                       tnmt_client, tmp_path):
    officer = make_user("canbo.qp", Role.WARD_OFFICER, unit=city.wards.quang_phu)
    report = services.monthly_report_prepare(actor=officer, unit=city.wards.quang_phu, year=2025, month=12)
    services.monthly_report_approve(actor=tnmt, report=services.monthly_report_submit(actor=officer, report=report))

    page = tnmt_client.get(reverse("reports:report", args=["MONTHLY"]), {"year": 2025, "month": 12})
    ds = page.context["doc"]
    lines = lines_of(ds)
    assert lines["Số hộ thoát cận nghèo"][3:6] == [1, 5, 20.0]   # the plan's 0/5, An Phú's exit counted
    assert ds.parameters["approved_units"] == [city.wards.quang_phu.pk]
    listed = [r.cells[1] for r in ds.sections[-1].rows]  # Quảng Phú: approved, but sent late
    assert listed == ["Phường Bàn Thạch", "Phường Hương Trà", "Phường Quảng Phú", "Phường Tam Kỳ"]
    assert ds.parameters["pending_units"] == ["Phường Bàn Thạch", "Phường Hương Trà", "Phường Tam Kỳ"]

    rows = export(tmp_path, "MONTHLY", "--year", "2025", "--month", "12")
    assert any(r[1] == "Số hộ thoát cận nghèo" and r[3:6] == (1, 5, 20.0) for r in rows)

    # The year 2025 spans the reorganisation: the wards, their former units beneath.
    movement = tnmt_client.get(reverse("reports:report", args=["MOVEMENT"]), {"year": 2025}).context["doc"]
    labels = [(r.cells[1], r.style) for r in movement.rows]
    assert ("Phường Quảng Phú", "") in labels and ("Phường An Phú", "child") in labels
    assert ("Xã Tam Thanh", "child") in labels and ("Khu vực nông thôn (xã)", "group") not in labels
    qp = movement_row(movement, "Phường Quảng Phú")
    assert (qp["near_start"], qp["near_left"], qp["poor_new"], qp["poor_end"]) == (3, 1, 0, 2)
    assert qp["poor_end"] == movement_row(movement, "Phường An Phú")["poor_end"] + movement_row(
        movement, "Xã Tam Thanh")["poor_end"]


def test_the_2026_tables_list_the_four_wards_with_totals_and_rates(city, ref, admin_user, tnmt_client, tmp_path):
    w = city.wards
    unit_year_figures_save(actor=admin_user, year=2026, totals={w.tam_ky: 9000, w.ban_thach: 8000,
                                                                 w.quang_phu: 7000, w.huong_tra: 10000})
    # The 2026 lists (the 2025 annual review, effective 01/01/2026).
    decide(admin_user, city.tp, 1_200_000, ["telecom", "water", "latrine"], dt.date(2026, 1, 1), "QĐ-TP1-2026",
           decided=dt.date(2025, 12, 20))
    expected_units = ["Phường Bàn Thạch", "Phường Hương Trà", "Phường Quảng Phú", "Phường Tam Kỳ"]
    for code in ("MOVEMENT", "PL08", "PL09"):
        ds = tnmt_client.get(reverse("reports:report", args=[code]), {"year": 2026}).context["doc"]
        units = [r.cells[1] for r in ds.rows if r.style == ""]
        assert units == expected_units, code
        labels = " ".join(str(r.cells[1]) for r in ds.rows)
        assert "Xã" not in labels and "xã" not in labels, code
        rows = export(tmp_path, code, "--year", "2026")
        assert [r[1] for r in rows if r[1] in expected_units] == expected_units
    movement = tnmt_client.get(reverse("reports:report", args=["MOVEMENT"]), {"year": 2026}).context["doc"]
    qp = movement_row(movement, "Phường Quảng Phú")
    assert qp["total"] == 7000
    assert (qp["poor_start"], qp["poor_start_rate"]) == (3, 0.04)   # AP-1, TT-1, TP-1 on 01/01/2026
    assert movement_row(movement, "Tổng cộng")["total"] == 34000
    pl08 = tnmt_client.get(reverse("reports:report", args=["PL08"]), {"year": 2026, "ngay_so_lieu": "01/03/2026"})
    ds = pl08.context["doc"]
    assert ds.parameters["on"] == "2026-03-01"
    assert {r.cells[1]: r.cells[2] for r in ds.rows if r.style == ""}["Phường Quảng Phú"] == 3


def test_a_closed_year_is_reproducible_and_flags_a_back_dated_decision(city, ref, admin_user, tnmt, tmp_path):
    # Everything so far was recorded in January 2026; TNMT closes 2025 on 20/01/2026.
    Assessment.objects.update(created_at=timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0)))
    documents.period_close(actor=tnmt, year=2025, on=dt.date(2026, 1, 20))

    def pl08():
        """The table of the exported PL08 (up to its total row)."""
        rows = [r[:8] for r in export(tmp_path, "PL08", "--year", "2025")]
        return rows[:[r[1] for r in rows].index("Tổng cộng") + 1]

    before = pl08()
    movement_before = [r.cells for r in export_dataset("MOVEMENT").rows]
    # A 2026 review changes nothing in 2025's appendix.
    decide(admin_user, city.ap_poor, 3_000_000, [], dt.date(2026, 3, 1), "QĐ-AP1-2026")
    assert pl08() == before
    # A decision effective in 2025, recorded after the year was closed: not counted, but named.
    decide(admin_user, city.thang, 3_000_000, [], dt.date(2025, 11, 1), "QĐ-TG1-MUON")
    assert pl08() == before
    ds = export_dataset("PL08")
    assert any("QĐ-TG1-MUON" in n and "20/01/2026" in n for n in ds.notes)
    assert any("QĐ-TG1-MUON" in str(r[0]) for r in export(tmp_path, "PL08", "--year", "2025"))
    assert [r.cells for r in export_dataset("MOVEMENT").rows] == movement_before
    assert any("QĐ-TG1-MUON" in n for n in export_dataset("MOVEMENT").notes)
    # The open year 2026 counts it: the household is out of poverty at its start.
    y2026 = export_dataset("MOVEMENT", 2026)
    assert movement_row(y2026, "Phường Bàn Thạch")["poor_start"] == 0


def export_dataset(code, year=2025):
    from reports import datasets

    return datasets.build(datasets.SYSTEM, code, datasets.Params(year=year, as_of=dt.date(2026, 11, 30)))
