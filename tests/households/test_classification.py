"""The national rule (DOMAIN.md §1) as a pure function: every class, both area kinds, both
standards, exactly at each boundary and one đồng above, 2 vs 3 deprivations."""

from types import SimpleNamespace

import pytest

from households import classification as c
from households import movements

ND07 = SimpleNamespace(
    name="NĐ 07/2021", year_from=2022, year_to=2026,
    rural_income_threshold=1_500_000, urban_income_threshold=2_000_000,
    rural_average_upper=2_250_000, urban_average_upper=3_000_000, deprivation_cutoff=3,
)
ND351 = SimpleNamespace(
    name="NĐ 351/2025", year_from=2027, year_to=2030,
    rural_income_threshold=2_200_000, urban_income_threshold=2_800_000,
    rural_average_upper=None, urban_average_upper=None, deprivation_cutoff=3,
)
THREE = ["Bảo hiểm y tế", "Dinh dưỡng", "Việc làm"]
TWO = THREE[:2]

# (standard, area kind, threshold, average upper bound or None)
CASES = [
    (ND07, "rural", 1_500_000, 2_250_000),
    (ND07, "urban", 2_000_000, 3_000_000),
    (ND351, "rural", 2_200_000, None),
    (ND351, "urban", 2_800_000, None),
]


@pytest.mark.parametrize("standard,area,threshold,upper", CASES)
def test_at_threshold_with_three_deprivations_is_poor(standard, area, threshold, upper):
    result = c.classify(standard, area, threshold, THREE)
    assert result.result == c.POOR
    assert result.threshold == threshold
    assert result.deprivation_count == 3
    assert c.format_vnd(threshold) in result.explanation
    assert standard.name in result.explanation
    for name in THREE:
        assert name in result.explanation
    assert "hộ nghèo" in result.explanation


@pytest.mark.parametrize("standard,area,threshold,upper", CASES)
def test_at_threshold_with_two_deprivations_is_near_poor(standard, area, threshold, upper):
    result = c.classify(standard, area, threshold, TWO)
    assert result.result == c.NEAR_POOR
    assert result.deprivation_count == 2
    assert "hộ cận nghèo" in result.explanation


@pytest.mark.parametrize("standard,area,threshold,upper", CASES)
def test_no_deprivation_under_threshold_is_near_poor(standard, area, threshold, upper):
    result = c.classify(standard, area, 0, [])
    assert result.result == c.NEAR_POOR
    assert "không thiếu hụt chỉ số nào" in result.explanation


@pytest.mark.parametrize("standard,area,threshold,upper", CASES)
def test_one_dong_above_threshold_is_never_poor(standard, area, threshold, upper):
    result = c.classify(standard, area, threshold + 1, THREE + ["Nhà tiêu hợp vệ sinh"])
    expected = c.AVERAGE if upper is not None else c.NONE
    assert result.result == expected


@pytest.mark.parametrize("standard,area,threshold,upper", [x for x in CASES if x[3] is not None])
def test_average_band_is_inclusive_and_ends_one_dong_above(standard, area, threshold, upper):
    assert c.classify(standard, area, upper, []).result == c.AVERAGE
    above = c.classify(standard, area, upper + 1, [])
    assert above.result == c.NONE
    assert c.format_vnd(upper) in above.explanation
    assert "mức sống trung bình" in c.classify(standard, area, upper, []).explanation


@pytest.mark.parametrize("standard,area,threshold,upper", CASES)
def test_far_above_is_outside_every_list(standard, area, threshold, upper):
    result = c.classify(standard, area, 10_000_000, THREE)
    assert result.result == c.NONE
    assert result.label.startswith("không thuộc diện")


def test_rural_and_urban_differ_for_the_same_income():
    # 1.800.000 đ: above the rural threshold, under the urban one (NĐ 07).
    assert c.classify(ND07, "rural", 1_800_000, THREE).result == c.AVERAGE
    assert c.classify(ND07, "urban", 1_800_000, THREE).result == c.POOR
    # 2.500.000 đ under NĐ 351: rural above 2.2 M (no band) → none, urban ≤ 2.8 M → near-poor.
    assert c.classify(ND351, "rural", 2_500_000, TWO).result == c.NONE
    assert c.classify(ND351, "urban", 2_500_000, TWO).result == c.NEAR_POOR


