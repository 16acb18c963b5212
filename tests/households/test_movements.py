"""One rule for decisions and movements (``households/movements.py``), tested on a register with
every kind of transition: poor ↔ near-poor, out, back in, several decisions in one year, exits on
1 January and 31 December, a back-dated decision and a superseded one. The five views — the
dashboard, the progress page, the monthly report, the year-movement table and PL01 — must give
the same figures, and each list of the movement table balances (start − out + in = end). The
suite runs on SQLite and on PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dashboard import selectors as dashboard
from households import movements
from households.models import Assessment
from households.services import assessment_record
from reports import datasets
from reports.datasets import Params
from targets import selectors as target_selectors
from tests.factories import household_with_head
from tests.reports.conftest import list_lines, movement_row

pytestmark = pytest.mark.django_db

M = Assessment.Movement
THREE = ["health_insurance", "water", "latrine"]
URBAN = {"poor": (1_500_000, THREE), "near_poor": (1_500_000, []), "average": (2_500_000, []), "none": (4_000_000, [])}
RURAL = {"near_poor": (1_200_000, [])}
LINES = ("left_poor", "poor_to_near_poor", "left_near_poor", "new_poor", "new_near_poor", "re_poor",
         "re_near_poor", "near_poor_to_poor")


def decide(actor, household, cls, effective, *, decided=None, rural=False, **kw):
    income, deprived = (RURAL if rural else URBAN)[cls]
    return assessment_record(
        actor=actor, household=household, kind="regular", year=effective.year if effective.year <= 2026 else 2026,
        income_per_capita=income, indicators={c: True for c in deprived},
        decision_number=f"{effective:%d%m%y}-{household.code}", decision_date=decided or effective,
        effective_date=effective, suggestions={}, **kw)


def d(y, m, day):
    return dt.date(y, m, day)


@pytest.fixture
def register(ref, admin_user):
    """13 households of An Phú (urban) and one of Tam Thăng (rural); see the module docstring."""
    h = {}

    def home(name, unit=None):
        h[name] = household_with_head(unit or ref.an_phu, code=name)
        return h[name]

    a = admin_user
    decide(a, home("H1"), "poor", d(2024, 6, 1))
    decide(a, h["H1"], "near_poor", d(2025, 3, 1))                      # poor → near-poor
    decide(a, home("H2"), "near_poor", d(2024, 6, 1))
    decide(a, h["H2"], "poor", d(2025, 4, 1))                           # near-poor → poor (a fall)
    decide(a, home("H3"), "poor", d(2024, 6, 1))
    decide(a, h["H3"], "average", d(2025, 5, 1))                        # out of poverty
    decide(a, home("H4"), "near_poor", d(2024, 6, 1))
    decide(a, h["H4"], "none", d(2025, 6, 1))                           # out of near-poverty
    decide(a, home("H5"), "poor", d(2025, 2, 1))                        # new poor
    decide(a, home("H6"), "poor", d(2023, 6, 1))
    decide(a, h["H6"], "average", d(2024, 1, 10))
    decide(a, h["H6"], "poor", d(2025, 7, 1))                           # back in: tái nghèo
    decide(a, home("H7"), "near_poor", d(2024, 6, 1))                   # several decisions in 2025
    decide(a, h["H7"], "average", d(2025, 3, 10))
    decide(a, h["H7"], "near_poor", d(2025, 6, 10))
    decide(a, h["H7"], "poor", d(2025, 9, 10))
    decide(a, h["H7"], "near_poor", d(2025, 11, 10))
    decide(a, home("H8"), "poor", d(2024, 6, 1))
    decide(a, h["H8"], "average", d(2025, 1, 1), decided=d(2024, 12, 20))  # exit on 1 January 2025
    decide(a, home("H9"), "near_poor", d(2024, 6, 1))
    decide(a, h["H9"], "none", d(2025, 12, 31))                         # exit on 31 December
    decide(a, home("H10"), "poor", d(2024, 6, 1))
    decide(a, h["H10"], "none", d(2026, 1, 1), decided=d(2025, 12, 20))  # exit on 1 January 2026
    decide(a, home("H11", ref.tam_thang), "near_poor", d(2025, 8, 1), rural=True)
    decide(a, home("H12"), "poor", d(2024, 6, 1))
    later = decide(a, h["H12"], "near_poor", d(2025, 9, 1))
    assert later.movement == M.POOR_TO_NEAR_POOR
    backdated = decide(a, h["H12"], "average", d(2025, 5, 1))          # recorded late, effective earlier
    decide(a, home("H13"), "near_poor", d(2024, 6, 1))
    wrong = decide(a, h["H13"], "poor", d(2025, 3, 1))
    correct = assessment_record(
        actor=a, household=h["H13"], kind="regular", year=2025, income_per_capita=1_500_000, indicators={},
        decision_number="QĐ-ĐC-H13", decision_date=d(2025, 3, 5), effective_date=d(2025, 3, 1), suggestions={},
        supersedes=wrong, correction_reason="Nhập nhầm thu nhập của hộ")
    for x in h.values():
        x.refresh_from_db()
    return SimpleNamespace(h=h, later=later, backdated=backdated, wrong=wrong, correct=correct)


# What the rule gives for 2025 (effective 02/01/2025 – 01/01/2026), worked out by hand.
AN_PHU_2025 = {"left_poor": 5, "poor_to_near_poor": 2, "left_near_poor": 3, "new_poor": 1, "new_near_poor": 1,
               "re_poor": 1, "re_near_poor": 1, "near_poor_to_poor": 2}
TAM_THANG_2025 = dict.fromkeys(LINES, 0) | {"new_near_poor": 1}
AN_PHU_LISTS = {
    "poor": {"start": 4, "left": 5, "other_out": 2, "new": 1, "re": 1, "other_in": 2, "end": 3},
    "near": {"start": 5, "left": 3, "other_out": 2, "new": 1, "re": 1, "other_in": 2, "end": 4},
}


def test_the_date_window_is_stated_once():
    assert movements.year_period(2025) == movements.Period(d(2025, 1, 2), d(2026, 1, 1))
    assert movements.year_period(2025).start_day == movements.year_start(2025) == d(2025, 1, 1)
    assert movements.month_period(2025, 1) == movements.Period(d(2025, 1, 2), d(2025, 1, 31))
    assert movements.month_period(2025, 2) == movements.Period(d(2025, 2, 1), d(2025, 2, 28))
    assert movements.month_period(2025, 12) == movements.Period(d(2025, 12, 1), d(2026, 1, 1))
    assert movements.year_to_month(2025, 6) == movements.Period(d(2025, 1, 2), d(2025, 6, 30))
    # Consecutive periods chain: the end of one is the start of the next.
    assert movements.year_period(2025).end_day == movements.year_period(2026).start_day
    for m in range(1, 12):
        assert movements.month_period(2025, m).last + dt.timedelta(days=1) == movements.month_period(2025, m + 1).first


def test_derive_chain_is_the_rule_along_the_effective_dates():
    link = movements.ChainLink
    chain = [link(1, d(2024, 6, 1), "near_poor"), link(2, d(2025, 3, 10), "average"),
             link(3, d(2025, 6, 10), "near_poor"), link(4, d(2025, 9, 10), "poor"), link(5, d(2025, 11, 10), "near_poor")]
    assert movements.derive_chain(chain) == {
        1: ("none", M.NEW_NEAR_POOR), 2: ("near_poor", M.LEFT_NEAR_POOR), 3: ("average", M.RE_NEAR_POOR),
        4: ("near_poor", M.NEAR_POOR_TO_POOR), 5: ("poor", M.POOR_TO_NEAR_POOR)}
    # Order of the input does not matter; two decisions of one day keep their recording order.
    assert movements.derive_chain(list(reversed(chain))) == movements.derive_chain(chain)
    same_day = [link(7, d(2025, 1, 1), "poor"), link(8, d(2025, 1, 1), "near_poor")]
    assert movements.derive_chain(same_day) == {7: ("none", M.NEW_POOR), 8: ("poor", M.POOR_TO_NEAR_POOR)}


def test_the_five_views_agree_on_every_transition(register, ref, tnmt, tnmt_client):
    units = {ref.an_phu.pk: AN_PHU_2025, ref.tam_thang.pk: TAM_THANG_2025}

    # 1. The year-movement table.
    table = datasets.build(tnmt, "MOVEMENT", Params(2025))
    ap = movement_row(table, "Phường An Phú")
    assert {k: list_lines(ap, k) for k in ("poor", "near")} == AN_PHU_LISTS
    assert ap["poor_left"] == AN_PHU_2025["left_poor"] and ap["near_left"] == AN_PHU_2025["left_near_poor"]

    # 2. The monthly report: the year to December, and the twelve months add up to it. From July
    # the unit's households report in the ward it became part of (Quảng Phú, Bàn Thạch).
    for unit_id, expected in units.items():
        unit = ref.units["An Phú"] if unit_id == ref.an_phu.pk else ref.tam_thang
        december = datasets.build(tnmt, "MONTHLY", Params(2025, 12, holder(unit, 12))).parameters["figures"]["movements"]
        assert {k: v["ytd"] for k, v in december.items()} == expected
        months = [datasets.build(tnmt, "MONTHLY", Params(2025, m, holder(unit, m))).parameters["figures"]["movements"]
                  for m in range(1, 13)]
        assert {k: sum(m[k]["month"] for m in months) for k in LINES} == expected

    # 3. PL01: the targets and what was achieved.
    pl01 = {r.cells[1]: r.cells for r in datasets.build(tnmt, "PL01", Params(2025)).rows}
    assert pl01["Phường An Phú"][2:6] == [0, 1, AN_PHU_2025["left_poor"], AN_PHU_2025["left_near_poor"]]
    assert pl01["Xã Tam Thăng"][2:6] == [0, 1, 0, 0]

    # 4. The progress page.
    page = tnmt_client.get(reverse("targets:progress"), {"year": 2025})
    rows = {r.unit.pk: r for r in page.context["progress"].rows}
    assert (rows[ref.an_phu.pk].left_poor, rows[ref.an_phu.pk].left_near_poor) == (5, 3)
    assert ref.tam_thang.pk not in rows or (rows[ref.tam_thang.pk].left_poor, rows[ref.tam_thang.pk].left_near_poor) == (0, 0)

    # 5. The dashboard (the plan year 2025, seen after it: the wards valid at its end).
    home = tnmt_client.get(reverse("dashboard"), {"period": "2025-12"})
    progress = {p.unit.pk: p for p in home.context["unit_progress"]}
    p = progress[ref.an_phu.successor_id]
    assert (p.left_poor, p.left_near_poor, p.entered, p.re_entered, p.to_poor) == (5, 3, 2, 2, 2)
    t = progress[ref.tam_thang.successor_id]
    assert (t.left_poor, t.left_near_poor, t.entered, t.re_entered, t.to_poor) == (0, 0, 1, 0, 0)
    counts = home.context["counts"]
    total = movement_row(table, "Tổng cộng")
    assert (counts["poor_start"], counts["near_poor_start"]) == (total["poor_start"], total["near_start"])


def holder(unit, month):
    """The unit whose report holds ``unit``'s households at the end of ``month`` of 2025."""
    return unit.successor if month >= 7 and unit.successor_id else unit


