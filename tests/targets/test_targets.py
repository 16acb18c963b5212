import datetime as dt

import pytest
from django.urls import reverse

from households.services import assessment_record
from support import services as support_services
from targets import selectors
from targets.models import Plan, SupportQuota, UnitTarget
from tests.factories import MemberFactory, household_with_head

pytestmark = pytest.mark.django_db


# --- plan page and editing rights ---------------------------------------------------------------

def test_plan_page_shows_phu_luc_01_targets(ward_client, ref):
    r = ward_client.get(reverse("targets:plan"), {"year": 2025})
    assert r.status_code == 200
    rows = {t.unit.name: (t.poor_exit_target, t.near_poor_exit_target) for t in r.context["targets"]}
    assert rows == {"An Phú": (0, 1), "An Sơn": (0, 1), "Tam Phú": (0, 2), "Tam Thăng": (0, 1)}
    assert r.context["target_totals"] == (0, 5)
    assert r.context["can_edit"] is False
    assert reverse("targets:target_edit", args=[2025]) not in r.content.decode()


def test_unknown_year_is_a_clear_404(ward_client, ref):
    r = ward_client.get(reverse("targets:plan"), {"year": 2031})
    assert r.status_code == 404 and "Chưa có kế hoạch năm 2031" in r.content.decode()


@pytest.mark.parametrize("name", ["targets:plan_edit", "targets:target_edit", "targets:quota_edit"])
def test_plan_editing_forbidden_for_ward_and_agency(ward_client, agency_client, name, ref):
    url = reverse(name, args=[2025])
    assert ward_client.get(url).status_code == 403
    assert agency_client.get(url).status_code == 403
    assert agency_client.post(url, {}).status_code == 403


def test_tnmt_edits_targets(tnmt_client, tnmt, ref):
    url = reverse("targets:target_edit", args=[2025])
    r = tnmt_client.get(url)
    assert r.status_code == 200
    data = {name: r.context["form"].initial[name] for name in r.context["form"].fields}
    data[f"near_poor_{ref.an_phu.pk}"] = 3
    data[f"poor_{ref.tam_thang.pk}"] = 1
    assert tnmt_client.post(url, data).status_code == 302
    plan = ref.plan
    assert UnitTarget.objects.get(plan=plan, unit=ref.an_phu).near_poor_exit_target == 3
    t = UnitTarget.objects.get(plan=plan, unit=ref.tam_thang)
    assert (t.poor_exit_target, t.near_poor_exit_target) == (1, 1)
    assert t.history.first().history_user == tnmt
    assert UnitTarget.objects.filter(plan=plan).count() == 4  # zero rows are not created


def test_bad_target_input_changes_nothing(tnmt_client, ref):
    url = reverse("targets:target_edit", args=[2025])
    data = {name: v for name, v in tnmt_client.get(url).context["form"].initial.items()}
    data[f"near_poor_{ref.an_phu.pk}"] = "-2"
    r = tnmt_client.post(url, data)
    assert r.status_code == 400
    assert UnitTarget.objects.get(plan=ref.plan, unit=ref.an_phu).near_poor_exit_target == 1


def test_admin_edits_quotas_and_plan_identity(admin_client_, ref):
    url = reverse("targets:quota_edit", args=[2025])
    data = dict(admin_client_.get(url).context["form"].initial)
    data["livelihood__poor__households"] = 4
    data["livelihood__poor__items"] = 4
    assert admin_client_.post(url, data).status_code == 302
    q = SupportQuota.objects.get(plan=ref.plan, kind="livelihood", household_class="poor")
    assert (q.households, q.items) == (4, 4)
    assert SupportQuota.objects.get(plan=ref.plan, kind="sponsorship", household_class="near_poor").items == 47

    r = admin_client_.post(reverse("targets:plan_edit", args=[2025]), {
        "title": ref.plan.title, "document_number": "35/KH-UBND", "document_date": "05/02/2025",
        "issuer": "UBND thành phố Tam Kỳ", "signer": "",
    })
    assert r.status_code == 302
    plan = Plan.objects.get(year=2025)
    assert plan.document_number == "35/KH-UBND" and plan.document_date == dt.date(2025, 2, 5)
    page = admin_client_.get(reverse("targets:plan"), {"year": 2025}).content.decode()
    assert "35/KH-UBND" in page and "05/02/2025" in page


