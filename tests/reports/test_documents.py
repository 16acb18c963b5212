"""Documents belong to their period and issuer (issue 14 item 7): the issuer, its superior, the
place, signer and recipients come from dated data for the issuing unit; an issued document takes
a number from its issuer's register for the year and carries its own date; a draft has neither."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from reports import datasets, documents
from reports.dataset import Dataset
from reports.models import DocumentSettings, IssuedDocument, MonthlyReport
from reports.services import monthly_report_approve, monthly_report_prepare, monthly_report_submit
from tamky_poverty.models import AdministrativeUnit
from tests.reports.test_reports import pdf_text


def ds_for(code="PL01", year=2025, month=None, unit=None) -> Dataset:
    return Dataset(code=code, title=f"Biểu {code}", parameters={"year": year, "month": month, "unit": unit})


def test_issuer_follows_the_period_and_the_unit(ref):
    before = documents.issuer_for(None, dt.date(2025, 6, 30))
    after = documents.issuer_for(None, dt.date(2025, 7, 1))
    assert (before.issuer_parent, before.issuer) == ("UBND TỈNH QUẢNG NAM", "UBND THÀNH PHỐ TAM KỲ")
    assert (after.issuer_parent, after.issuer) == ("UBND THÀNH PHỐ ĐÀ NẴNG", "UBND PHƯỜNG TAM KỲ")
    an_phu = documents.issuer_for(ref.an_phu, dt.date(2025, 6, 30))
    assert (an_phu.issuer, an_phu.place, an_phu.issuer_parent) == ("UBND Phường An Phú", "An Phú", "UBND THÀNH PHỐ TAM KỲ")
    assert "Tam Kỳ (qua Phòng Tài nguyên và Môi trường)" in an_phu.recipients and "Quảng Nam" not in an_phu.recipients
    quang_phu = AdministrativeUnit.objects.get(name="Quảng Phú")
    qp = documents.issuer_for(quang_phu, dt.date(2025, 10, 31))
    assert qp.issuer == "UBND Phường Quảng Phú" and "Đà Nẵng" in qp.recipients
    # A row for one unit wins over the level's general row.
    DocumentSettings.objects.create(level="unit", unit=quang_phu, valid_from=dt.date(2026, 1, 1), issuer="UBND {unit}",
                                    place="Quảng Phú", signer_name="Nguyễn Văn Chủ Tịch", recipients="Sở NNMT")
    assert documents.issuer_for(quang_phu, dt.date(2026, 3, 1)).signer_name == "Nguyễn Văn Chủ Tịch"
    assert documents.issuer_for(quang_phu, dt.date(2025, 12, 1)).signer_name == ""


def test_register_numbers_per_issuer_and_year_and_reuses_a_number(ref, tnmt):
    city = documents.issuer_for(None, dt.date(2025, 2, 5))
    a = documents.document_issue(actor=tnmt, ds=ds_for("PL01"), issuer=city, issue_date=dt.date(2025, 2, 5))
    b = documents.document_issue(actor=tnmt, ds=ds_for("PL02"), issuer=city, issue_date=dt.date(2025, 2, 5))
    again = documents.document_issue(actor=tnmt, ds=ds_for("PL01"), issuer=city, issue_date=dt.date(2025, 2, 5))
    later = documents.document_issue(actor=tnmt, ds=ds_for("PL01"), issuer=city, issue_date=dt.date(2025, 3, 1))
    assert (a.number, b.number, again.pk, later.number) == (1, 2, a.pk, 3)
    assert a.reference == "1/BC-UBND" and a.issued_by == tnmt
    next_year = documents.document_issue(actor=tnmt, ds=ds_for("PL01", 2026), issuer=city, issue_date=dt.date(2026, 1, 5))
    ward = documents.issuer_for(ref.an_phu, dt.date(2025, 2, 5))
    own = documents.document_issue(actor=tnmt, ds=ds_for("PL01"), issuer=ward, issue_date=dt.date(2025, 2, 5))
    assert next_year.number == 1 and own.number == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_numbers():
    from citydata.reference_data import load_reference

    load_reference(today=dt.date(2026, 11, 30))
    city = documents.issuer_for(None, dt.date(2026, 3, 1))
    numbers, errors = [], []

    def issue(i):
        try:
            doc = documents.document_issue(actor=None, ds=ds_for(f"PL0{i}", 2026), issuer=city,
                                           issue_date=dt.date(2026, 3, 1))
            numbers.append(doc.number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(numbers) == list(range(1, 9))


def test_downloads_are_drafts_until_issued_with_a_date(ref, tnmt_client, agency_client):
    draft = pdf_text(tnmt_client.get("/bao-cao/PL01/", {"year": 2025, "format": "pdf"}).content)
    assert "Số: \u2003\u2003/BC-UBND" in draft and "ngày … tháng … năm …" in draft
    assert not IssuedDocument.objects.exists()
    issued = tnmt_client.get("/bao-cao/PL01/", {"year": 2025, "format": "xlsx", "ngay": "05/02/2025"})
    ws = load_workbook(io.BytesIO(issued.content))["PL01"]
    assert ws["A3"].value == "Số: 1/BC-UBND" and "ngày 05 tháng 02 năm 2025" in str(ws.cell(3, 4).value or "") + "".join(
        str(c.value or "") for c in ws[3])
    assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst
    # An agency officer downloads drafts only: no number is taken in anyone's name.
    agency = agency_client.get("/bao-cao/PL01/", {"year": 2025, "format": "pdf", "ngay": "06/02/2025"})
    assert "Số: \u2003\u2003/BC-UBND" in pdf_text(agency.content)
    assert IssuedDocument.objects.count() == 1
    bad = tnmt_client.get("/bao-cao/PL01/", {"year": 2025, "format": "pdf", "ngay": "31/02/2025"})
    assert bad.status_code == 302 and IssuedDocument.objects.count() == 1
    catalogue = tnmt_client.get("/bao-cao/").content.decode()
    assert 'name="ngay"' in catalogue and "ngay=" in catalogue
    assert 'name="ngay"' not in agency_client.get("/bao-cao/").content.decode()


def test_an_approved_unit_report_carries_its_number_date_and_its_units_issuer(ref, ward_officer, tnmt, tnmt_client):
    report = monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=6)
    monthly_report_submit(actor=ward_officer, report=report)
    before = pdf_text(tnmt_client.get("/bao-cao/MONTHLY/", {"year": 2025, "month": 6, "unit": ref.an_phu.pk,
                                                            "format": "pdf", "ngay": "01/07/2025"}).content)
    assert "Số: \u2003\u2003/BC-UBND" in before  # submitted, not approved: still a draft
    report = monthly_report_approve(actor=tnmt, report=report)
    assert report.document.reference == "1/BC-UBND" and report.document.issuer == "UBND Phường An Phú"
    approved_on = report.document.issue_date
    text = pdf_text(tnmt_client.get("/bao-cao/MONTHLY/", {"year": 2025, "month": 6, "unit": ref.an_phu.pk,
                                                          "format": "pdf"}).content)
    assert "UBND PHƯỜNG AN PHÚ" in text and "UBND THÀNH PHỐ TAM KỲ" in text and "Số: 1/BC-UBND" in text
    assert f"An Phú, ngày {approved_on:%d} tháng {approved_on:%m} năm {approved_on:%Y}" in text
    assert "UBND thành phố Tam Kỳ (qua Phòng Tài nguyên" in text and "Quảng Nam" not in text
    assert MonthlyReport.objects.get(pk=report.pk).document_id == report.document_id


def test_export_report_issues_with_a_date_and_reads_a_unit_code_in_its_period(ref, tmp_path):
    out = tmp_path / "qp.pdf"
    call_command("export_report", "MONTHLY", year=2025, month=10, unit="20356", format="pdf", output=str(out))
    text = pdf_text(out.read_bytes())
    assert "Phường Quảng Phú" in text and "Phường An Phú" not in text
    older = tmp_path / "ap.xlsx"
    call_command("export_report", "PL01", year=2025, unit="20356@2025-03-01", date="2025-02-05", format="xlsx",
                 output=str(older))
    ws = load_workbook(older)["PL01"]
    assert ws["A2"].value == "UBND THÀNH PHỐ TAM KỲ" and ws["A3"].value == "Số: 1/BC-UBND"
    assert any("Phường An Phú" == c.value for row in ws.iter_rows() for c in row)
    recipients = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("- ")]
    assert all(c.quotePrefix and not c.value.startswith("'") for c in recipients)


def test_datasets_system_actor_issues_in_the_citys_name():
    assert documents.issuing_unit(datasets.SYSTEM) is None and documents.may_issue(datasets.SYSTEM)