def test_each_list_balances_in_every_row_and_month(register, tnmt):
    for month in (None, 1, 3, 6, 12):
        table = datasets.build(tnmt, "MOVEMENT", Params(2025, month))
        assert_balanced(table)
    # The 1 January 2025 exit belongs to 2024 (the annual review that made the 2025 list).
    y2024 = movement_row(datasets.build(tnmt, "MOVEMENT", Params(2024)), "Phường An Phú")
    assert y2024["poor_left"] >= 1
    assert_balanced(datasets.build(tnmt, "MOVEMENT", Params(2024)))


def assert_balanced(table):
    for row in table.rows:
        if row.style == "group":
            continue
        cells = {c.key: v for c, v in zip(table.columns, row.cells, strict=True)}
        poor, near = list_lines(cells, "poor"), list_lines(cells, "near")
        assert poor["start"] - poor["left"] + poor["new"] + poor["re"] + poor["other_in"] == poor["end"], row.cells
        assert (near["start"] - near["left"] - near["other_out"] + near["new"] + near["re"] + near["other_in"]
                == near["end"]), row.cells
        # What leaves one list for the other enters the other.
        assert poor["other_out"] == near["other_in"] and near["other_out"] == poor["other_in"]


def test_exits_on_1_january_and_31_december(register, tnmt):
    h = register.h
    dec = datasets.build(tnmt, "MONTHLY", Params(2025, 12, holder(h["H9"].unit, 12))).parameters["figures"]["movements"]
    # December 2025: H9 (31/12) out of near-poverty, H10 (01/01/2026) out of poverty.
    assert dec["left_near_poor"]["month"] == 1 and dec["left_poor"]["month"] == 1
    jan = datasets.build(tnmt, "MONTHLY", Params(2025, 1, h["H8"].unit)).parameters["figures"]["movements"]
    assert jan["left_poor"]["month"] == 0  # H8's exit on 01/01/2025 opened the year, it is not a 2025 movement


