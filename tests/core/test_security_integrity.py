"""Integrity (issue 7): recorded decisions and approved monthly reports cannot be changed by any
ORM path (services, admin, queryset delete); a household is only soft-deleted, with its reason in
the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from households.models import Assessment, Deprivation, Household
from households.services import assessment_record, household_soft_delete
from reports.models import MonthlyReport, MonthlyReportEvent
from tamky_poverty.integrity import FrozenRecordError
from tests.factories import household_with_head


def refused(call):
    """A refused delete aborts its transaction (Django deletes inside one), as in a service."""
    with pytest.raises(FrozenRecordError), transaction.atomic():
        call()


def _review(actor, household, day, income=1_000_000, deprived=("employment", "health_insurance", "telecom")):
    return assessment_record(
        actor=actor, household=household, kind="regular", year=day.year, income_per_capita=income,
        indicators={code: True for code in deprived}, decision_number=f"QĐ-{day:%m%d}",
        decision_date=day, suggestions={},
    )


@pytest.fixture
def decision(ref, ward_officer):
    household = household_with_head(ref.an_phu, code="AP-INT")
    return _review(ward_officer, household, dt.date(2025, 3, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [
    ("result_class", "none"), ("income_per_capita", 9_000_000), ("decision_number", "QĐ-sửa"),
    ("decision_date", dt.date(2025, 1, 1)), ("explanation", "khác"), ("movement", "unchanged"),
])
def test_a_recorded_decision_cannot_be_edited(decision, field, value):
    setattr(decision, field, value)
    with pytest.raises(FrozenRecordError) as exc:
        decision.save()
    assert isinstance(exc.value, ValidationError)
    assert field in str(exc.value)
    fresh = Assessment.objects.get(pk=decision.pk)
    assert getattr(fresh, field) != value


@pytest.mark.django_db
def test_a_decision_can_only_be_superseded(decision, ward_officer):
    later = _review(ward_officer, decision.household, dt.date(2025, 6, 1), income=5_000_000, deprived=())
    decision.superseded_by = later
    decision.save(update_fields=["superseded_by"])
    assert Assessment.objects.get(pk=decision.pk).superseded_by == later
    decision.save()  # saving without a change is harmless


@pytest.mark.django_db
def test_a_decision_and_its_indicators_cannot_be_deleted(decision):
    refused(decision.delete)
    refused(Assessment.objects.filter(pk=decision.pk).delete)
    deprivation = decision.deprivations.first()
    refused(deprivation.delete)
    deprivation.deprived = not deprivation.deprived
    deprivation.override_reason = "sửa lén"
    with pytest.raises(FrozenRecordError):
        deprivation.save()
    assert Assessment.objects.filter(pk=decision.pk).exists()
    assert Deprivation.objects.filter(assessment=decision).count() == 12


@pytest.mark.django_db
def test_admin_cannot_change_or_delete_a_decision(admin_client_, decision):
    change = reverse("admin:households_assessment_change", args=[decision.pk])
    response = admin_client_.post(change, {"decision_number": "QĐ-sửa"})
    assert response.status_code == 403
    delete = reverse("admin:households_assessment_delete", args=[decision.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert Assessment.objects.get(pk=decision.pk).decision_number == decision.decision_number


@pytest.fixture
def approved_report(ref, ward_officer, tnmt):
    report = MonthlyReport.objects.create(unit=ref.an_phu, year=2025, month=5, status="submitted",
                                          snapshot={"rows": [1, 2]}, prepared_by=ward_officer)
    report.status = MonthlyReport.Status.APPROVED
    report.reviewed_by = tnmt
    report.save()
    MonthlyReportEvent.objects.create(report=report, from_status="submitted", to_status="approved", actor=tnmt)
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [
    ("status", "draft"), ("difficulties", "sửa sau khi duyệt"), ("snapshot", {"rows": [9]}),
    ("review_comment", "x"), ("month", 6),
])
def test_an_approved_monthly_report_cannot_be_changed(approved_report, field, value):
    setattr(approved_report, field, value)
    with pytest.raises(FrozenRecordError):
        approved_report.save()
    fresh = MonthlyReport.objects.get(pk=approved_report.pk)
    assert fresh.status == "approved" and getattr(fresh, field) != value


@pytest.mark.django_db
def test_an_approved_monthly_report_cannot_be_deleted(approved_report):
    refused(approved_report.delete)
    refused(MonthlyReport.objects.filter(pk=approved_report.pk).delete)
    refused(approved_report.events.first().delete)
    assert MonthlyReport.objects.filter(pk=approved_report.pk).exists()


@pytest.mark.django_db
def test_an_approved_report_saved_unchanged_is_fine(approved_report):
    MonthlyReport.objects.get(pk=approved_report.pk).save()


@pytest.mark.django_db
def test_reports_before_approval_can_still_change(ref, ward_officer):
    report = MonthlyReport.objects.create(unit=ref.an_phu, year=2025, month=4, prepared_by=ward_officer)
    report.difficulties = "Thiếu vốn"
    report.save()
    report.status = MonthlyReport.Status.RETURNED
    report.review_comment = "Bổ sung số liệu"
    report.save()
    report.delete()
    assert not MonthlyReport.objects.filter(pk=report.pk).exists()


@pytest.mark.django_db
def test_admin_cannot_change_an_approved_report(admin_client_, approved_report):
    change = reverse("admin:reports_monthlyreport_change", args=[approved_report.pk])
    assert admin_client_.post(change, {"difficulties": "x"}).status_code == 403
    delete = reverse("admin:reports_monthlyreport_delete", args=[approved_report.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_soft_delete_keeps_the_household_and_shows_the_reason_in_history(ref, ward_officer):
    household = household_with_head(ref.an_phu, code="AP-DEL")
    with pytest.raises(ValidationError):
        household_soft_delete(actor=ward_officer, household=household, reason="   ")
    household.refresh_from_db()
    assert not household.is_deleted
    household_soft_delete(actor=ward_officer, household=household, reason="Chuyển đi nơi khác")
    household = Household.objects.get(pk=household.pk)
    assert household.is_deleted and household.deleted_reason == "Chuyển đi nơi khác"
    assert household.members.count() == 1  # nothing removed
    latest = household.history.first()
    assert latest.is_deleted
    assert latest.history_change_reason == "Chuyển đi nơi khác"
    assert latest.history_user == ward_officer