def test_tnmt_creates_next_years_plan(tnmt_client, ref):
    r = tnmt_client.post(reverse("targets:plan_edit", args=[2026]), {
        "title": "Kế hoạch giảm nghèo năm 2026", "issuer": "UBND phường Tam Kỳ", "document_date": "",
    })
    assert r.status_code == 302
    assert Plan.objects.filter(year=2026).exists()


# --- quotas against actions ---------------------------------------------------------------------

def _actions_like_the_plan(ref, actor):
    """The plan's 5 / 6 / 66: livelihood 2 poor + 3 near-poor households, housing 3 + 3 (repair
    and new build), sponsorship 19 children of poor + 47 of near-poor households (one action per
    child), spread over An Phú and Tam Thăng; plus a cancelled one that must not count."""
    lead = ref.agencies["ubnd-20356-truoc-2025"]

    def hh(cls, unit):
        return household_with_head(unit, current_class=cls)

    def act(h, kind, **kw):
        return support_services.action_create(actor=actor, household=h, kind=kind, lead_agency=lead,
                                              plan_year=2025, planned_date=dt.date(2025, 3, 1), **kw)

    done = None
    for cls, n in (("poor", 2), ("near_poor", 3)):
        for i in range(n):
            a = act(hh(cls, ref.an_phu if i % 2 else ref.tam_thang), "livelihood", description="Bò giống")
            done = done or a
    support_services.action_transition(actor=actor, action=done, to_status="completed", date=dt.date(2025, 4, 1))
    for cls in ("poor", "near_poor"):
        for kind in ("housing_repair", "housing_new", "housing_repair"):
            act(hh(cls, ref.an_phu), kind)
    for cls, children in (("poor", 19), ("near_poor", 47)):
        households = [hh(cls, ref.tam_thang) for _ in range(7)]
        for i in range(children):
            h = households[i % 7]
            child = MemberFactory(household=h, relation="child", date_of_birth=dt.date(2015, 1, 1), citizen_id=None)
            act(h, "sponsorship", member=child, sponsor="Doanh nghiệp X", monthly_amount=500_000)
    cancelled = act(hh("poor", ref.an_phu), "livelihood")
    support_services.action_transition(actor=actor, action=cancelled, to_status="cancelled", reason="Hộ chuyển đi")


def test_quota_counts_match_plan(ref, admin_user, django_assert_max_num_queries):
    _actions_like_the_plan(ref, admin_user)
    with django_assert_max_num_queries(5):  # 5: one reads the quota lines of the catalogue
        table = selectors.quota_counts(plan=ref.plan)
    city = {(r.kind, r.household_class): r for r in table.city}
    assert (city["livelihood", "poor"].planned_households, city["livelihood", "near_poor"].planned_households) == (2, 3)
    assert city["livelihood", "poor"].quota_households == 2
    assert (city["housing", "poor"].planned_households, city["housing", "near_poor"].planned_households) == (3, 3)
    assert (city["sponsorship", "poor"].planned_items, city["sponsorship", "near_poor"].planned_items) == (19, 47)
    assert city["sponsorship", "near_poor"].planned_households == 7
    totals = table.totals()
    assert (totals["livelihood"].planned_households, totals["livelihood"].quota_households) == (5, 5)
    assert totals["housing"].planned_households == 6 and totals["housing"].planned_items == 6
    assert (totals["sponsorship"].planned_items, totals["sponsorship"].quota_items) == (66, 66)
    assert totals["livelihood"].completed_households == 1
    units = {u.name: {(r.kind, r.household_class): r for r in rows} for u, rows in table.by_unit}
    assert units["An Phú"]["housing", "near_poor"].planned_households == 3
    assert units["Tam Thăng"]["sponsorship", "poor"].planned_items == 19
    assert sum(r.planned_households for rows in units.values() for (k, _c), r in rows.items() if k == "livelihood") == 5


def test_plan_page_shows_quota_counts(ref, admin_user, ward_client):
    _actions_like_the_plan(ref, admin_user)
    r = ward_client.get(reverse("targets:plan"), {"year": 2025})
    totals = r.context["quota_totals"]
    assert [(k, t.planned_households, t.planned_items) for k, t in totals.items()] == [
        ("livelihood", 5, 5), ("housing", 6, 6), ("sponsorship", 14, 66)]
    assert 'data-quota-total="sponsorship"' in r.content.decode()


# --- progress -----------------------------------------------------------------------------------