def test_same_income_under_both_standards():
    # 2.100.000 đ rural: average living under NĐ 07, poor under NĐ 351 (threshold 2.2 M).
    assert c.classify(ND07, "rural", 2_100_000, THREE).result == c.AVERAGE
    assert c.classify(ND351, "rural", 2_100_000, THREE).result == c.POOR


def test_duplicate_deprivations_count_once():
    result = c.classify(ND07, "urban", 1_000_000, ["Việc làm", "Việc làm", "Dinh dưỡng"])
    assert result.deprivation_count == 2
    assert result.result == c.NEAR_POOR


def test_cutoff_comes_from_the_standard():
    strict = SimpleNamespace(**{**vars(ND07), "deprivation_cutoff": 4})
    assert c.classify(strict, "urban", 1_000_000, THREE).result == c.NEAR_POOR
    assert c.classify(strict, "urban", 1_000_000, THREE + ["Nhà tiêu hợp vệ sinh"]).result == c.POOR


def test_explanation_formats_money_with_dots():
    result = c.classify(ND07, "urban", 1_234_567, THREE)
    assert "1.234.567 đ" in result.explanation
    assert "2.000.000 đ" in result.explanation
    assert "thành thị" in result.explanation
    assert "nông thôn" in c.classify(ND07, "rural", 1, []).explanation


@pytest.mark.parametrize("bad", [-1, None])
def test_negative_or_missing_income_is_refused(bad):
    with pytest.raises(ValueError):
        c.classify(ND07, "urban", bad, [])


def test_unknown_area_kind_is_refused():
    with pytest.raises(ValueError):
        c.classify(ND07, "suburban", 1, [])


@pytest.mark.parametrize("year,expected", [(2025, ND07), (2026, ND07), (2022, ND07),
                                           (2027, ND351), (2030, ND351)])
def test_standard_for_year(year, expected):
    assert c.standard_for_year([ND07, ND351], year) is expected


@pytest.mark.parametrize("year", [2021, 2031])
def test_standard_for_uncovered_year_raises(year):
    with pytest.raises(LookupError, match=str(year)):
        c.standard_for_year([ND07, ND351], year)


def test_standard_for_year_with_reference_data(ref):
    from households.models import PovertyStandard

    standards = PovertyStandard.objects.all()
    assert c.standard_for_year(standards, 2025).code == "ND07-2021"
    assert c.standard_for_year(standards, 2026).code == "ND07-2021"
    assert c.standard_for_year(standards, 2027).code == "ND351-2025"
    assert c.standard_for_year(standards, 2030).code == "ND351-2025"
    with pytest.raises(LookupError):
        c.standard_for_year(standards, 2031)
    # The reference thresholds agree with DOMAIN.md.
    assert c.classify(ref.nd07, "urban", 2_000_000, THREE).result == c.POOR
    assert c.classify(ref.nd351, "rural", 2_200_001, THREE).result == c.NONE


P, N, A, X = c.POOR, c.NEAR_POOR, c.AVERAGE, c.NONE


@pytest.mark.parametrize("previous,new,history,expected", [
    (X, P, [], "new_poor"),
    (A, P, [A], "new_poor"),
    (X, N, [], "new_near_poor"),
    (A, N, [A], "new_near_poor"),
    (X, P, [P, X], "re_poor"),                # left poverty earlier, poor again
    (A, P, [P, N, A], "re_poor"),
    (X, N, [N, X], "re_near_poor"),
    (A, N, [N, A], "re_near_poor"),
    (P, N, [P], "poor_to_near_poor"),
    (N, P, [N], "near_poor_to_poor"),
    (N, P, [P, N], "near_poor_to_poor"),       # a direct move, not a re-entry
    (P, X, [P], "left_poor"),
    (P, A, [P], "left_poor"),
    (N, X, [N], "left_near_poor"),
    (N, A, [N], "left_near_poor"),
    (P, P, [P], "unchanged"),
    (N, N, [N], "unchanged"),
    (X, X, [], "outside"),
    (A, A, [A], "outside"),
    (X, A, [], "outside"),
    (A, X, [A], "outside"),
])
def test_movement(previous, new, history, expected):
    assert movements.movement(previous, new, history) == expected


def test_movement_values_are_model_choices():
    from households.models import Assessment

    values = {
        movements.movement(p, n, h)
        for p in (P, N, A, X) for n in (P, N, A, X) for h in ([], [P, N])
    }
    assert values <= set(Assessment.Movement.values)
