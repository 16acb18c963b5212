"""The support catalogue is data (issue 19): a new support kind is a row — in
fixtures/reference.json or the admin — and every page that lists, suggests, plans or counts
support takes it up without a code change or a migration."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from citydata.reference_data import REFERENCE_FILE, load_reference
from support import catalogue, selectors
from support.models import QuotaGroup, SupportKind
from support.resources import SupportKindResource
from targets.selectors import quota_counts
from tests.factories import SupportActionFactory, SupportKindFactory

from .conftest import reviewed_household


def test_catalogue_answers_as_the_plan_reads(ref):
    kinds = catalogue.load()
    assert kinds.kinds_for_indicator("employment") == ("job_placement", "vocational_training", "livelihood")
    assert kinds.kinds_for_indicator("housing_quality") == ("housing_repair", "housing_new")
    assert kinds.kinds_for_indicator("floor_area") == ("housing_new", "housing_repair")
    assert kinds.kinds_for_indicator("water") == ()
    assert kinds.agency_codes_for_kind("health_insurance") == ("ttyt", ("tnmt", catalogue.UNIT_UBND))
    assert kinds.agency_codes_for_kind("no-such-kind") == (catalogue.UNIT_UBND, ())
    housing = QuotaGroup.objects.get(code="housing")
    assert sorted(housing.kinds.values_list("code", flat=True)) == ["housing_new", "housing_repair"]


def test_the_fixture_holds_the_rows_the_migration_created(ref):
    """A database migrated before the catalogue became data and one loaded from the fixture hold
    the same catalogue: loading the fixture again changes none of its rows."""
    result = load_reference(REFERENCE_FILE)
    assert not {"quotagroup", "supportkind"} & (set(result.created) | set(result.updated))
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    assert SupportKind.objects.count() == len(data["support_kinds"])


@pytest.fixture
def hygiene(ref):
    """A new kind added as data: answers the latrine and water indicators (which no kind answered
    before), led by the city health centre, counted in the livelihood quota line."""
    return SupportKindFactory(code="ve-sinh", name="Hỗ trợ công trình vệ sinh", quota_group_id="livelihood",
                              lead_agency="ttyt", coordinating_agencies=["@ubnd", "mttq"],
                              indicators={"latrine": 1, "water": 1})


def test_a_new_kind_is_suggested_planned_and_counted(ref, admin_user, ward_client, hygiene):
    household = reviewed_household(ref.an_phu, admin_user, deprived=("health_insurance", "telecom", "latrine"))
    panel = selectors.household_panel(actor=admin_user, household=household)
    latrine = next(d for d in panel["suggestions"] if d.indicator.code == "latrine")
    [suggestion] = latrine.suggestions
    assert (suggestion.kind, suggestion.kind_label, suggestion.lead) == (
        "ve-sinh", "Hỗ trợ công trình vệ sinh", ref.agencies["ttyt"])
    assert [a.unit_id for a in suggestion.coordinating[:1]] == [ref.an_phu.pk]  # the household's own UBND

    # The planning form offers it, prefilled from the catalogue, and the service accepts it.
    url = f"{reverse('support:create')}?household={household.pk}&kind=ve-sinh"
    form = ward_client.get(url).context["form"]
    assert form.initial["kind"] == "ve-sinh" and form.initial["description"] == "Hỗ trợ công trình vệ sinh"
    assert form.initial["lead_agency"] == ref.agencies["ttyt"].pk
    assert ("ve-sinh", "Hỗ trợ công trình vệ sinh") in [(str(v), label) for v, label in form.fields["kind"].choices]
    action = SupportActionFactory(household=household, kind="ve-sinh", lead_agency="ttyt", status="completed",
                                  completed_date=household.current_assessment.decision_date)
    assert str(action) == f"Hỗ trợ công trình vệ sinh – {household.code}"

    # Counted in its quota line, with the kinds already there.
    city = {(r.kind, r.household_class): r for r in quota_counts(plan=ref.plan).city}
    assert city["livelihood", "poor"].planned_households == 1
    assert city["livelihood", "poor"].completed_households == 1
    # The action list filters by it.
    r = ward_client.get(reverse("support:list"), {"kind": "ve-sinh"})
    assert [a.pk for a in r.context["actions"]] == [action.pk]


def test_an_unknown_kind_is_refused_by_the_service(ref, admin_user):
    household = reviewed_household(ref.an_phu, admin_user)
    with pytest.raises(ValidationError) as err:
        SupportActionFactory(household=household, kind="khong-co")
    assert "kind" in err.value.message_dict


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("danh-muc.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def test_admin_imports_a_new_kind_with_a_preview_and_exports_the_catalogue(ref, admin_client_):
    exported = list(SupportKindResource().export().dict)
    assert next(r for r in exported if r["code"] == "livelihood")["lead_agency"] == "'@ubnd"  # formula guard
    new = {**exported[0], "code": "ve-sinh", "name": "Hỗ trợ công trình vệ sinh", "position": "15",
           "indicators": '{"latrine": 1}'}
    bad = {**exported[0], "code": "hong", "name": "Sai", "indicators": '["latrine"]'}
    response = admin_client_.post("/quan-tri/support/supportkind/import/",
                                  {"resource": "0", "format": "0", "import_file": _csv(exported + [bad])})
    assert "Ghi mã chỉ số" in response.content.decode() and not response.context.get("confirm_form")
    response = admin_client_.post("/quan-tri/support/supportkind/import/",
                                  {"resource": "0", "format": "0", "import_file": _csv(exported + [new])})
    assert response.status_code == 200 and "confirm_form" in response.context
    assert not SupportKind.objects.filter(code="ve-sinh").exists()  # the preview wrote nothing
    before = {k.code: (k.lead_agency, k.coordinating_agencies, k.indicators) for k in SupportKind.objects.all()}
    form = response.context["confirm_form"]
    admin_client_.post("/quan-tri/support/supportkind/process_import/", dict(form.initial))
    added = SupportKind.objects.get(code="ve-sinh")
    assert (added.indicators, added.quota_group_id, added.lead_agency) == ({"latrine": 1}, "livelihood", "@ubnd")
    after = {k.code: (k.lead_agency, k.coordinating_agencies, k.indicators)
             for k in SupportKind.objects.exclude(code="ve-sinh")}
    assert after == before  # the exported rows came back unchanged
    assert catalogue.load().kinds_for_indicator("latrine") == ("ve-sinh",)
