"""The pure rules of the review procedure (campaigns/rules.py), exhaustively: the outlook of a
household under a standard against a brute force over every way the unknown indicators and
income could turn out, the list changes, the survey priority, the schedule and deadlines, and
the order of the steps."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest

from campaigns import rules
from campaigns.rules import CERTAIN, NOT, POSSIBLE
from households import classification
from households.classification import AVERAGE, NEAR_POOR, NONE, POOR

ND07 = SimpleNamespace(name="NĐ 07/2021", rural_income_threshold=1_500_000, urban_income_threshold=2_000_000,
                       rural_average_upper=2_250_000, urban_average_upper=3_000_000, deprivation_cutoff=3)
ND351 = SimpleNamespace(name="NĐ 351/2025", rural_income_threshold=2_200_000, urban_income_threshold=2_800_000,
                        rural_average_upper=None, urban_average_upper=None, deprivation_cutoff=3)
CODES = [f"i{n}" for n in range(1, 8)]


def brute_force(standard, area_kind, income, deprived, unknown) -> set[str]:
    """Every class the rule gives for every completion of the unknown indicators (and, for an
    unknown income, every income that matters: 0, each threshold and just above it)."""
    threshold, upper = classification.thresholds(standard, area_kind)
    incomes = [income] if income is not None else [0, threshold, threshold + 1] + (
        [upper, upper + 1] if upper is not None else [])
    out = set()
    unknown = sorted(set(unknown) - set(deprived))
    for inc in incomes:
        for picks in itertools.product([False, True], repeat=len(unknown)):
            extra = [c for c, p in zip(unknown, picks, strict=True) if p]
            out.add(classification.classify(standard, area_kind, inc, [*deprived, *extra]).result)
    return out


def incomes_around(standard, area_kind):
    threshold, upper = classification.thresholds(standard, area_kind)
    values = [None, 0, threshold - 1, threshold, threshold + 1]
    if upper is not None:
        values += [upper, upper + 1]
    return values


@pytest.mark.parametrize("standard", [ND07, ND351], ids=["ND07", "ND351"])
@pytest.mark.parametrize("area_kind", ["urban", "rural"])
def test_outlook_is_exactly_the_set_of_classes_any_completion_gives(standard, area_kind):
    checked = 0
    for income in incomes_around(standard, area_kind):
        for n_deprived in range(0, 5):
            for n_unknown in range(0, 4):
                deprived = CODES[:n_deprived]
                unknown = CODES[n_deprived:n_deprived + n_unknown]
                o = rules.outlook(standard, area_kind, income, deprived, unknown)
                expected = brute_force(standard, area_kind, income, deprived, unknown)
                assert set(o.classes) == expected, (income, deprived, unknown)
                for cls, status in ((POOR, o.poor), (NEAR_POOR, o.near_poor)):
                    want = NOT if cls not in expected else (CERTAIN if expected == {cls} else POSSIBLE)
                    assert status == want
                assert o.deprived_min == n_deprived and o.deprived_max == n_deprived + n_unknown
                checked += 1
    assert checked >= 100


def test_an_unknown_indicator_can_go_either_way_near_the_cutoff():
    o = rules.outlook(ND351, "urban", 2_500_000, ["employment", "telecom"], ["waste_treatment", "internet_access"],
                      names={"employment": "Việc làm", "telecom": "Viễn thông", "waste_treatment": "Rác thải",
                             "internet_access": "Internet"})
    assert o.poor == POSSIBLE and o.near_poor == POSSIBLE and o.listed == CERTAIN
    assert o.certain_class is None
    assert "Có thể: hộ nghèo hoặc hộ cận nghèo" == o.label
    assert "thêm ít nhất 1 trong các chỉ số chưa biết" in o.explanation
    assert "Rác thải" in o.explanation and "Internet" in o.explanation
    assert "2.500.000 đ ≤ chuẩn thành thị 2.800.000 đ" in o.explanation


def test_known_deprivations_at_the_cutoff_make_it_certain_whatever_is_unknown():
    o = rules.outlook(ND351, "rural", 2_200_000, ["a", "b", "c"], ["d", "e"])
    assert o.classes == {POOR} and o.poor == CERTAIN and o.near_poor == NOT
    assert o.label == "Chắc chắn: hộ nghèo"


def test_too_few_possible_deprivations_is_certainly_near_poor():
    o = rules.outlook(ND351, "urban", 100_000, ["a"], ["b"])
    assert o.classes == {NEAR_POOR} and o.near_poor == CERTAIN and o.poor == NOT


def test_income_above_the_new_threshold_is_certainly_outside_the_lists():
    o = rules.outlook(ND351, "urban", 2_800_001, ["a", "b", "c", "d"], ["e"])
    assert o.classes == {NONE} and o.listed == NOT
    assert "không thuộc hộ nghèo, cận nghèo" in o.explanation


def test_area_kind_decides_the_threshold():
    """2.5 M đ: under the rural threshold of NĐ 351 (2.2 M) it is outside, under the urban one it is listed."""
    assert rules.outlook(ND351, "rural", 2_500_000, ["a"], []).classes == {NONE}
    assert rules.outlook(ND351, "urban", 2_500_000, ["a"], []).classes == {NEAR_POOR}


def test_unknown_income_allows_every_class_and_says_so():
    o = rules.outlook(ND07, "urban", None, [], ["a", "b", "c"])
    assert o.classes == {POOR, NEAR_POOR, AVERAGE, NONE}
    assert o.listed == POSSIBLE and o.poor == POSSIBLE
    assert "cần khảo sát" in o.explanation
    assert rules.outlook(ND351, "urban", None, [], []).classes == {NEAR_POOR, NONE}


def test_average_band_only_where_the_standard_has_one():
    assert rules.outlook(ND07, "urban", 2_500_000, [], []).classes == {AVERAGE}
    assert rules.outlook(ND351, "urban", 2_900_000, [], []).classes == {NONE}


def test_a_decision_under_the_standard_is_a_result_not_a_forecast():
    o = rules.decided_outlook(POOR, "Thu nhập ...", "Quyết định số 5/QĐ-UBND")
    assert o.classes == {POOR} and o.poor == CERTAIN and o.near_poor == NOT
    assert o.explanation.startswith("Quyết định số 5/QĐ-UBND")


# --- what is known of each indicator -----------------------------------------------------------

R = rules.RecordedIndicator


@pytest.mark.parametrize("recorded, suggestion, expected", [
    (None, None, "unknown"),             # a new indicator the old review did not have
    (R(True), None, "deprived"),         # the old review's value
    (R(False), None, "clear"),
    (None, True, "deprived"),            # member data with ages on the date
    (None, False, "clear"),
    (R(False), True, "deprived"),        # data changed since (a child turned 6 without insurance)
    (R(True), False, "clear"),
    (R(True, overridden=True), False, "unknown"),   # the officer knew better; the data still disagrees
    (R(False, overridden=True), True, "unknown"),
    (R(True, overridden=True), True, "deprived"),   # now the data agrees with the officer
    (R(False, overridden=True), None, "clear"),
])
def test_known_indicators(recorded, suggestion, expected):
    k = rules.known_indicators(["x"], {"x": recorded} if recorded else {}, {"x": suggestion} if suggestion is not None else {})
    got = "deprived" if "x" in k.deprived else "clear" if "x" in k.not_deprived else "unknown"
    assert got == expected
    assert len(k.deprived) + len(k.not_deprived) + len(k.unknown) == 1


def test_known_indicators_only_for_the_standards_codes():
    k = rules.known_indicators(["a", "b"], {"a": R(True), "information_means": R(True)}, {"c": True})
    assert k.deprived == {"a"} and k.unknown == {"b"} and not k.not_deprived


# --- list changes and priority ------------------------------------------------------------------

@pytest.mark.parametrize("before, status, change", [
    (True, CERTAIN, rules.STAYS), (True, POSSIBLE, rules.MAY_LEAVE), (True, NOT, rules.LEAVES),
    (False, CERTAIN, rules.ENTERS), (False, POSSIBLE, rules.MAY_ENTER), (False, NOT, rules.OUTSIDE),
])
def test_list_change(before, status, change):
    assert rules.list_change(before, status) == change


@pytest.mark.parametrize("before, classes, priority", [
    (POOR, {POOR, NEAR_POOR}, 1),
    (NONE, {POOR, NEAR_POOR, NONE}, 1),
    (NEAR_POOR, {POOR}, 2),
    (POOR, {NONE}, 2),
    (AVERAGE, {NEAR_POOR}, 2),
    (POOR, {POOR}, 3),
    (AVERAGE, {NONE}, 3),  # outside the lists before and after
    (NONE, {NONE}, 3),
])
def test_survey_priority(before, classes, priority):
    o = rules.Outlook(classes=frozenset(classes), poor="", near_poor="", deprived_min=0, deprived_max=0,
                      income=None, explanation="")
    assert rules.survey_priority(before, o) == priority


# --- schedule, meetings, deadlines ----------------------------------------------------------------

def test_default_schedule_is_1_september_to_14_december_for_the_next_years_list():
    assert rules.default_schedule(2026) == (dt.date(2026, 9, 1), dt.date(2026, 12, 14), dt.date(2027, 1, 1))


@pytest.mark.parametrize("percent, passes", [
    (None, False), (0, False), (Decimal("49.99"), False), (50, True), (Decimal("50.00"), True), (100, True)])
def test_meeting_needs_half_in_agreement(percent, passes):
    assert rules.meeting_passes(percent) is passes


def test_application_deadline_is_15_days_and_overdue_from_the_day_after():
    received = dt.date(2026, 10, 1)
    assert rules.application_deadline(received) == dt.date(2026, 10, 16)
    assert not rules.application_overdue(received, dt.date(2026, 10, 16))
    assert rules.application_overdue(received, dt.date(2026, 10, 17))
    assert not rules.application_overdue(received, dt.date(2026, 12, 1), is_open=False)
    assert rules.days_left(received, dt.date(2026, 10, 10)) == 6
    assert rules.days_left(received, dt.date(2026, 10, 20)) == -4


# --- the order of the steps -------------------------------------------------------------------------

START, END, LIST_DAY = dt.date(2026, 9, 1), dt.date(2026, 12, 14), dt.date(2027, 1, 1)


def facts(**kw):
    base = dict(start=START, end=END, households=4, surveyed=4,
                villages=(rules.VillageFacts("Thôn 1", 2, 2, 2, dt.date(2026, 10, 1), Decimal(80)),
                          rules.VillageFacts("Thôn 2", 2, 2, 2, dt.date(2026, 10, 2), Decimal(60))),
                posting_start=dt.date(2026, 10, 10), posting_end=dt.date(2026, 10, 20))
    base.update(kw)
    return rules.CampaignFacts(**base)


def states(f, day):
    return {s.code: s.state for s in rules.campaign_steps(f, day)}


def test_nothing_listed_yet_shows_what_is_missing():
    f = rules.CampaignFacts(start=START, end=END, households=0, surveyed=0)
    steps = rules.campaign_steps(f, dt.date(2026, 9, 2))
    assert steps[0].state == rules.OPEN and "Chưa có hộ nào" in steps[0].missing[0]
    assert [s.state for s in steps[1:]] == [rules.LOCKED] * 3
    assert rules.campaign_stage(f, dt.date(2026, 9, 2)) == "surveying"


def test_villages_meet_as_soon_as_their_own_households_are_surveyed():
    f = facts(surveyed=3, posting_start=None, posting_end=None,
              villages=(rules.VillageFacts("Thôn 1", 2, 2, 0), rules.VillageFacts("Thôn 2", 2, 1, 0)))
    s = states(f, dt.date(2026, 10, 1))
    assert s == {"survey": rules.OPEN, "meeting": rules.OPEN, "posting": rules.LOCKED, "decision": rules.LOCKED}
    missing = rules.campaign_steps(f, dt.date(2026, 10, 1))[1].missing
    assert missing == ("Thôn 1: chưa họp bình xét", "Thôn 2: còn 1 hộ chưa khảo sát, chưa thể họp")


def test_a_meeting_below_half_blocks_with_a_clear_message():
    f = facts(villages=(rules.VillageFacts("Thôn 1", 2, 2, 0, dt.date(2026, 10, 1), Decimal("45.5")),),
              households=2, surveyed=2, posting_start=None, posting_end=None)
    steps = rules.campaign_steps(f, dt.date(2026, 10, 5))
    assert steps[1].missing == ("Thôn 1: hội nghị ngày 01/10/2026 chỉ có 45,50 % đồng ý (cần ít nhất 50,00 %), "
                                "phải họp lại",)
    assert steps[2].state == rules.LOCKED
    blockers = rules.decision_blockers(f, dt.date(2026, 10, 5), LIST_DAY, LIST_DAY, dt.date(2026, 10, 5))
    assert any("45,50 % đồng ý" in b for b in blockers)
    assert "Chưa niêm yết công khai danh sách" in blockers


def test_a_household_added_after_the_meeting_needs_a_new_meeting():
    v = rules.VillageFacts("", 3, 3, 2, dt.date(2026, 10, 1), Decimal(90))
    assert rules.village_missing(v) == ["(không ghi thôn/khối phố): 1 hộ chưa được hội nghị bình xét "
                                        "(bổ sung sau ngày 01/10/2026), phải họp lại"]


def test_posting_running_then_complaints_then_ready():
    f = facts(complaints_open=1)
    assert states(f, dt.date(2026, 10, 15))["posting"] == rules.OPEN
    assert rules.campaign_stage(f, dt.date(2026, 10, 15)) == "posting"
    assert rules.campaign_steps(f, dt.date(2026, 10, 21))[2].missing == ("Còn 1 khiếu nại chưa giải quyết",)
    ready = facts()
    assert rules.campaign_steps(ready, dt.date(2026, 10, 20))[2].missing == ("Đang niêm yết đến hết ngày 20/10/2026",)
    assert states(ready, dt.date(2026, 10, 21)) == {"survey": rules.DONE, "meeting": rules.DONE,
                                                     "posting": rules.DONE, "decision": rules.OPEN}
    assert rules.campaign_stage(ready, dt.date(2026, 10, 21)) == "ready"


def test_decision_blockers_dates():
    f = facts()
    day = dt.date(2026, 11, 1)
    assert rules.decision_blockers(f, dt.date(2026, 10, 25), LIST_DAY, LIST_DAY, day) == []
    assert rules.decision_blockers(f, dt.date(2026, 10, 20), LIST_DAY, LIST_DAY, day) == [
        "Quyết định phải sau khi kết thúc niêm yết (ngày 20/10/2026)"]
    assert "Ngày quyết định không được ở tương lai" in rules.decision_blockers(f, dt.date(2026, 11, 2), LIST_DAY,
                                                                               LIST_DAY, day)
    assert any("trong thời gian rà soát" in b for b in
               rules.decision_blockers(f, dt.date(2026, 12, 20), LIST_DAY, LIST_DAY, dt.date(2026, 12, 30)))
    wrong_year = rules.decision_blockers(f, dt.date(2026, 10, 25), dt.date(2028, 1, 1), LIST_DAY, day)
    assert any("đến hết năm 2027" in b for b in wrong_year)
    assert rules.decision_blockers(facts(decided_on=dt.date(2026, 10, 25)), dt.date(2026, 10, 26), LIST_DAY,
                                   LIST_DAY, day) == ["Đợt rà soát đã có quyết định ngày 25/10/2026"]


def test_decided_campaign_has_every_step_done():
    f = facts(decided_on=dt.date(2026, 10, 25))
    assert set(states(f, dt.date(2026, 11, 1)).values()) == {rules.DONE}
    assert rules.campaign_stage(f, dt.date(2026, 11, 1)) == "decided"
