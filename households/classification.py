"""The national multidimensional poverty rule (DOMAIN.md §1), as pure functions.

Nothing here touches the database: a caller passes the standard's thresholds, the area kind,
the income and the deprived indicators, and gets the class with a human explanation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    POOR: gettext_lazy("hộ nghèo"),
    NEAR_POOR: gettext_lazy("hộ cận nghèo"),
    AVERAGE: gettext_lazy("hộ có mức sống trung bình"),
    NONE: gettext_lazy("không thuộc diện hộ nghèo, cận nghèo, mức sống trung bình"),
}
AREA_LABELS = {"urban": gettext_lazy("thành thị"), "rural": gettext_lazy("nông thôn")}


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
    raise ValueError(_("Khu vực không hợp lệ: %(a)r") % {"a": area_kind})


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
        raise ValueError(_("Thu nhập bình quân phải là số không âm."))
    deprived_names = sorted(set(deprived))
    count = len(deprived_names)
    threshold, average_upper = thresholds(standard, area_kind)
    area = AREA_LABELS[area_kind]
    income_text = _("Thu nhập bình quân %(income)s/người/tháng") % {"income": format_vnd(income_per_capita)}
    deprived_text = (
        _("thiếu hụt %(n)s chỉ số (%(names)s)") % {"n": count, "names": ", ".join(deprived_names)} if count
        else _("không thiếu hụt chỉ số nào")
    )
    cutoff = standard.deprivation_cutoff
    if income_per_capita <= threshold:
        result = POOR if count >= cutoff else NEAR_POOR
        relation = "≥" if result == POOR else "<"
        explanation = _(
            "%(income)s ≤ chuẩn %(area)s %(threshold)s (%(standard)s) và %(deprived)s, %(relation)s %(cutoff)s "
            "chỉ số: %(result)s."
        ) % {"income": income_text, "area": area, "threshold": format_vnd(threshold), "standard": standard.name,
             "deprived": deprived_text, "relation": relation, "cutoff": cutoff, "result": CLASS_LABELS[result]}
    elif average_upper is not None and income_per_capita <= average_upper:
        result = AVERAGE
        explanation = _("%(income)s trên chuẩn %(area)s %(threshold)s nhưng ≤ %(upper)s (%(standard)s): %(result)s.") % {
            "income": income_text, "area": area, "threshold": format_vnd(threshold),
            "upper": format_vnd(average_upper), "standard": standard.name, "result": CLASS_LABELS[result]}
    else:
        result = NONE
        upper = (_(" và trên mức sống trung bình %(upper)s") % {"upper": format_vnd(average_upper)}
                 if average_upper is not None else "")
        explanation = _("%(income)s trên chuẩn %(area)s %(threshold)s%(upper)s (%(standard)s): %(result)s.") % {
            "income": income_text, "area": area, "threshold": format_vnd(threshold), "upper": upper,
            "standard": standard.name, "result": CLASS_LABELS[result]}
    if area_basis:
        explanation += _(" Áp dụng %(basis)s.") % {"basis": area_basis}
    return Classification(result, threshold, average_upper, count, explanation)


def standard_for_year(standards: Iterable[StandardLike], year: int):
    """The standard whose period covers ``year`` (2025, 2026 → NĐ 07/2021; 2027–2030 → NĐ 351/2025)."""
    for standard in standards:
        if standard.year_from <= year <= standard.year_to:
            return standard
    raise LookupError(_("Chưa có chuẩn nghèo áp dụng cho năm %(y)s.") % {"y": year})
