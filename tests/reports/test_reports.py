"""Report datasets and their three renderers: the numbers, and that HTML, PDF and XLSX show them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from households.models import Deprivation, Household
from reports import datasets
from reports.datasets import SYSTEM, Params
from reports.excel import render_xlsx, safe_cell
from reports.pdf import render_pdf, static_url_fetcher
from tamky_poverty.models import AccessRecord

from .conftest import assert_pdf_matches, assert_xlsx_matches, list_lines, movement_row, pdf_text, squash, xlsx_rows

pytestmark = pytest.mark.django_db

ALL_CODES = [code for code, spec in datasets.REPORTS.items() if not spec.needs_month]


def build(code, year=2025, month=None, unit=None, actor=SYSTEM, on=None):
    return datasets.build(actor, code, Params(year=year, month=month, unit=unit, on=on))


# ------------------------------------------------------------------------------------ PL01


def test_pl01_targets_in_html_pdf_and_xlsx(ref, admin_client_):
    # Up to March 2025 the plan's own units; the year 2025 spans the July reorganisation: the
    # wards, with the targets of the units the plan was made for beneath them.
    march = build("PL01", month=3)
    assert [(r.cells[1], r.cells[2], r.cells[3]) for r in march.rows] == [
        ("Phường An Phú", 0, 1), ("Phường An Sơn", 0, 1), ("Xã Tam Phú", 0, 2), ("Xã Tam Thăng", 0, 1),
        ("Tổng cộng", 0, 5)]
    ds = build("PL01")
    body = [(r.cells[1], r.cells[2], r.cells[3], r.style) for r in ds.rows]
    assert body == [("Phường Bàn Thạch", 0, 1, ""), ("Xã Tam Thăng", 0, 1, "child"),
                    ("Phường Hương Trà", 0, 1, ""), ("Phường An Sơn", 0, 1, "child"),
                    ("Phường Quảng Phú", 0, 3, ""), ("Phường An Phú", 0, 1, "child"), ("Xã Tam Phú", 0, 2, "child"),
                    ("Tổng cộng", 0, 5, "total")]

    url = reverse("reports:report", args=["PL01"])
    html = admin_client_.get(url, {"year": 2025}).content.decode()
    for name, _poor, _near, _style in body:
        assert name in html
    assert 'class="row-child"' in html
    assert "Tổng cộng" in html and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html

    # Issued on 05/02/2025 (the date chosen when exporting): the issuer of that day, a number.
    pdf = admin_client_.get(url, {"year": 2025, "month": 3, "format": "pdf", "ngay": "05/02/2025"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for line in ("1 Phường An Phú 0 1", "2 Phường An Sơn 0 1", "3 Xã Tam Phú 0 2", "4 Xã Tam Thăng 0 1",
                 "Tổng cộng 0 5", "UBND THÀNH PHỐ TAM KỲ", "Độc lập - Tự do - Hạnh phúc", "NGƯỜI LẬP BIỂU",
                 "Số: 1/BC-UBND", "Tam Kỳ, ngày 05 tháng 02 năm 2025"):
        assert line in text

    xlsx = admin_client_.get(url, {"year": 2025, "format": "xlsx"})
    rows = xlsx_rows(xlsx.content, "PL01")
    assert (3, "Phường Quảng Phú", 0, 3) in [r[:4] for r in rows]
    assert (None, "Phường An Phú", 0, 1) in [r[:4] for r in rows]
    assert (None, "Tổng cộng", 0, 5) in [r[:4] for r in rows]
    assert_xlsx_matches(xlsx.content, ds)


def test_pl01_xlsx_is_real_excel(ref):
    from openpyxl import load_workbook

    ds = build("PL01")
    wb = load_workbook(io.BytesIO(render_xlsx([ds])))
    ws = wb["PL01"]
    assert ws.freeze_panes is not None
    assert ws.print_title_rows
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    merged = [str(r) for r in ws.merged_cells.ranges]
    assert any(":" in m for m in merged)  # heading cells merged
    total_row = next(r for r in ws.iter_rows() if r[1].value == "Tổng cộng")
    assert isinstance(total_row[3].value, int) and total_row[3].number_format == "#,##0"
    assert ws.column_dimensions["B"].width >= 20


def test_place_date_has_leading_zeros(ref):
    from reports.formatting import place_date

    assert place_date("Tam Kỳ", dt.date(2025, 2, 5)) == "Tam Kỳ, ngày 05 tháng 02 năm 2025"


# ---------------------------------------------------------------------------- PL02–PL07


def test_support_lists(register):
    pl02, pl03 = build("PL02"), build("PL03")
    assert [r.cells[1] for r in pl02.rows[:-1]] == ["Nguyễn Văn An"]  # the cancelled action is not listed
    assert pl02.rows[0].cells[5:7] == [1, 15_000_000]
    assert pl02.rows[0].cells[8] == "Phòng TNMT"
    assert "Mặt trận" in pl02.rows[0].cells[9] or "MTTQ" in pl02.rows[0].cells[9]
    assert pl02.rows[-1].cells[1] == "Tổng cộng: 1 hộ" and pl02.rows[-1].cells[6] == 15_000_000
    assert len(pl03.rows) - 1 == 2 and pl03.rows[-1].cells[6] == 15_500_000
    pl04, pl05 = build("PL04"), build("PL05")
    assert [r.cells[4] for r in pl04.rows[:-1]] == ["Xây mới nhà"]
    assert [r.cells[4] for r in pl05.rows[:-1]] == ["Sửa nhà"]
    pl06, pl07 = build("PL06"), build("PL07")
    assert [r.cells[1] for r in pl06.rows[:-1]] == ["Trần Bé Ba"]
    assert pl06.rows[0].cells[6] == 500_000
    assert [r.cells[1] for r in pl07.rows[:-1]] == ["Nguyễn Bé Hai"]
    assert pl07.rows[-1].cells[1] == "Tổng cộng: 1 cháu"
    assert pl02.landscape


def test_support_list_fixed_query_count(register, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        build("PL03")


# ---------------------------------------------------------------------------- PL08 / PL09


@pytest.mark.parametrize("code,cls", [("PL08", "poor"), ("PL09", "near_poor")])
def test_deprivation_totals_equal_register(register, ref, code, cls):
    ds = build(code, on=dt.date(2025, 6, 30))  # before the reorganisation: 8 wards, 4 communes
    codes = ds.parameters["indicator_codes"]
    assert len(codes) == 12
    total = ds.rows[-1]
    assert total.style == "total"
    homes = Household.objects.filter(current_class=cls, is_deleted=False)
    assert total.cells[2] == homes.count()
    columns = ds.parameters["indicator_columns"]
    for ind in codes:
        expected = Deprivation.objects.filter(
            deprived=True, indicator__code=ind,
            assessment_id__in=homes.values("current_assessment_id")).count()
        assert total.cells[columns[ind]] == expected, ind
    # Each dimension: the distinct households deprived on any of its indicators.
    dimensions = ds.parameters["dimension_columns"]
    assert len(dimensions) == 6
    for dimension, col in dimensions.items():
        expected = Deprivation.objects.filter(
            deprived=True, indicator__dimension=dimension, assessment_id__in=homes.values("current_assessment_id"),
        ).values("assessment__household").distinct().count()
        assert total.cells[col] == expected, dimension
    styles = [r.style for r in ds.rows]
    assert styles.count("subtotal") == 2 and styles.count("group") == 2


def test_pl08_values_and_drilldown(register, ref, admin_client_):
    ds = build("PL08", on=dt.date(2025, 6, 30))
    columns = ds.parameters["indicator_columns"]
    telecom = columns["telecom"]
    by_unit = {r.cells[1]: r for r in ds.rows if r.style == ""}
    assert by_unit["Phường An Phú"].cells[2] == 1 and by_unit["Phường An Phú"].cells[telecom] == 1
    assert by_unit["Xã Tam Thăng"].cells[columns["nutrition"]] == 1
    # C (Tam Thăng) is deprived on employment and nutrition: one household in each of two dimensions.
    assert by_unit["Xã Tam Thăng"].cells[ds.parameters["dimension_columns"]["Y tế"]] == 1
    assert ds.rows[-1].cells[telecom] == 2
    page = admin_client_.get(reverse("reports:report", args=["PL08"]), {"year": 2025, "ngay_so_lieu": "30/06/2025"})
    drill = reverse("reports:drilldown", args=["PL08"])
    assert drill in page.content.decode() and "ngay_so_lieu=30/06/2025" in page.content.decode()
    before = AccessRecord.objects.count()
    resp = admin_client_.get(drill, {"unit": ref.an_phu.pk, "indicator": "telecom", "year": 2025,
                                     "ngay_so_lieu": "30/06/2025"})
    assert resp.status_code == 200
    assert "Nguyễn Văn An" in resp.content.decode()
    assert "Lê Văn Dũng" not in resp.content.decode()  # near-poor: PL09, not PL08
    assert AccessRecord.objects.count() == before + 1

    # The year's default day, 31/12/2025: the four wards, An Phú's household under Quảng Phú.
    year_end = build("PL08")
    assert year_end.parameters["on"] == "2025-12-31"
    rows = {r.cells[1]: r for r in year_end.rows}
    assert rows["Phường Quảng Phú"].cells[2] == 1 and rows["Phường Quảng Phú"].cells[telecom] == 1
    assert rows["Phường An Phú"].style == "child" and rows["Phường An Phú"].cells[2] == 1
    assert [r.cells[1] for r in year_end.rows if r.style == "group"] == ["Khu vực thành thị (phường)"]
    qp = rows["Phường Quảng Phú"].drill[telecom]["unit"]
    resp = admin_client_.get(drill, {"unit": qp, "indicator": "telecom", "year": 2025})
    assert "Nguyễn Văn An" in resp.content.decode() and "31/12/2025" in resp.content.decode()


# ---------------------------------------------------------------------------- year movements


def test_year_movements(register, ref):
    from tamky_poverty.models import UnitYearFigures

    UnitYearFigures.objects.update_or_create(unit=ref.an_phu, year=2025, defaults={"total_households": 1000})
    ds = build("MOVEMENT")
    ap, tt = movement_row(ds, "Phường An Phú"), movement_row(ds, "Xã Tam Thăng")
    assert ap["total"] == 1000
    assert (ap["poor_start"], ap["poor_start_rate"], ap["poor_end"]) == (1, 0.1, 1)  # one poor household all year
    assert list_lines(ap, "near") == {"start": 2, "left": 1, "other_out": 0, "new": 0, "re": 0, "other_in": 0,
                                      "end": 1}
    assert ap["near_start_rate"] == 0.2
    assert (tt["poor_start"], tt["poor_new"], tt["poor_end"], tt["poor_dtts"]) == (0, 1, 1, 1)  # new, minority
    assert tt["poor_start_rate"] is None                     # no household total known → no rate
    total = movement_row(ds, "Tổng cộng")
    assert (total["poor_start"], total["poor_end"], total["near_left"]) == (1, 2, 1)
    # 2025 spans the reorganisation: An Phú and Tam Thăng are beneath their wards, all urban now.
    assert movement_row(ds, "Cộng khu vực thành thị")["poor_end"] == 2
    assert movement_row(ds, "Phường Quảng Phú")["near_start"] == 2 and movement_row(ds, "Phường Quảng Phú")["total"] is None
    assert movement_row(build("MOVEMENT", month=6), "Cộng khu vực thành thị")["poor_end"] == 1


# ---------------------------------------------------------------------------- every report, every format


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_report_xlsx_and_pdf_match_dataset(register, code):
    ds = build(code)
    assert_xlsx_matches(render_xlsx([ds]), ds)
    assert_pdf_matches(render_pdf(ds), ds)


def test_monthly_reports_xlsx_and_pdf_match_dataset(register, ref):
    for unit in (ref.an_phu, None):
        ds = build("MONTHLY", month=2, unit=unit)
        assert_xlsx_matches(render_xlsx([ds]), ds)
        assert_pdf_matches(render_pdf(ds), ds)
        text = pdf_text(render_pdf(ds))
        assert "Nơi nhận:" in text and "TM. ỦY BAN NHÂN DÂN" in text


@pytest.mark.tasks
def test_bundle_is_one_workbook_with_a_sheet_each(register, admin_client_):
    """The bundle is a background job: the request answers at once, the file is on “Tài liệu của tôi”."""
    from openpyxl import load_workbook

    from jobs.models import Job
    from tests.jobs_helpers import run_jobs

    resp = admin_client_.post(reverse("reports:bundle_xlsx"), {"year": 2025, "codes": ["PL01", "PL02", "PL08"]})
    job = Job.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == "queued" and job.rows_total == 3
    run_jobs()
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3
    resp = admin_client_.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(resp.streaming_content)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["PL01", "PL02", "PL08"]
    assert_xlsx_matches(content, build("PL02"))


def test_bundle_without_codes_is_a_clear_message(admin_client_, ref):
    resp = admin_client_.post(reverse("reports:bundle_xlsx"), {"year": 2025}, follow=True)
    assert "Chọn ít nhất một phụ lục" in resp.content.decode()


def test_bad_parameters_are_messages_not_errors(admin_client_, ref):
    url = reverse("reports:report", args=["PL01"])
    resp = admin_client_.get(url, {"year": "abc"}, follow=True)
    assert resp.status_code == 200 and "Năm báo cáo không hợp lệ" in resp.content.decode()
    resp = admin_client_.get(reverse("reports:report", args=["MONTHLY"]), {"year": 2025, "month": 13}, follow=True)
    assert "Tháng báo cáo phải từ 1 đến 12" in resp.content.decode()
    assert admin_client_.get(url, {"format": "doc"}).status_code == 404
    assert admin_client_.get(reverse("reports:report", args=["PL99"])).status_code == 404


# ---------------------------------------------------------------------------- personal data, escaping, fetcher


def test_list_download_records_personal_data_access(register, admin_client_, admin_user):
    before = AccessRecord.objects.filter(user=admin_user).count()
    resp = admin_client_.get(reverse("reports:report", args=["PL03"]), {"year": 2025, "format": "xlsx"})
    assert resp.status_code == 200
    assert AccessRecord.objects.filter(user=admin_user, action="report").count() == before + 1
    admin_client_.get(reverse("reports:report", args=["PL01"]), {"year": 2025, "format": "xlsx"})
    assert AccessRecord.objects.filter(user=admin_user).count() == before + 1  # PL01 has no personal data


@pytest.mark.parametrize("value,expected", [
    ("=1+2", "'=1+2"), ("+84", "'+84"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Nguyễn", "Nguyễn"), (5, 5), (-5, -5), (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_formulas_in_text_cells_stay_text(register):
    from openpyxl import load_workbook

    ds = build("PL03")
    wb = load_workbook(io.BytesIO(render_xlsx([ds])))
    values = [c.value for row in wb["PL03"].iter_rows() for c in row]
    assert "'=1+2" in values and "'=HYPERLINK(\"http://x\")" in values
    assert "=1+2" not in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


def test_url_fetcher_refuses_remote_and_foreign_urls(settings):
    fetcher = static_url_fetcher()
    for url in ("http://example.com/x.css", "https://example.com/font.ttf", "ftp://example.com/a",
                "file:///etc/passwd", "data:text/plain,hi"):
        with pytest.raises(ValueError):
            fetcher(url)
    font = (settings.BASE_DIR / "static" / "fonts" / "LiberationSerif-Regular.ttf").resolve().as_uri()
    assert fetcher(font).read(4)


def test_pdf_with_remote_image_never_fetches(monkeypatch, ref):
    import urllib.request

    def boom(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", boom)
    ds = build("PL01")
    ds.notes = ["<img src='http://example.com/x.png'>"]  # escaped by the template; still no fetch
    assert render_pdf(ds).startswith(b"%PDF")


def test_pdf_uses_bundled_font_and_landscape(register):
    from pypdf import PdfReader

    ds = build("PL08")
    reader = PdfReader(io.BytesIO(render_pdf(ds)))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape A4
    resolved = [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].get_object().values()]
    assert any("Liberation-Serif" in f for f in resolved), resolved


# ---------------------------------------------------------------------------- command line


@pytest.mark.parametrize("code", ["PL01", "PL05", "PL09", "MOVEMENT"])
@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "html"])
def test_export_report_command(register, tmp_path, code, fmt):
    out = tmp_path / f"{code}.{fmt}"
    call_command("export_report", code, "--year", "2025", "--format", fmt, "-o", str(out))
    data = out.read_bytes()
    ds = build(code)
    if fmt == "xlsx":
        assert_xlsx_matches(data, ds)
    elif fmt == "pdf":
        assert_pdf_matches(data, ds)
    else:
        assert squash(ds.title.upper()) in squash(data.decode())


def test_export_report_command_monthly_for_a_unit(register, tmp_path):
    out = tmp_path / "m.pdf"
    call_command("export_report", "MONTHLY", "--year", "2025", "--month", "2", "--unit", "20356",
                 "--format", "pdf", "-o", str(out))
    assert "Phường An Phú" in pdf_text(out.read_bytes())


def test_export_report_command_errors(ref, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_report", "PL77", "--year", "2025", "--format", "pdf", "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command("export_report", "MONTHLY", "--year", "2025", "--format", "pdf", "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command("export_report", "PL01", "--year", "2025", "--unit", "99999", "--format", "pdf",
                     "-o", str(tmp_path / "x"))


# ---------------------------------------------------------------------------- catalogue page


def test_catalogue_lists_every_report_with_buttons(admin_client_, ref):
    resp = admin_client_.get(reverse("reports:catalogue"), {"year": 2025})
    html = resp.content.decode()
    assert resp.status_code == 200
    for code in datasets.REPORTS:
        assert f"/bao-cao/{code}/?" in html
    assert "format=pdf" in html and "format=xlsx" in html
    assert "data-download" not in html and "js/reports.js" not in html  # no timed spinner (issue 17)
    assert "style=" not in html and "onclick" not in html
