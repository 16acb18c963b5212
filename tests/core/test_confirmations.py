"""Confirming what cannot be undone (issue 18 item 1), through the pages: review save, monthly
report submission, approval and return, soft delete of a household.

With JavaScript the page asks in its <dialog> (static/js/app.js; the browser tests click it).
These tests check what the pages give that dialog — the question, the summary of what will be
recorded, the busy label — and the no-JavaScript path: the ``<noscript>`` field makes the view
answer with a confirmation page that writes nothing, and whose form (the same fields again)
writes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from households.models import Assessment, Household
from reports import services as report_services
from reports.models import MonthlyReport
from tests.factories import household_with_head

pytestmark = pytest.mark.django_db

NOSCRIPT = '<noscript><input type="hidden" name="confirm_step" value="1"></noscript>'


def resent_fields(html: str) -> dict:
    """The hidden fields of the confirmation page's form (what its button sends again)."""
    form = html[html.index('data-testid="confirm-step"'):]
    return {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
            if name != "csrfmiddlewaretoken"}


def review_post(**overrides) -> dict:
    data = {"kind": "annual", "year": "2025", "income_per_capita": "1.200.000", "decision_number": "123/QĐ-UBND",
            "decision_date": "2025-01-10", "effective_date": "2025-01-10", "ind_employment": "on",
            "ind_telecom": "on", "ind_information_means": "on"}
    data.update(overrides)
    return data


@pytest.fixture
def home(ref):
    return household_with_head(ref.an_phu, code="AP-0900", head_name="Nguyễn Thị Hồng")


def test_review_page_asks_before_recording_and_summarises_the_decision(ward_client, home):
    html = ward_client.get(reverse("households:review", args=[home.pk])).content.decode()
    assert 'data-confirm="Ghi kết quả rà soát này?"' in html
    assert 'data-confirm-summary="confirm-review class-preview"' in html
    assert NOSCRIPT in html
    template = html[html.index('<template id="confirm-review">'):]
    for field in ("kind", "year", "income_per_capita", "decision_number", "decision_date", "effective_date"):
        assert f'data-confirm-value="{field}"' in template
    assert "không thể xoá hay sửa" in template


def test_review_without_javascript_confirms_on_a_page_then_records(ward_client, home):
    url = reverse("households:review", args=[home.pk])
    step = ward_client.post(url, {**review_post(), "confirm_step": "1"})
    assert step.status_code == 200
    html = step.content.decode()
    assert "Ghi kết quả rà soát này?" in html and "123/QĐ-UBND" in html and "10/01/2025" in html
    assert "Hộ nghèo" in html  # the class that will result, from the preview
    assert not Assessment.objects.filter(household=home).exists()  # nothing written yet
    fields = resent_fields(html)
    assert "confirm_step" not in fields and fields["decision_number"] == "123/QĐ-UBND"
    assert ward_client.post(url, fields).status_code == 302
    home.refresh_from_db()
    assert home.current_class == "poor"
    assert Assessment.objects.filter(household=home).count() == 1


def test_review_without_javascript_shows_errors_before_any_confirmation(ward_client, home):
    url = reverse("households:review", args=[home.pk])
    response = ward_client.post(url, {**review_post(decision_number=""), "confirm_step": "1"})
    assert response.status_code == 400 and 'data-testid="confirm-step"' not in response.content.decode()


def test_delete_asks_with_a_summary_and_without_javascript_confirms_on_a_page(ward_client, home):
    url = reverse("households:delete", args=[home.pk])
    html = ward_client.get(url).content.decode()
    assert 'data-confirm="Xoá hộ AP-0900 khỏi danh sách?"' in html and 'data-confirm-tone="danger"' in html
    assert NOSCRIPT in html and '<template id="confirm-delete">' in html
    step = ward_client.post(url, {"reason": "Chuyển đi nơi khác", "confirm_step": "1"})
    assert step.status_code == 200 and "Chuyển đi nơi khác" in step.content.decode()
    assert Household.objects.filter(pk=home.pk, is_deleted=False).exists()
    assert ward_client.post(url, resent_fields(step.content.decode())).status_code == 302
    assert Household.objects.filter(pk=home.pk, is_deleted=True).exists()


@pytest.fixture
def draft(ref, ward_officer):
    return report_services.monthly_report_prepare(actor=ward_officer, unit=ref.an_phu, year=2025, month=2,
                                                  difficulties="", proposals="")


def test_monthly_submit_asks_and_without_javascript_confirms_on_a_page(ward_client, draft):
    html = ward_client.get(reverse("reports:monthly_detail", args=[draft.pk])).content.decode()
    assert 'data-confirm-summary="confirm-submit"' in html and NOSCRIPT in html
    assert "Số liệu của tháng được chốt" in html
    url = reverse("reports:monthly_submit", args=[draft.pk])
    step = ward_client.post(url, {"confirm_step": "1"})
    assert step.status_code == 200 and "Tháng 02/2025" in step.content.decode()
    draft.refresh_from_db()
    assert draft.status == MonthlyReport.Status.DRAFT
    assert ward_client.post(url, resent_fields(step.content.decode())).status_code == 302
    draft.refresh_from_db()
    assert draft.status == MonthlyReport.Status.SUBMITTED


@pytest.mark.parametrize(("decision", "comment", "status", "said"), [
    ("approve", "", MonthlyReport.Status.APPROVED, "không thể sửa hay trả lại"),
    ("return", "Bổ sung số liệu", MonthlyReport.Status.RETURNED, "để sửa và gửi lại"),
])
def test_approval_and_return_ask_each_with_their_summary(tnmt_client, ward_officer, draft, decision, comment,
                                                         status, said):
    report_services.monthly_report_submit(actor=ward_officer, report=draft)
    html = tnmt_client.get(reverse("reports:monthly_detail", args=[draft.pk])).content.decode()
    assert f'data-confirm-summary="confirm-{decision}"' in html and NOSCRIPT in html
    url = reverse("reports:monthly_review", args=[draft.pk])
    step = tnmt_client.post(url, {"decision": decision, "comment": comment, "confirm_step": "1"})
    assert step.status_code == 200 and said in step.content.decode()
    draft.refresh_from_db()
    assert draft.status == MonthlyReport.Status.SUBMITTED
    fields = resent_fields(step.content.decode())
    assert fields["decision"] == decision and fields.get("comment", "") == comment
    assert tnmt_client.post(url, fields).status_code == 302
    draft.refresh_from_db()
    assert draft.status == status