def _review(actor, household, income, deprived, day):
    return assessment_record(actor=actor, household=household, kind="regular", year=day.year,
                             income_per_capita=income, indicators={c: True for c in deprived},
                             decision_number=f"{day:%m}/QĐ-UBND", decision_date=day, suggestions={})


def test_progress_after_a_review_lifts_a_registered_near_poor_household(ref, ward_officer, ward_client, tnmt_client):
    household = household_with_head(ref.an_phu, registered_exit_year=2025)
    _review(ward_officer, household, 1_800_000, ["health_insurance"], dt.date(2024, 12, 10))
    household.refresh_from_db()
    assert household.current_class == "near_poor"

    before = selectors.progress(actor=ward_officer, plan=ref.plan)
    row = next(r for r in before.rows if r.unit == ref.an_phu)
    assert (row.near_poor_target, row.left_near_poor, row.near_poor_share, row.registered_pending) == (1, 0, 0.0, 1)
    assert [h.pk for h in row.registered_households] == [household.pk]

    _review(ward_officer, household, 3_500_000, [], dt.date(2025, 9, 15))
    household.refresh_from_db()
    assert household.current_class == "none"

    r = ward_client.get(reverse("targets:progress"), {"year": 2025})
    assert r.status_code == 200
    progress = r.context["progress"]
    row = next(r for r in progress.rows if r.unit == ref.an_phu)
    assert (row.left_near_poor, row.near_poor_share, row.registered_pending) == (1, 100.0, 0)
    assert (progress.city.near_poor_target, progress.city.left_near_poor, progress.city.near_poor_share) == (5, 1, 20.0)
    assert "100.0%" in r.content.decode() or "100,0%" in r.content.decode()


def test_progress_counts_left_poverty_and_liftable_check(ref, admin_user, ward_officer, other_ward_client):
    lifted = household_with_head(ref.tam_thang)
    _review(admin_user, lifted, 1_000_000, ["health_insurance", "telecom", "information_means"], dt.date(2024, 12, 1))
    _review(admin_user, lifted, 1_000_000, ["health_insurance"], dt.date(2025, 6, 1))  # poor → near-poor
    liftable = household_with_head(ref.tam_thang, group="other")  # in none of the plan's three groups
    _review(admin_user, liftable, 900_000, ["health_insurance", "telecom", "information_means"], dt.date(2024, 12, 1))
    dependants = household_with_head(ref.tam_thang, group="dependants_school")  # a plan group: not liftable
    _review(admin_user, dependants, 900_000, ["health_insurance", "telecom", "information_means"], dt.date(2024, 12, 1))
    no_labour = household_with_head(ref.tam_thang, group="no_labour")
    _review(admin_user, no_labour, 900_000, ["health_insurance", "telecom", "information_means"], dt.date(2024, 12, 1))
    elsewhere = household_with_head(ref.an_phu, group="other")
    _review(admin_user, elsewhere, 900_000, ["health_insurance", "telecom", "information_means"], dt.date(2024, 12, 1))

    with_scope = selectors.progress(actor=ward_officer, plan=ref.plan)  # An Phú officer
    tt = next(r for r in with_scope.rows if r.unit == ref.tam_thang)
    assert (tt.left_poor, tt.liftable_poor) == (1, 1)
    assert tt.liftable_households == []  # counts for all, household lists only within scope
    assert with_scope.city.liftable_poor == 2 and not with_scope.no_liftable_poor_remains
    # On 1 January 2025: lifted, liftable, dependants, no_labour, elsewhere were poor.
    assert with_scope.groups_at_start == {"other": 3, "dependants_school": 1, "no_labour": 1}
    assert with_scope.liftable_at_start == 3

    r = other_ward_client.get(reverse("targets:progress"), {"year": 2025})
    tt = next(r for r in r.context["progress"].rows if r.unit == ref.tam_thang)
    assert [h.pk for h in tt.liftable_households] == [liftable.pk]
    assert liftable.code in r.content.decode() and no_labour.code not in r.content.decode()
    assert dependants.code not in r.content.decode()


def test_progress_query_count_is_fixed(ref, admin_user, django_assert_max_num_queries):
    for unit in (ref.an_phu, ref.tam_thang, ref.units["An Sơn"]):
        h = household_with_head(unit, registered_exit_year=2025)
        _review(admin_user, h, 1_800_000, ["telecom"], dt.date(2024, 12, 1))
        _review(admin_user, h, 3_800_000, [], dt.date(2025, 5, 1))
    with django_assert_max_num_queries(8):
        selectors.progress(actor=admin_user, plan=ref.plan)
