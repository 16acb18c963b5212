"""Monthly reporting workflow (prepare, submit, return, resubmit, approve, locked), city
aggregation of approved reports only, and the scope of every report format."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import datasets, services
from reports.datasets import SYSTEM, Params
from reports.models import MonthlyReport, MonthlyReportEvent

pytestmark = pytest.mark.django_db

S = MonthlyReport.Status


def prepare(actor, unit, **kw):
    return services.monthly_report_prepare(actor=actor, unit=unit, year=2025, month=2,
                                           difficulties=kw.get("d", "Thiếu vốn"), proposals=kw.get("p", "Tăng hỗ trợ"))


def test_full_workflow_through_services(register, ref, ward_officer, tnmt):
    report = prepare(ward_officer, ref.an_phu)
    assert report.status == S.DRAFT
    report = services.monthly_report_submit(actor=ward_officer, report=report)
    assert report.status == S.SUBMITTED and report.submitted_by == ward_officer
    # figures frozen: B left near-poverty in February in An Phú
    assert report.snapshot["movements"]["left_near_poor"] == {"month": 1, "ytd": 1}
    assert report.snapshot["targets"] == {"poor": 0, "near_poor": 1}
    assert report.snapshot["support"]["livelihood"]["completed_month"] == 1

    with pytest.raises(ValidationError):
        services.monthly_report_return(actor=tnmt, report=report, comment="   ")
    report.refresh_from_db()
    assert report.status == S.SUBMITTED

    with pytest.raises(PermissionDenied):
        services.monthly_report_approve(actor=ward_officer, report=report)

    report = services.monthly_report_return(actor=tnmt, report=report, comment="Bổ sung số liệu")
    assert report.status == S.RETURNED and report.review_comment == "Bổ sung số liệu"
    report = services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=2,
                                             difficulties="Đã bổ sung", proposals="")
    assert report.status == S.RETURNED and report.difficulties == "Đã bổ sung"
    report = services.monthly_report_submit(actor=ward_officer, report=report)
    report = services.monthly_report_approve(actor=tnmt, report=report)
    assert report.status == S.APPROVED and report.reviewed_by == tnmt

    # locked
    with pytest.raises(ValidationError):
        prepare(ward_officer, ref.an_phu)
    with pytest.raises(ValidationError):
        services.monthly_report_submit(actor=ward_officer, report=report)
    with pytest.raises(ValidationError):
        services.monthly_report_return(actor=tnmt, report=report, comment="Muộn")
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.difficulties == "Đã bổ sung"

    steps = list(MonthlyReportEvent.objects.filter(report=report).values_list("to_status", "actor__username"))
    assert steps == [("draft", "canbo.anphu"), ("submitted", "canbo.anphu"), ("returned", "tnmt"),
                     ("submitted", "canbo.anphu"), ("approved", "tnmt")]


def test_snapshot_is_frozen_at_submission(register, ref, ward_officer, admin_user):
    from reports.datasets import monthly_unit

    report = services.monthly_report_submit(actor=ward_officer, report=prepare(ward_officer, ref.an_phu))
    before = monthly_unit(SYSTEM, Params(2025, 2, ref.an_phu)).rows[1].cells
    register.actions.liv_b.delete()  # a later change in the register …
    import datetime as dt

    from tests.reports.conftest import review

    review(admin_user, register.a, 2025, 5_000_000, [], dt.date(2025, 2, 25), "QĐ-09")
    after = monthly_unit(SYSTEM, Params(2025, 2, ref.an_phu))
    assert after.rows[1].cells == before  # … does not change the submitted report
    assert after.rows[0].cells[2] == 0
    assert report.snapshot["movements"]["left_poor"]["month"] == 0


def test_other_unit_officer_cannot_prepare_for_an_phu(ref, other_ward_officer, tnmt):
    with pytest.raises(PermissionDenied):
        prepare(other_ward_officer, ref.an_phu)
    with pytest.raises(PermissionDenied):
        prepare(tnmt, ref.an_phu)


def test_city_report_aggregates_approved_only(register, ref, ward_officer, other_ward_officer, tnmt):
    ap = services.monthly_report_submit(actor=ward_officer, report=prepare(ward_officer, ref.an_phu))
    services.monthly_report_approve(actor=tnmt, report=ap)
    tt = services.monthly_report_submit(actor=other_ward_officer, report=prepare(other_ward_officer, ref.tam_thang))
    assert tt.snapshot["movements"]["new_poor"]["month"] == 1  # submitted, not approved

    city = datasets.build(SYSTEM, "MONTHLY", Params(2025, 2, None, as_of=dt.date.today()))  # looked at today
    by_line = {r.cells[1]: r.cells for r in city.rows}
    # An Phú approved: counted; the target is the plan's (Phụ lục 01 total 0/5), not the reports' sum.
    assert by_line["Số hộ thoát cận nghèo"][2:6] == [1, 1, 5, 20.0]
    assert by_line["Số hộ thoát nghèo"][4] == 0
    assert by_line["Số hộ nghèo phát sinh"][2] == 0              # Tam Thăng not approved: not counted
    assert city.parameters["approved_units"] == [ref.an_phu.pk]
    pending = city.parameters["pending_units"]
    assert "Xã Tam Thăng" in pending and "Phường An Phú" not in pending
    assert len(pending) == 11
    pending_rows = {r.cells[1]: r.cells[2] for r in city.sections[-1].rows}
    assert pending_rows["Xã Tam Thăng"] == "Đã gửi" and pending_rows["Phường An Mỹ"] == "Chưa gửi báo cáo"
    # Due 05/03/2025 (the default), submitted today: every unit is late, An Phú included.
    assert city.parameters["due_date"] == "2025-03-05"
    assert "Phường An Phú" in city.parameters["late_units"] and len(city.parameters["late_units"]) == 12


def test_workflow_through_pages(register, ref, ward_client, tnmt_client, other_ward_client):
    resp = ward_client.post(reverse("reports:monthly_prepare"), {"year": 2025, "month": 2, "difficulties": "Khó",
                                                                  "proposals": "Đề xuất"})
    report = MonthlyReport.objects.get(unit=ref.an_phu, year=2025, month=2)
    assert resp.status_code == 302 and resp.url == reverse("reports:monthly_detail", args=[report.pk])
    page = ward_client.get(resp.url).content.decode()
    assert "Gửi Phòng TNMT" in page and "Khó" in page

    ward_client.post(reverse("reports:monthly_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == S.SUBMITTED

    resp = tnmt_client.post(reverse("reports:monthly_review", args=[report.pk]), {"decision": "return", "comment": ""},
                            follow=True)
    assert "Trả lại báo cáo phải kèm ý kiến" in resp.content.decode()
    report.refresh_from_db()
    assert report.status == S.SUBMITTED

    # a ward officer cannot review
    ward_client.post(reverse("reports:monthly_review", args=[report.pk]), {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == S.SUBMITTED

    tnmt_client.post(reverse("reports:monthly_review", args=[report.pk]), {"decision": "return", "comment": "Sửa lại"})
    report.refresh_from_db()
    assert report.status == S.RETURNED
    ward_client.post(reverse("reports:monthly_prepare"), {"year": 2025, "month": 2, "difficulties": "Đã sửa"})
    ward_client.post(reverse("reports:monthly_submit", args=[report.pk]))
    tnmt_client.post(reverse("reports:monthly_review", args=[report.pk]), {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.difficulties == "Đã sửa"

    # locked on the page too
    resp = ward_client.post(reverse("reports:monthly_prepare"), {"year": 2025, "month": 2, "difficulties": "X"},
                            follow=True)
    assert "không thể sửa" in resp.content.decode()
    report.refresh_from_db()
    assert report.difficulties == "Đã sửa"
    assert "Gửi Phòng TNMT" not in ward_client.get(reverse("reports:monthly_detail", args=[report.pk])).content.decode()

    # another unit's officer: 404 on the report page and every action
    for name in ("monthly_detail",):
        assert other_ward_client.get(reverse(f"reports:{name}", args=[report.pk])).status_code == 404
    for name in ("monthly_submit", "monthly_review"):
        assert other_ward_client.post(reverse(f"reports:{name}", args=[report.pk]), {"decision": "return",
                                                                                     "comment": "x"}).status_code == 404


def test_bad_month_in_prepare_is_a_message(ref, ward_client):
    resp = ward_client.post(reverse("reports:monthly_prepare"), {"year": 2025, "month": 14}, follow=True)
    assert resp.status_code == 200 and "Tháng phải từ 1 đến 12" in resp.content.decode()
    assert not MonthlyReport.objects.exists()


def test_monthly_list_fixed_queries(ref, ward_officer, other_ward_officer, tnmt, tnmt_client,
                                    django_assert_max_num_queries):
    for m in range(1, 4):
        services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=m)
    with django_assert_max_num_queries(12):
        small = tnmt_client.get(reverse("reports:monthly_list"), {"year": 2025})
    for m in range(4, 13):
        services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=m)
        services.monthly_report_prepare(actor=other_ward_officer, unit=ref.tam_thang, year=2025, month=m)
    with django_assert_max_num_queries(12):
        big = tnmt_client.get(reverse("reports:monthly_list"), {"year": 2025})
    assert small.status_code == big.status_code == 200
    assert big.content.decode().count('<td><span class="badge report-status-draft">') == 21  # the table (cards on a phone repeat it)


# ------------------------------------------------------------------------------------ scope

FORMATS = ["html", "pdf", "xlsx"]
CODES = ["PL01", "PL02", "PL03", "PL04", "PL05", "PL06", "PL07", "PL08", "PL09", "MOVEMENT", "MONTHLY"]


@pytest.mark.parametrize("code", CODES)
def test_ward_officer_gets_404_for_another_units_report_in_any_format(register, ref, ward_client, code):
    url = reverse("reports:report", args=[code])
    for fmt in FORMATS:
        resp = ward_client.get(url, {"year": 2025, "month": 2, "unit": ref.tam_thang.pk, "format": fmt})
        assert resp.status_code == 404, (code, fmt)
    resp = ward_client.get(url, {"year": 2025, "month": 2, "unit": ref.an_phu.pk, "format": "html"})
    assert resp.status_code == 200


def test_ward_officer_without_unit_parameter_sees_only_own_unit(register, ref, ward_client):
    html = ward_client.get(reverse("reports:report", args=["PL01"]), {"year": 2025}).content.decode()
    assert "Phường An Phú" in html and "Tam Thăng" not in html
    html = ward_client.get(reverse("reports:report", args=["PL02"]), {"year": 2025}).content.decode()
    assert "Nguyễn Văn An" in html
    html = ward_client.get(reverse("reports:report", args=["PL06"]), {"year": 2025}).content.decode()
    assert "Trần Bé Ba" not in html  # Tam Thăng's child
    html = ward_client.get(reverse("reports:report", args=["MONTHLY"]), {"year": 2025, "month": 2}).content.decode()
    assert "Phường An Phú" in html


def test_ward_officer_cannot_reach_other_unit_by_bundle_or_drilldown(register, ref, ward_client):
    resp = ward_client.post(reverse("reports:bundle_xlsx"), {"year": 2025, "codes": ["PL01"], "unit": ref.tam_thang.pk})
    assert resp.status_code == 404
    resp = ward_client.get(reverse("reports:drilldown", args=["PL08"]),
                           {"unit": ref.tam_thang.pk, "indicator": "nutrition", "year": 2025})
    assert resp.status_code == 404
    resp = ward_client.get(reverse("reports:catalogue"), {"unit": ref.tam_thang.pk})
    assert resp.status_code == 404


def test_monthly_report_of_another_unit_is_404(ref, other_ward_officer, ward_client):
    report = services.monthly_report_prepare(actor=other_ward_officer, unit=ref.tam_thang, year=2025, month=2)
    assert ward_client.get(reverse("reports:monthly_detail", args=[report.pk])).status_code == 404
    listing = ward_client.get(reverse("reports:monthly_list"), {"year": 2025}).content.decode()
    assert "Tam Thăng" not in listing


def test_tnmt_sets_due_dates_and_the_city_report_lists_late_units(register, ref, ward_officer, other_ward_officer,
                                                                   tnmt, tnmt_client, ward_client):
    from reports.models import ReportDeadline

    url = reverse("reports:monthly_deadlines")
    page = tnmt_client.get(url, {"year": 2025})
    assert "05/03/2025" in page.content.decode()  # February's default: the 5th of the next month
    assert ward_client.post(url, {"year": 2025, "month": 2, "due_date": "2025-03-10"}).status_code == 403
    bad = tnmt_client.post(url, {"year": 2025, "month": 2, "due_date": "2025-02-20"})
    assert bad.status_code == 400 and "không được trước ngày cuối tháng" in bad.content.decode()
    assert not ReportDeadline.objects.exists()

    # February 2025: An Phú submitted on 03/03/2025, Tam Thăng never.
    ap = services.monthly_report_submit(actor=ward_officer, report=prepare(ward_officer, ref.an_phu))
    MonthlyReportEvent.objects.filter(report=ap, to_status=S.SUBMITTED).update(
        at=timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0)))
    services.monthly_report_approve(actor=tnmt, report=ap)

    on_time = datasets.build(SYSTEM, "MONTHLY", Params(2025, 2, None, as_of=dt.date(2025, 3, 5)))
    assert on_time.parameters["due_date"] == "2025-03-05" and on_time.parameters["late_units"] == []
    assert "Phường An Phú" not in [r.cells[1] for r in on_time.sections[-1].rows]  # approved, on time

    response = tnmt_client.post(url, {"year": 2025, "month": 2, "due_date": "2025-03-02", "note": "Công văn 12"})
    assert response.status_code == 302
    assert ReportDeadline.due_for(2025, 2) == dt.date(2025, 3, 2)
    assert ward_client.get(reverse("reports:monthly_list"), {"year": 2025, "month": 2}).context["due_date"] == dt.date(2025, 3, 2)
    later = datasets.build(SYSTEM, "MONTHLY", Params(2025, 2, None, as_of=dt.date(2025, 3, 8)))
    assert {"Phường An Phú", "Xã Tam Thăng"} <= set(later.parameters["late_units"])
    late_rows = {r.cells[1]: r.cells for r in later.sections[-1].rows}
    assert late_rows["Phường An Phú"][3:5] == [dt.date(2025, 3, 3), "Trễ 1 ngày"]
    assert late_rows["Xã Tam Thăng"][2:5] == ["Chưa gửi báo cáo", None, "Trễ 6 ngày"]
    assert later.sections[-1].title.startswith("IV. ") and "02/03/2025" in later.sections[-1].title
