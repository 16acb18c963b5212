import pytest

from citydata.reference_data import load_reference
from households.models import Indicator, PovertyStandard
from tamky_poverty.models import AdministrativeUnit, Agency
from targets.models import Plan, SupportQuota


@pytest.mark.django_db
def test_reference_loads_once_and_second_load_changes_nothing(empty_database):
    first = load_reference()
    assert first.created["administrativeunit"] == 16
    counts = {m: m.objects.count() for m in (AdministrativeUnit, PovertyStandard, Indicator, Agency, Plan)}
    second = load_reference()
    assert not second.changed, (second.created, second.updated)
    assert counts == {m: m.objects.count() for m in counts}
    history = Plan.history.count()
    load_reference()
    assert Plan.history.count() == history


@pytest.mark.django_db
def test_units_of_2025_and_their_successors(ref):
    old = AdministrativeUnit.objects.filter(valid_to="2025-06-30")
    assert old.count() == 12
    assert old.filter(kind="phuong").count() == 8 and old.filter(kind="xa").count() == 4
    assert ref.an_phu.code == "20356" and ref.an_phu.area_kind == "urban"
    assert ref.tam_thang.area_kind == "rural"
    new = {u.name: u for u in AdministrativeUnit.objects.filter(valid_from="2025-07-01")}
    assert set(new) == {"Tam Kỳ", "Bàn Thạch", "Quảng Phú", "Hương Trà"}
    # Each new ward reuses the code of one predecessor; the mapping follows DOMAIN.md §3.
    assert {p.name for p in new["Quảng Phú"].predecessors.all()} == {"An Phú", "Tam Phú", "Tam Thanh"}
    assert {p.name for p in new["Bàn Thạch"].predecessors.all()} == {"Tân Thạnh", "Hòa Thuận", "Tam Thăng"}
    assert {p.name for p in new["Tam Kỳ"].predecessors.all()} == {"An Mỹ", "An Xuân", "Trường Xuân"}
    assert {p.name for p in new["Hương Trà"].predecessors.all()} == {"An Sơn", "Hòa Hương", "Tam Ngọc"}
    assert new["Quảng Phú"].code == "20356"


@pytest.mark.django_db
def test_standards_indicators_and_plan(ref):
    assert (ref.nd07.rural_income_threshold, ref.nd07.urban_income_threshold) == (1_500_000, 2_000_000)
    assert (ref.nd07.year_from, ref.nd07.year_to) == (2022, 2026)
    assert (ref.nd351.rural_income_threshold, ref.nd351.urban_income_threshold) == (2_200_000, 2_800_000)
    assert ref.nd07.indicators.count() == 12
    assert len({i.dimension for i in ref.nd07.indicators.all()}) == 6
    targets = {t.unit.name: (t.poor_exit_target, t.near_poor_exit_target) for t in ref.plan.unit_targets.all()}
    assert targets == {"An Phú": (0, 1), "An Sơn": (0, 1), "Tam Phú": (0, 2), "Tam Thăng": (0, 1)}
    quotas = {(q.kind_id, q.household_class): (q.households, q.items) for q in SupportQuota.objects.filter(plan=ref.plan)}
    assert quotas[("livelihood", "poor")] == (2, 2) and quotas[("livelihood", "near_poor")] == (3, 3)
    assert quotas[("housing", "poor")] == (3, 3) and quotas[("housing", "near_poor")] == (3, 3)
    assert quotas[("sponsorship", "poor")][1] == 19 and quotas[("sponsorship", "near_poor")][1] == 47
    assert Agency.objects.filter(kind="ward").count() == 16
    assert Agency.objects.get(code="tnmt").name == "Phòng Tài nguyên và Môi trường thành phố"
