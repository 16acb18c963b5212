"""The admin imports and exports the reference tables through django-import-export (issue 19
item 3): agencies, units' yearly household totals, Phụ lục 01 targets and support quotas. An
import shows a preview first (nothing written), applies the same validation and services as the
pages, and the export re-imports unchanged; exported text cells carry the formula guard."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tamky_poverty.models import AdministrativeUnit, Agency, UnitYearFigures
from tamky_poverty.resources import AgencyResource, UnitYearFiguresResource
from targets.models import SupportQuota, UnitTarget
from targets.resources import SupportQuotaResource, UnitTargetResource

ADMIN = "/quan-tri"


def csv_file(rows: list[dict]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("bang.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def preview(client, model_path: str, rows: list[dict]):
    """Upload a CSV to the admin's import page: the preview (dry run) answers."""
    return client.post(f"{ADMIN}/{model_path}/import/", {"resource": "0", "format": "0",
                                                         "import_file": csv_file(rows)})


def confirm(client, model_path: str, preview_response):
    form = preview_response.context["confirm_form"]
    return client.post(f"{ADMIN}/{model_path}/process_import/", {k: v for k, v in form.initial.items()})


def test_yearly_totals_import_previews_then_applies_through_the_service(ref, admin_user, admin_client_):
    ward = AdministrativeUnit.objects.get(name="Quảng Phú")
    rows = [{"unit": "20356 từ 01/07/2025", "unit_name": "", "year": "2026", "total_households": "7181"},
            {"unit": "20356", "unit_name": "", "year": "2025", "total_households": "2712"}]
    response = preview(admin_client_, "tamky_poverty/unityearfigures", rows)
    assert response.status_code == 200 and "confirm_form" in response.context
    assert not UnitYearFigures.objects.filter(unit=ward).exists()  # the preview wrote nothing
    done = confirm(admin_client_, "tamky_poverty/unityearfigures", response)
    assert done.status_code == 302
    row = UnitYearFigures.objects.get(unit=ward, year=2026)
    assert row.total_households == 7181 and row.history.get().history_user == admin_user
    assert UnitYearFigures.objects.get(unit=ref.an_phu, year=2025).total_households == 2712


def test_a_unit_outside_its_years_or_a_bad_unit_is_refused_in_the_preview(ref, admin_client_):
    early = [{"unit": "20356 từ 01/07/2025", "unit_name": "", "year": "2024", "total_households": "10"}]
    response = preview(admin_client_, "tamky_poverty/unityearfigures", early)
    assert "không có hiệu lực trong năm 2024" in response.content.decode()
    assert not response.context.get("confirm_form")
    bad = [{"unit": "99999", "unit_name": "", "year": "2025", "total_households": "10"},
           {"unit": "Quảng Phú", "unit_name": "", "year": "2025", "total_households": "10"}]
    response = preview(admin_client_, "tamky_poverty/unityearfigures", bad)
    page = response.content.decode()
    assert "Không có đơn vị “99999”" in page and "không đúng dạng" in page
    assert not response.context.get("confirm_form")
    assert not UnitYearFigures.objects.filter(year=2024).exists()


def test_export_then_import_of_agencies_changes_nothing_and_escapes_formulas(ref, admin_client_):
    Agency.objects.filter(code="tnmt").update(duties="=HYPERLINK(\"http://x\")")
    dataset = AgencyResource().export()
    by_code = {r["code"]: r for r in dataset.dict}
    assert by_code["tnmt"]["duties"].startswith("'=")  # shown as text in a spreadsheet, never run
    ubnd = next(r for r in dataset.dict if r["unit"] and "từ" in r["unit"])
    assert AdministrativeUnit.objects.filter(code=ubnd["unit"].split()[0]).count() >= 1
    before = list(Agency.objects.order_by("code").values())
    response = preview(admin_client_, "tamky_poverty/agency", list(dataset.dict))
    assert response.status_code == 200
    confirm(admin_client_, "tamky_poverty/agency", response)
    assert list(Agency.objects.order_by("code").values()) == before  # the guard came off again


def test_targets_and_quotas_import_through_the_plan_services(ref, admin_user, admin_client_, tnmt):
    rows = [{"plan": "2025", "unit": "20362", "unit_name": "", "poor_exit_target": "1", "near_poor_exit_target": "2"}]
    response = preview(admin_client_, "targets/unittarget", rows)
    assert UnitTarget.objects.get(plan=ref.plan, unit=ref.tam_thang).near_poor_exit_target == 1  # unchanged yet
    confirm(admin_client_, "targets/unittarget", response)
    target = UnitTarget.objects.get(plan=ref.plan, unit=ref.tam_thang)
    assert (target.poor_exit_target, target.near_poor_exit_target) == (1, 2)
    assert target.history.latest().history_user == admin_user
    quotas = [{"plan": "2025", "kind": "livelihood", "household_class": "poor", "households": "4", "items": "5"}]
    confirm(admin_client_, "targets/supportquota", preview(admin_client_, "targets/supportquota", quotas))
    quota = SupportQuota.objects.get(plan=ref.plan, kind="livelihood", household_class="poor")
    assert (quota.households, quota.items) == (4, 5)
    # The exports read back as the same rows.
    assert {r["unit"]: r["near_poor_exit_target"] for r in UnitTargetResource().export().dict}["20362"] in (2, "2")
    assert any(r["kind"] == "livelihood" and r["items"] in (5, "5") for r in SupportQuotaResource().export().dict)


@pytest.mark.parametrize("model_path", ["tamky_poverty/agency", "tamky_poverty/unityearfigures",
                                        "targets/unittarget", "targets/supportquota"])
def test_only_administrators_reach_the_admin_import(ref, model_path, tnmt_client, admin_client_):
    assert admin_client_.get(f"{ADMIN}/{model_path}/import/").status_code == 200
    assert tnmt_client.get(f"{ADMIN}/{model_path}/import/").status_code == 302  # not staff: the admin login


def test_resources_used_by_the_admin():
    from django.contrib import admin

    from tamky_poverty.models import Agency as A

    assert admin.site._registry[A].resource_classes == [AgencyResource]
    assert admin.site._registry[UnitYearFigures].resource_classes == [UnitYearFiguresResource]
    assert admin.site._registry[UnitTarget].resource_classes == [UnitTargetResource]
    assert admin.site._registry[SupportQuota].resource_classes == [SupportQuotaResource]