def test_a_fall_into_poverty_changes_no_thoat_figure(register, ref, tnmt, admin_user, tnmt_client):
    def figures():
        table = movement_row(datasets.build(tnmt, "MOVEMENT", Params(2025)), "Phường An Phú")
        monthly = datasets.build(tnmt, "MONTHLY", Params(2025, 12, holder(ref.an_phu, 12))).parameters["figures"]["movements"]
        pl01 = next(r.cells for r in datasets.build(tnmt, "PL01", Params(2025)).rows if r.cells[1] == "Phường An Phú")
        progress = next(r for r in target_selectors.progress(actor=tnmt, plan=ref.plan).rows if r.unit == ref.an_phu)
        dash = next(p for p in dashboard.unit_progress(actor=tnmt, plan=ref.plan, year=2025, day=d(2025, 12, 31))
                    if p.unit == ref.an_phu.successor)
        return {"table": (table["poor_left"], table["near_left"]), "monthly": (monthly["left_poor"]["ytd"],
                monthly["left_near_poor"]["ytd"]), "pl01": tuple(pl01[4:6]),
                "progress": (progress.left_poor, progress.left_near_poor), "dashboard": (dash.left_poor, dash.left_near_poor),
                "falls": (table["near_other_out"], monthly["near_poor_to_poor"]["ytd"], dash.to_poor)}

    before = figures()
    falls = household_with_head(ref.an_phu, code="FALL")
    decide(admin_user, falls, "near_poor", d(2024, 6, 1))
    decide(admin_user, falls, "poor", d(2025, 10, 1))
    after = figures()
    assert {k: v for k, v in after.items() if k != "falls"} == {k: v for k, v in before.items() if k != "falls"}
    assert after["falls"] == tuple(n + 1 for n in before["falls"])


