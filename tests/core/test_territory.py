"""The territory in time (issue 14): a reorganisation is one operation that moves households,
officers and future targets, keeps every past record's unit, and changes nothing when repeated;
the area kind of a review is decided by one function, by the unit on the effective date or a
recorded transitional rule, and the classification explanation names it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from citydata.reference_data import load_reference
from households import territory
from households.models import Household, HouseholdTransfer
from households.services import assessment_record
from tamky_poverty.models import AdministrativeUnit, AreaRule, Reorganisation, Role, UnitYearFigures
from tamky_poverty.services import area_rule_save, reorganisation_apply
from targets.models import UnitTarget
from tests.factories import PlanFactory, UnitTargetFactory, household_with_head

JULY = dt.date(2025, 7, 1)
TODAY = dt.date(2026, 11, 30)
POOR = ["employment", "health_insurance", "telecom"]


def review(actor, household, *, day, income, deprived=()):
    return assessment_record(
        actor=actor, household=household, kind="regular", year=day.year, income_per_capita=income,
        indicators={code: True for code in deprived}, decision_number=f"QĐ-{household.code}-{day:%m%d}",
        decision_date=day, suggestions={},
    )


@pytest.fixture
def quang_phu(ref):
    """Quảng Phú as the reference data defines it, with its reorganisation not yet carried out
    (the reference file's reorganisations are undone so the test applies them itself)."""
    ward = AdministrativeUnit.objects.get(name="Quảng Phú")
    olds = [ref.units[n] for n in ("An Phú", "Tam Phú", "Tam Thanh")]
    Reorganisation.objects.all().delete()
    AdministrativeUnit.objects.filter(successor__isnull=False).update(successor=None)
    for u in olds:
        u.refresh_from_db()
    return ward, olds


def test_reorganisation_moves_households_officers_and_keeps_the_past(ref, tnmt, make_user, quang_phu):
    ward, (an_phu, tam_phu, tam_thanh) = quang_phu
    officer = make_user("canbo.tamphu", Role.WARD_OFFICER, unit=tam_phu)
    h1 = household_with_head(an_phu, code="AP-1")
    h2 = household_with_head(tam_thanh, code="TT-1")
    decision = review(tnmt, h2, day=dt.date(2025, 3, 1), income=1_000_000, deprived=POOR)
    version = Household.objects.get(pk=h2.pk).version

    result = reorganisation_apply(actor=tnmt, predecessors=[an_phu, tam_phu, tam_thanh], successor=ward,
                                  effective_date=JULY, legal_basis="NQ thử", today=TODAY)

    assert result.created and result.moved == {"officers": 1, "households": 2, "targets": 0}
    h1.refresh_from_db()
    h2.refresh_from_db()
    assert h1.unit == ward and h2.unit == ward and h2.version == version + 1
    officer.refresh_from_db()
    assert officer.unit == ward
    for unit in (an_phu, tam_phu, tam_thanh):
        unit.refresh_from_db()
        assert unit.valid_to == dt.date(2025, 6, 30) and unit.successor == ward
    # The unit on any earlier day stays known; the past decision keeps its unit.
    assert territory.unit_on(h2, dt.date(2025, 6, 30)) == tam_thanh
    assert territory.unit_on(h2, JULY) == ward
    annotated = Household.objects.annotate(u=territory.unit_id_on(dt.date(2025, 3, 1))).get(pk=h2.pk)
    assert annotated.u == tam_thanh.pk
    decision.refresh_from_db()
    assert decision.unit == tam_thanh
    latest = h2.history.latest()
    assert latest.history_user == tnmt and "Sắp xếp đơn vị hành chính" in latest.history_change_reason


def test_applying_twice_changes_nothing_and_completes_late_registrations(ref, tnmt, quang_phu):
    ward, olds = quang_phu
    household_with_head(olds[0], code="AP-1")
    reorganisation_apply(actor=tnmt, predecessors=olds, successor=ward, effective_date=JULY, today=TODAY)
    history = Household.history.count()

    again = reorganisation_apply(actor=tnmt, predecessors=olds, successor=ward, effective_date=JULY, today=TODAY)
    assert not again.changed
    assert Household.history.count() == history and Reorganisation.objects.count() == 1

    late = household_with_head(olds[1], code="TP-9")  # registered in a dissolved unit afterwards
    third = reorganisation_apply(actor=tnmt, predecessors=olds, successor=ward, effective_date=JULY, today=TODAY)
    late.refresh_from_db()
    assert third.moved["households"] == 1 and late.unit == ward


def test_households_moved_late_show_at_once_in_the_successors_cached_list(ref, tnmt, tnmt_client, quang_phu):
    """Applying a reorganisation again moves late registrations by a bulk update (no model
    signal): the cached list count and dashboard figures are made stale all the same."""
    from django.urls import reverse

    ward, olds = quang_phu
    household_with_head(olds[0], code="AP-1")
    reorganisation_apply(actor=tnmt, predecessors=olds, successor=ward, effective_date=JULY, today=TODAY)
    url = reverse("households:list") + f"?unit={ward.pk}"
    assert "1 hộ" in tnmt_client.get(url).content.decode()
    household_with_head(olds[1], code="TP-9")  # registered in a dissolved unit afterwards
    assert "1 hộ" in tnmt_client.get(url).content.decode()  # counted again and cached
    reorganisation_apply(actor=tnmt, predecessors=olds, successor=ward, effective_date=JULY, today=TODAY)
    assert "2 hộ" in tnmt_client.get(url).content.decode()


def test_refusals_change_nothing(ref, tnmt, quang_phu):
    ward, (an_phu, tam_phu, tam_thanh) = quang_phu
    household_with_head(an_phu, code="X-1")
    household_with_head(tam_phu, code="X-1")  # the same code would meet in Quảng Phú
    with pytest.raises(ValidationError) as exc:
        reorganisation_apply(actor=tnmt, predecessors=[an_phu, tam_phu], successor=ward, effective_date=JULY,
                             today=TODAY)
    assert "trùng mã hộ" in exc.value.messages[0] and "X-1" in exc.value.messages[0]
    assert not Reorganisation.objects.exists()
    assert not HouseholdTransfer.objects.exists()
    an_phu.refresh_from_db()
    assert an_phu.successor is None and Household.objects.filter(unit=ward).count() == 0

    with pytest.raises(ValidationError, match="từ ngày có hiệu lực"):
        reorganisation_apply(actor=tnmt, predecessors=[tam_thanh], successor=ward, effective_date=JULY,
                             today=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="phải có hiệu lực từ đúng ngày"):
        reorganisation_apply(actor=tnmt, predecessors=[tam_thanh], successor=ward,
                             effective_date=dt.date(2025, 8, 1), today=TODAY)
    other = AdministrativeUnit.objects.get(name="Bàn Thạch")
    reorganisation_apply(actor=tnmt, predecessors=[tam_thanh], successor=ward, effective_date=JULY, today=TODAY)
    with pytest.raises(ValidationError):
        reorganisation_apply(actor=tnmt, predecessors=[tam_thanh], successor=other, effective_date=JULY,
                             today=TODAY)


def test_future_targets_follow_and_this_years_stay(ref, tnmt, quang_phu):
    ward, (an_phu, tam_phu, tam_thanh) = quang_phu
    plan_2026 = PlanFactory(year=2026, title="Kế hoạch 2026", issuer="UBND", actor=tnmt)
    UnitTargetFactory(plan=plan_2026, unit=an_phu, poor_exit_target=1, near_poor_exit_target=2, actor=tnmt)
    UnitTargetFactory(plan=plan_2026, unit=tam_phu, poor_exit_target=0, near_poor_exit_target=3, actor=tnmt)
    result = reorganisation_apply(actor=tnmt, predecessors=[an_phu, tam_phu, tam_thanh], successor=ward,
                                  effective_date=JULY, today=TODAY)
    assert result.moved["targets"] == 2
    merged = UnitTarget.objects.get(plan=plan_2026)
    assert (merged.unit, merged.poor_exit_target, merged.near_poor_exit_target) == (ward, 1, 5)
    # The 2025 plan was made for the units of 2025: its targets stay with them.
    assert {t.unit.name for t in ref.plan.unit_targets.all()} == {"An Phú", "An Sơn", "Tam Phú", "Tam Thăng"}


def test_loading_the_reference_gives_the_four_wards_their_registers(ref, tnmt, quang_phu):
    _ward, (an_phu, _tp, _tt) = quang_phu
    h = household_with_head(an_phu, code="AP-7")
    result = load_reference(today=TODAY)
    h.refresh_from_db()
    assert h.unit.name == "Quảng Phú"
    assert result.created["reorganisation"] == 4 and result.updated["households"] == 1
    assert not load_reference(today=TODAY).changed
    wards = AdministrativeUnit.objects.valid_on(TODAY)
    assert sorted(wards.values_list("name", flat=True)) == ["Bàn Thạch", "Hương Trà", "Quảng Phú", "Tam Kỳ"]
    assert {u.name for u in AdministrativeUnit.objects.get(name="Tam Kỳ").predecessors.all()} == {
        "An Mỹ", "An Xuân", "Trường Xuân"}


def test_command_reorganise_units(ref, quang_phu):
    ward, (an_phu, _tp, _tt) = quang_phu
    household_with_head(an_phu, code="AP-1")
    out = io.StringIO()
    call_command("reorganise_units", successor="20356", predecessors="20356,20371,20359", date="2025-07-01",
                 legal_basis="NQ thử", stdout=out)
    assert "Đã sắp xếp vào Phường Quảng Phú" in out.getvalue() and "households: 1" in out.getvalue()
    out = io.StringIO()
    call_command("reorganise_units", successor="20356", predecessors="20356,20371,20359", date="2025-07-01",
                 stdout=out)
    assert "không thay đổi gì" in out.getvalue()
    with pytest.raises(CommandError, match="Không có đơn vị mã 99999"):
        call_command("reorganise_units", successor="99999", predecessors="20356", date="2025-07-01")


def test_admin_add_carries_out_the_reorganisation_and_shows_refusals(ref, admin_client_, quang_phu):
    ward, (an_phu, tam_phu, tam_thanh) = quang_phu
    household_with_head(an_phu, code="AP-1")
    url = "/quan-tri/tamky_poverty/reorganisation/add/"
    bad = admin_client_.post(url, {"effective_date": "2025-08-01", "successor": ward.pk,
                                   "predecessors": [an_phu.pk], "legal_basis": ""})
    assert bad.status_code == 200 and "phải có hiệu lực từ đúng ngày" in bad.content.decode()
    assert not Reorganisation.objects.exists()
    ok = admin_client_.post(url, {"effective_date": "2025-07-01", "successor": ward.pk,
                                  "predecessors": [an_phu.pk, tam_phu.pk, tam_thanh.pk], "legal_basis": "NQ"})
    assert ok.status_code == 302
    assert Household.objects.get(code="AP-1").unit == ward
    rec = Reorganisation.objects.get()
    assert admin_client_.post(f"/quan-tri/tamky_poverty/reorganisation/{rec.pk}/delete/").status_code == 403


# --- area kind by date ----------------------------------------------------------------------------

def test_area_follows_the_unit_on_the_effective_date(ref, tnmt, quang_phu):
    ward, olds = quang_phu
    h = household_with_head(olds[2], code="TT-1")  # Tam Thanh: a xã until 30/06/2025
    before = review(tnmt, h, day=dt.date(2025, 3, 1), income=1_800_000)
    reorganisation_apply(actor=tnmt, predecessors=olds, successor=ward, effective_date=JULY, today=TODAY)
    after = review(tnmt, Household.objects.get(pk=h.pk), day=dt.date(2025, 9, 1), income=1_800_000)
    # 1.8 M đ is above the rural threshold (1.5 M) but below the urban one (2.0 M).
    assert (before.area_kind, before.result_class, before.unit) == ("rural", "average", olds[2])
    assert (after.area_kind, after.result_class, after.unit) == ("urban", "near_poor", ward)
    assert "Phường Quảng Phú" in after.explanation and "Xã Tam Thanh" in before.explanation


def test_same_facts_same_ward_same_day_same_class_unless_a_recorded_rule(ref, tnmt, quang_phu):
    ward, (an_phu, tam_phu, tam_thanh) = quang_phu
    a = household_with_head(an_phu, code="AP-1")
    b = household_with_head(tam_thanh, code="TT-1")
    reorganisation_apply(actor=tnmt, predecessors=[an_phu, tam_phu, tam_thanh], successor=ward,
                         effective_date=JULY, today=TODAY)
    day = dt.date(2026, 2, 1)
    ra = review(tnmt, Household.objects.get(pk=a.pk), day=day, income=1_800_000, deprived=POOR)
    rb = review(tnmt, Household.objects.get(pk=b.pk), day=day, income=1_800_000, deprived=POOR)
    assert (ra.area_kind, ra.result_class) == (rb.area_kind, rb.result_class) == ("urban", "poor")

    rule = area_rule_save(actor=tnmt, rule=AreaRule(
        unit=tam_thanh, area_kind="rural", valid_from=JULY, valid_to=dt.date(2026, 12, 31),
        legal_basis_number="15/HD-SNNMT", legal_basis_date=dt.date(2025, 7, 10)))
    rc = review(tnmt, Household.objects.get(pk=b.pk), day=dt.date(2026, 3, 1), income=1_800_000, deprived=POOR)
    assert (rc.area_kind, rc.result_class) == ("rural", "average")
    assert "quy định chuyển tiếp" in rc.explanation and "15/HD-SNNMT ngày 10/07/2025" in rc.explanation
    # The rule's period ends: from 2027 the ward's own kind applies again.
    area = territory.area_for(Household.objects.get(pk=b.pk), dt.date(2027, 1, 1))
    assert area.kind == "urban" and area.rule is None
    # A household that never belonged to Tam Thanh is not touched by its rule.
    assert territory.area_for(Household.objects.get(pk=a.pk), dt.date(2026, 3, 1)).rule is None
    with pytest.raises(ValidationError, match="trùng"):
        area_rule_save(actor=tnmt, rule=AreaRule(
            unit=tam_thanh, area_kind="urban", valid_from=dt.date(2026, 6, 1), legal_basis_number="x",
            legal_basis_date=dt.date(2026, 5, 1)))
    assert rule.history.count() == 1


def test_review_page_names_the_area_rule(ref, tnmt, tnmt_client, quang_phu):
    ward, (an_phu, tam_phu, tam_thanh) = quang_phu
    b = household_with_head(tam_thanh, code="TT-1")
    reorganisation_apply(actor=tnmt, predecessors=[an_phu, tam_phu, tam_thanh], successor=ward,
                         effective_date=JULY, today=TODAY)
    area_rule_save(actor=tnmt, rule=AreaRule(
        unit=tam_thanh, area_kind="rural", valid_from=JULY, legal_basis_number="15/HD-SNNMT",
        legal_basis_date=dt.date(2025, 7, 10)))
    page = tnmt_client.get(f"/ho/{b.pk}/ra-soat/").content.decode()
    assert "quy định chuyển tiếp cho địa bàn Xã Tam Thanh" in page
    preview = tnmt_client.post(f"/ho/{b.pk}/ra-soat/xem-truoc/", {
        "kind": "regular", "year": "2026", "income_per_capita": "1.800.000", "decision_number": "1",
        "decision_date": "01/03/2026"}).content.decode()
    assert "nông thôn" in preview and "15/HD-SNNMT" in preview


# --- the territory pages -----------------------------------------------------------------------

def test_units_page_shows_the_units_of_a_day(ref, ward_client):
    before = ward_client.get("/dia-ban/?ngay=01/03/2025").content.decode()
    assert "Xã Tam Thanh" in before and "Phường Quảng Phú" not in before.split("Sắp xếp đơn vị")[0]
    after = ward_client.get("/dia-ban/?ngay=01/03/2026").content.decode()
    table = after.split("Sắp xếp đơn vị")[0]
    assert "Phường Quảng Phú" in table and "Xã Tam Thanh" in table  # listed as a predecessor
    assert table.count("<tr>") == 5  # heading + the four wards
    assert "Thêm quy định khu vực" not in after  # ward officers read only


def test_tnmt_records_household_totals_of_a_year(ref, tnmt, tnmt_client):
    ward = AdministrativeUnit.objects.get(name="Quảng Phú")
    page = tnmt_client.get("/dia-ban/so-ho/2026/").content.decode()
    assert f'name="total_{ward.pk}"' in page and f'name="total_{ref.an_phu.pk}"' not in page
    bad = tnmt_client.post("/dia-ban/so-ho/2026/", {f"total_{ward.pk}": "-5"})
    assert bad.status_code == 400 and not UnitYearFigures.objects.filter(unit=ward, year=2026).exists()
    ok = tnmt_client.post("/dia-ban/so-ho/2026/", {f"total_{ward.pk}": "7181"})
    assert ok.status_code == 302
    row = UnitYearFigures.objects.get(unit=ward, year=2026)
    assert row.total_households == 7181 and row.history.get().history_user == tnmt
    tnmt_client.post("/dia-ban/so-ho/2026/", {f"total_{ward.pk}": "7181"})
    assert row.history.count() == 1  # saving the same number changes nothing


def test_tnmt_records_an_area_rule_through_the_page(ref, tnmt, tnmt_client):
    tam_thanh = ref.units["Tam Thanh"]
    data = {"unit": tam_thanh.pk, "area_kind": "rural", "valid_from": "01/07/2025", "valid_to": "31/12/2026",
            "legal_basis_number": "15/HD-SNNMT", "legal_basis_date": "10/07/2025", "note": ""}
    assert tnmt_client.post("/dia-ban/khu-vuc/them/", data).status_code == 302
    rule = AreaRule.objects.get()
    assert rule.basis == "15/HD-SNNMT ngày 10/07/2025"
    overlap = tnmt_client.post("/dia-ban/khu-vuc/them/", {**data, "valid_from": "01/01/2026"})
    assert overlap.status_code == 400 and "trùng" in overlap.content.decode()
    assert AreaRule.objects.count() == 1
    backwards = tnmt_client.post(f"/dia-ban/khu-vuc/{rule.pk}/sua/", {**data, "valid_to": "01/01/2025"})
    assert backwards.status_code == 400
    rule.refresh_from_db()
    assert rule.valid_to == dt.date(2026, 12, 31)
