"""Indicators that can be suggested from member and housing data (DOMAIN.md §1). Pure
functions over plain values; the officer confirms or overrides each suggestion with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

DERIVABLE = ("dependants", "health_insurance", "adult_education", "child_schooling", "floor_area")

# The diploma a person of a given age should hold at least (16–30 year-olds).
_DIPLOMA_RANK = {
    "none": 0, "primary": 1, "lower_secondary": 2, "upper_secondary": 3, "vocational": 3, "higher": 4,
}


@dataclass(frozen=True)
class MemberFacts:
    date_of_birth: dt.date
    has_health_insurance: bool = True
    schooling: str = "na"  # na | attending | not_attending
    highest_diploma: str = "none"
    has_disability: bool = False
    social_allowance: bool = False


@dataclass(frozen=True)
class Suggestion:
    deprived: bool
    reason: str


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_dependant(m: MemberFacts, day: dt.date) -> bool:
    """Children under 16, people aged 60 or over, and people with a disability."""
    age = age_on(m.date_of_birth, day)
    return age < 16 or age >= 60 or m.has_disability


def required_diploma_rank(age: int) -> int:
    # 16–18 should have finished lower secondary; 19–30 upper secondary (or vocational).
    return 2 if age <= 18 else 3


def suggest(members: Iterable[MemberFacts], floor_area_m2: Decimal | float | None, day: dt.date) -> dict[str, Suggestion]:
    members = list(members)
    n = len(members)
    out: dict[str, Suggestion] = {}

    dependants = sum(1 for m in members if is_dependant(m, day))
    if n:
        share = dependants * 100 / n
        out["dependants"] = Suggestion(
            share > 50, _("%(d)s/%(n)s người phụ thuộc (%(share).0f%%), ngưỡng > 50%%") % {"d": dependants, "n": n, "share": share}
        )

    uninsured = [m for m in members if age_on(m.date_of_birth, day) >= 6 and not m.has_health_insurance]
    out["health_insurance"] = Suggestion(
        bool(uninsured),
        (_("%(n)s người từ 6 tuổi trở lên không có BHYT") % {"n": len(uninsured)} if uninsured
         else _("Mọi người từ 6 tuổi có BHYT")),
    )

    # Only a recorded "not attending" counts: "na" (the old default, never chosen for a child)
    # says nothing, and counting it made a false deprivation (issue 18). The member form now
    # requires the choice for ages 3–15; children still without it are named in the reason.
    children = [m for m in members if 3 <= age_on(m.date_of_birth, day) < 16]
    out_of_school = [m for m in children if m.schooling == "not_attending"]
    unknown = [m for m in children if m.schooling not in ("attending", "not_attending")]
    if out_of_school:
        reason = _("%(n)s trẻ 3 đến dưới 16 tuổi không đi học") % {"n": len(out_of_school)}
    elif unknown:
        reason = _("%(n)s trẻ 3 đến dưới 16 tuổi chưa ghi tình trạng đi học: cần kiểm tra") % {"n": len(unknown)}
    else:
        reason = _("Trẻ 3 đến dưới 16 tuổi đều đi học")
    if out_of_school and unknown:
        reason += _("; %(n)s trẻ chưa ghi tình trạng đi học") % {"n": len(unknown)}
    out["child_schooling"] = Suggestion(bool(out_of_school), reason)

    lacking = [
        m for m in members
        if 16 <= (age := age_on(m.date_of_birth, day)) <= 30
        and m.schooling != "attending"
        and _DIPLOMA_RANK.get(m.highest_diploma, 0) < required_diploma_rank(age)
    ]
    out["adult_education"] = Suggestion(
        bool(lacking),
        _("%(n)s người 16–30 tuổi không đi học và thiếu bằng cấp theo độ tuổi") % {"n": len(lacking)} if lacking
        else _("Không có người 16–30 tuổi thiếu bằng cấp"),
    )

    if floor_area_m2 is not None and n:
        per_person = Decimal(str(floor_area_m2)) / n
        out["floor_area"] = Suggestion(
            per_person < 8, _("%(area)s m²/người (ngưỡng dưới 8 m²)") % {"area": f"{per_person:.1f}".replace(".", ",")}
        )
    return out