def test_a_back_dated_decision_re_derives_the_later_ones(register):
    later, backdated = register.later, register.backdated
    later.refresh_from_db()
    assert (backdated.previous_class, backdated.movement) == ("poor", M.LEFT_POOR)
    assert (later.previous_class, later.movement) == ("average", M.NEW_NEAR_POOR)  # was poor → near-poor
    assert backdated.rederived == [later]
    h12 = register.h["H12"]
    assert h12.current_assessment_id == later.pk and h12.current_class == "near_poor"
    # The change is in the decision's history, with its reason.
    changes = list(later.history.order_by("history_id").values_list("movement", "history_change_reason"))
    assert changes[-1] == (M.NEW_NEAR_POOR, "Tính lại biến động theo chuỗi quyết định")


def test_a_superseded_decision_stays_in_the_history_and_no_longer_counts(register, ref, tnmt, admin_client_):
    wrong, correct = register.wrong, register.correct
    wrong.refresh_from_db()
    assert wrong.superseded_by_id == correct.pk and correct.correction_reason == "Nhập nhầm thu nhập của hộ"
    assert correct.movement == M.UNCHANGED and register.h["H13"].current_class == "near_poor"
    page = admin_client_.get(reverse("households:detail", args=[register.h["H13"].pk])).content.decode()
    assert wrong.decision_number in page and correct.decision_number in page
    assert "Nhập nhầm thu nhập của hộ" in page and "đã được thay thế" in page


def test_a_repeated_submission_records_nothing(register, admin_user):
    h = register.h["H5"]
    before = Assessment.objects.count()
    again = decide(admin_user, h, "poor", d(2025, 2, 1))
    assert again.already_recorded and Assessment.objects.count() == before


@pytest.mark.parametrize("decided,effective,field,message", [
    (d(1999, 12, 31), d(2000, 1, 5), "decision_date", "không được trước 01/01/2000"),
    (d(2025, 5, 1), d(2025, 4, 30), "effective_date", "không có hiệu lực hồi tố"),
    (d(2025, 5, 1), d(2026, 5, 2), "effective_date", "quá một năm kể từ hôm nay"),
    (d(2025, 5, 2), d(2025, 5, 2), "decision_date", "không được ở tương lai"),
])
def test_dates_out_of_range_are_refused_with_a_message(ref, admin_user, decided, effective, field, message):
    h = household_with_head(ref.an_phu)
    with pytest.raises(ValidationError) as err:
        assessment_record(actor=admin_user, household=h, kind="regular", year=2025, income_per_capita=1_000_000,
                          indicators={}, decision_number="1/QĐ", decision_date=decided, effective_date=effective,
                          suggestions={}, today=d(2025, 5, 1))
    assert message in " ".join(err.value.message_dict[field])
    assert not Assessment.objects.filter(household=h).exists()


