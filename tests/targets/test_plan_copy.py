"""Plans follow the territory (issue 14 item 6): TNMT starts next year's plan from the previous
one, its targets on the units valid on 1 January (a dissolved unit's summed into its successor),
and reaches the yearly household totals — the denominators of the rates — from the plan page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from targets import services
from targets.models import Plan, SupportQuota, UnitTarget

pytestmark = pytest.mark.django_db


def test_tnmt_starts_2026_from_2025_on_the_four_wards(ref, tnmt_client):
    page = tnmt_client.get(reverse("targets:plan"), {"year": 2025}).content.decode()
    copy_url = reverse("targets:plan_copy", args=[2026])
    assert copy_url in page and 'data-testid="plan-copy"' in page

    resp = tnmt_client.post(copy_url, follow=True)
    assert resp.status_code == 200
    plan = Plan.objects.get(year=2026)
    assert "2026" in plan.title and "2025" not in plan.title
    assert (plan.document_number, plan.document_date) == ("", None)  # the new document's own
    targets = {t.unit.name: (t.poor_exit_target, t.near_poor_exit_target)
               for t in UnitTarget.objects.filter(plan=plan).select_related("unit")}
    # An Phú 0/1 + Tam Phú 0/2 → Quảng Phú; An Sơn → Hương Trà; Tam Thăng → Bàn Thạch.
    assert targets == {"Quảng Phú": (0, 3), "Hương Trà": (0, 1), "Bàn Thạch": (0, 1)}
    assert all(t.unit.is_valid_on(plan_day(2026)) for t in UnitTarget.objects.filter(plan=plan))
    quotas = set(SupportQuota.objects.filter(plan=plan).values_list("kind", "household_class", "households", "items"))
    assert quotas == set(SupportQuota.objects.filter(plan=ref.plan).values_list(
        "kind", "household_class", "households", "items"))
    text = resp.content.decode()
    assert "Đã lập kế hoạch năm 2026 từ kế hoạch năm 2025" in text
    assert "Phường An Phú → Phường Quảng Phú" in text
    # The 2026 targets table lists the wards, no commune.
    table = text.split('data-testid="targets-table"')[1].split("</table>")[0]
    assert "Phường Quảng Phú" in table and "Xã" not in table

    # Nothing is overwritten: a second copy is refused with the reason.
    again = tnmt_client.post(copy_url, follow=True).content.decode()
    assert "đã có chỉ tiêu hoặc định mức" in again
    assert UnitTarget.objects.filter(plan=plan).count() == 3


def test_the_plan_page_leads_to_the_yearly_household_totals(ref, tnmt_client, ward_client):
    page = tnmt_client.get(reverse("targets:plan"), {"year": 2025}).content.decode()
    figures_url = reverse("territory:year_figures", args=[2025])
    assert figures_url in page
    figures = tnmt_client.get(figures_url)
    assert figures.status_code == 200
    assert "An Phú" in figures.content.decode()
    # Everyone reads the plan page and its link; only TNMT starts a plan.
    assert figures_url in ward_client.get(reverse("targets:plan"), {"year": 2025}).content.decode()
    assert ward_client.post(reverse("targets:plan_copy", args=[2026])).status_code == 403
    assert not Plan.objects.filter(year=2026).exists()


def test_without_a_previous_plan_the_copy_is_refused(ref, tnmt):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Chưa có kế hoạch năm 2029"):
        services.plan_copy_from_previous(actor=tnmt, year=2030)


def test_the_no_plan_page_offers_the_copy(ref, tnmt_client):
    html = tnmt_client.get(reverse("targets:plan"), {"year": 2026}).content.decode()
    assert reverse("targets:plan_copy", args=[2026]) in html
    assert "Lập kế hoạch năm 2026 từ kế hoạch năm 2025" in html


def plan_day(year):
    import datetime as dt

    return dt.date(year, 1, 1)
