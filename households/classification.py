"""The national multidimensional poverty rule (DOMAIN.md §1), as pure functions.

Nothing here touches the database: a caller passes the standard's thresholds, the area kind,
the income and the deprived indicators, and gets the class with a human explanation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from tamky_poverty.formatting import format_vnd


class StandardLike(Protocol):
    name: str
    rural_income_threshold: int
    urban_income_threshold: int
    rural_average_upper: int | None
    urban_average_upper: int | None
    deprivation_cutoff: int


POOR = "poor"
NEAR_POOR = "near_poor"
AVERAGE = "average"
NONE = "none"

CLASS_LABELS = {
    POOR: "hộ nghèo",
    NEAR_POOR: "hộ cận nghèo",
    AVERAGE: "hộ có mức sống trung bình",
    NONE: "không thuộc diện hộ nghèo, cận nghèo, mức sống trung bình",
}
AREA_LABELS = {"urban": "thành thị", "rural": "nông thôn"}


@dataclass(frozen=True)
class Classification:
    result: str
    threshold: int
    average_upper: int | None
    deprivation_count: int
    explanation: str

    @property
    def label(self) -> str:
        return CLASS_LABELS[self.result]


def thresholds(standard: StandardLike, area_kind: str) -> tuple[int, int | None]:
    if area_kind == "urban":
        return standard.urban_income_threshold, standard.urban_average_upper
    if area_kind == "rural":
        return standard.rural_income_threshold, standard.rural_average_upper
    raise ValueError(f"Khu vực không hợp lệ: {area_kind!r}")


def classify(
    standard: StandardLike,
    area_kind: str,
    income_per_capita: int,
    deprived: Iterable[str],
    area_basis: str = "",
) -> Classification:
    """Classify a household.

    ``deprived`` holds the names (or codes) of the deprived indicators; it is used both to count
    and to name them in the explanation. ``area_basis`` says why ``area_kind`` applies (the unit,
    or a transitional rule); it ends the explanation. Boundaries are inclusive (≤).
    """
    if income_per_capita is None or income_per_capita < 0:
        raise ValueError("Thu nhập bình quân phải là số không âm.")
    deprived_names = sorted(set(deprived))
    count = len(deprived_names)
    threshold, average_upper = thresholds(standard, area_kind)
    area = AREA_LABELS[area_kind]
    income_text = (
        f"Thu nhập bình quân {format_vnd(income_per_capita)}/người/tháng"
    )
    deprived_text = (
        f"thiếu hụt {count} chỉ số ({', '.join(deprived_names)})" if count else "không thiếu hụt chỉ số nào"
    )
    cutoff = standard.deprivation_cutoff
    if income_per_capita <= threshold:
        result = POOR if count >= cutoff else NEAR_POOR
        relation = "≥" if result == POOR else "<"
        explanation = (
            f"{income_text} ≤ chuẩn {area} {format_vnd(threshold)} ({standard.name}) và {deprived_text}, "
            f"{relation} {cutoff} chỉ số: {CLASS_LABELS[result]}."
        )
    elif average_upper is not None and income_per_capita <= average_upper:
        result = AVERAGE
        explanation = (
            f"{income_text} trên chuẩn {area} {format_vnd(threshold)} nhưng ≤ {format_vnd(average_upper)} "
            f"({standard.name}): {CLASS_LABELS[result]}."
        )
    else:
        result = NONE
        upper = f" và trên mức sống trung bình {format_vnd(average_upper)}" if average_upper is not None else ""
        explanation = (
            f"{income_text} trên chuẩn {area} {format_vnd(threshold)}{upper} ({standard.name}): "
            f"{CLASS_LABELS[result]}."
        )
    if area_basis:
        explanation += f" Áp dụng {area_basis}."
    return Classification(result, threshold, average_upper, count, explanation)


def standard_for_year(standards: Iterable[StandardLike], year: int):
    """The standard whose period covers ``year`` (2025, 2026 → NĐ 07/2021; 2027–2030 → NĐ 351/2025)."""
    for standard in standards:
        if standard.year_from <= year <= standard.year_to:
            return standard
    raise LookupError(f"Chưa có chuẩn nghèo áp dụng cho năm {year}.")