def test_the_correction_page_supersedes_a_decision_with_a_reason(ref, ward_officer, ward_client, other_ward_client):
    h = household_with_head(ref.an_phu, code="CORR")
    wrong = decide(ward_officer, h, "poor", d(2025, 3, 1))
    url = reverse("households:review_correct", args=[h.pk, wrong.pk])
    page = ward_client.get(url)
    assert page.status_code == 200 and wrong.decision_number in page.content.decode()
    assert page.context["form"].initial["effective_date"] == d(2025, 3, 1)
    assert other_ward_client.get(url).status_code == 404  # another unit's household: as if absent

    data = {"kind": "regular", "year": "2025", "income_per_capita": "1.500.000", "decision_number": "QĐ-ĐC-1",
            "decision_date": "2025-03-20", "effective_date": "2025-03-01"}
    missing_reason = ward_client.post(url, data)
    assert missing_reason.status_code == 400 and "Phải nêu lý do điều chỉnh" in missing_reason.content.decode()
    data["correction_reason"] = "Thu nhập ghi nhầm"
    for _ in range(2):  # a double click records one correction
        response = ward_client.post(url, data)
        assert response.status_code == 302
    wrong.refresh_from_db()
    correction = wrong.superseded_by
    assert correction.decision_number == "QĐ-ĐC-1" and correction.result_class == "near_poor"
    assert correction.effective_date == d(2025, 3, 1) and correction.decision_date == d(2025, 3, 20)
    assert Assessment.objects.filter(household=h).count() == 2
    h.refresh_from_db()
    assert h.current_assessment_id == correction.pk and h.current_class == "near_poor"
    detail = ward_client.get(reverse("households:detail", args=[h.pk])).content.decode()
    assert "Thu nhập ghi nhầm" in detail and "không còn được tính" in detail
    # A superseded decision cannot be corrected again: the page says by which decision it was.
    again = ward_client.get(url, follow=True)
    assert "đã được điều chỉnh bởi quyết định số QĐ-ĐC-1" in again.content.decode()


def test_a_double_submitted_review_records_one_decision(ref, ward_officer, ward_client):
    h = household_with_head(ref.an_phu, code="DOUBLE")
    data = {"kind": "regular", "year": "2025", "income_per_capita": "3.500.000", "decision_number": "QĐ-7",
            "decision_date": "2025-04-01", "effective_date": "2025-04-01"}
    url = reverse("households:review", args=[h.pk])
    first = ward_client.post(url, data, follow=True)
    second = ward_client.post(url, data, follow=True)
    assert Assessment.objects.filter(household=h).count() == 1
    assert "đã được ghi nhận trước đó" in second.content.decode()
    assert "Đã ghi kết quả rà soát" in first.content.decode()


def test_a_back_dated_review_through_the_page_says_what_it_recomputed(ref, ward_officer, ward_client):
    h = household_with_head(ref.an_phu, code="BACK")
    decide(ward_officer, h, "poor", d(2024, 6, 1))
    later = decide(ward_officer, h, "near_poor", d(2025, 9, 1))
    data = {"kind": "regular", "year": "2025", "income_per_capita": "2.500.000", "decision_number": "QĐ-8",
            "decision_date": "2025-05-01", "effective_date": "2025-05-01"}
    page = ward_client.post(reverse("households:review", args=[h.pk]), data, follow=True).content.decode()
    assert "đã được tính lại" in page
    later.refresh_from_db()
    assert later.movement == M.NEW_NEAR_POOR


def test_a_unit_report_beyond_its_target_says_so(register, ref, tnmt):
    ds = datasets.build(tnmt, "MONTHLY", Params(2025, 6, ref.an_phu))
    lines = {r.cells[1]: r.cells for r in ds.rows}
    assert lines["Số hộ thoát cận nghèo"][3:6] == [2, 1, 200.0]
    assert any("Số hộ thoát cận nghèo lũy kế (2) vượt chỉ tiêu năm (1)" in n for n in ds.notes)
    # The fall into poverty is its own line, never a "thoát".
    assert lines["Số hộ cận nghèo chuyển sang hộ nghèo"][3] == 1
    # In December An Phú's households are Quảng Phú's, rated against the targets of its former
    # units (An Phú 1 + Tam Phú 2 + Tam Thanh 0 near-poor households).
    december = datasets.build(tnmt, "MONTHLY", Params(2025, 12, ref.an_phu.successor))
    lines = {r.cells[1]: r.cells for r in december.rows}
    assert lines["Số hộ thoát cận nghèo"][3:6] == [3, 3, 100.0]
    assert lines["Số hộ cận nghèo chuyển sang hộ nghèo"][3] == 2


# --- grouping by the unit on a day (issue 14) -----------------------------------------------------


def test_by_unit_on_counts_each_household_under_the_unit_it_belonged_to(ref, admin_user):
    from households.models import Household
    from tamky_poverty.models import Reorganisation
    from tamky_poverty.services import reorganisation_apply

    qp = ref.units["Quảng Phú"]
    moved = household_with_head(ref.an_phu, code="MV-1")
    decide(admin_user, moved, "poor", d(2024, 6, 1))
    reorganisation = Reorganisation.objects.get(successor=qp)
    reorganisation_apply(actor=admin_user, predecessors=reorganisation.predecessors.all(), successor=qp,
                         effective_date=reorganisation.effective_date, today=d(2025, 7, 1))
    late = household_with_head(ref.units["Tam Phú"], code="LT-1")  # registered in a dissolved unit, not moved
    decide(admin_user, late, "near_poor", d(2025, 8, 1))
    homes = Household.objects.filter(is_deleted=False)

    assert movements.classes_on(homes, d(2025, 6, 30), movements.by_unit_on(d(2025, 6, 30))) == {
        (ref.an_phu.pk, "poor"): 1}
    # After 1 July both are Quảng Phú's: the moved one by its transfer, the other by succession.
    assert movements.classes_on(homes, d(2025, 9, 30), movements.by_unit_on(d(2025, 9, 30))) == {
        (qp.pk, "poor"): 1, (qp.pk, "near_poor"): 1}
    # With ``since``: (unit at the end, unit at the start) — the ward and the former unit.
    spanning = movements.by_unit_on(d(2025, 12, 31), since=d(2025, 1, 1))
    assert movements.classes_on(homes, d(2025, 12, 31), spanning) == {
        ((qp.pk, ref.an_phu.pk), "poor"): 1, ((qp.pk, ref.units["Tam Phú"].pk), "near_poor"): 1}
    assert movements.movement_counts(Assessment.objects.all(), movements.year_period(2025), spanning) == {
        ((qp.pk, ref.units["Tam Phú"].pk), M.NEW_NEAR_POOR): 1}

    # The rows of a table: the wards valid at the end, the former units beneath.
    blocks, grouping = movements.layout(type(qp).objects.all(), d(2025, 1, 1), d(2025, 12, 31))
    assert grouping.since == d(2025, 1, 1)
    quang_phu = next(b for b in blocks if b.unit == qp)
    assert [c.label for c in quang_phu.children if c.always] == ["Phường An Phú", "Xã Tam Phú", "Xã Tam Thanh"]
    assert [b.unit.name for b in blocks] == ["Bàn Thạch", "Hương Trà", "Quảng Phú", "Tam Kỳ"]
    march, _g = movements.layout(type(qp).objects.all(), d(2025, 1, 1), d(2025, 3, 31))
    assert len(march) == 12 and not any(b.children for b in march)


def test_known_by_reads_the_register_as_it_was_known(ref, admin_user):
    from django.utils import timezone

    from households.models import Household

    h = household_with_head(ref.an_phu, code="KB-1")
    decide(admin_user, h, "poor", d(2024, 6, 1))
    Assessment.objects.update(created_at=timezone.make_aware(dt.datetime(2025, 1, 5)))
    late = decide(admin_user, h, "average", d(2025, 5, 1))   # recorded now, effective in 2025
    homes = Household.objects.filter(is_deleted=False)
    assert movements.classes_on(homes, d(2025, 12, 31), movements.CITY) == {}
    assert movements.classes_on(homes, d(2025, 12, 31), movements.CITY, known_by=d(2025, 1, 31)) == {(0, "poor"): 1}
    period = movements.year_period(2025)
    assert movements.movement_counts(Assessment.objects.all(), period, movements.CITY,
                                     known_by=d(2025, 1, 31)) == {}
    assert list(movements.recorded_after(Assessment.objects.all(), d(2025, 1, 31), first=period.first,
                                         last=period.last)) == [late]
