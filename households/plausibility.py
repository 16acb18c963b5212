"""Plausibility of a household's members (issue 18): ages that do not fit the relation to the
head — a 14-year-old recorded as the spouse of a head born in 1975, a child older than the head.

Pure rules over plain values, taking the day the ages are counted on. They give **warnings**, not
errors: a register has real oddities (an orphan heading the household, a step-child, an adoption,
a late remarriage), so the officer may keep the data after checking it, but must say so once on
the form (``households.forms.BaseMemberFormSet``). Impossible data (a birth date in the future, no
head or two heads) stays an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from households.derivation import age_on

# Law on Marriage and Family 2014, art. 8: men from 20, women from 18.
MARRIAGE_AGE = {"male": 20, "female": 18}
MIN_HEAD_AGE = 16
MIN_PARENT_GAP = 12      # years between a parent and their child
MIN_GRANDPARENT_GAP = 26  # years between a grandparent and a grandchild (two generations)
MAX_AGE = 110


@dataclass(frozen=True)
class MemberFacts:
    name: str
    relation: str  # head | spouse | child | parent | grandchild | sibling | other
    sex: str
    date_of_birth: dt.date


@dataclass(frozen=True)
class Implausibility:
    index: int  # the member's position in the list given
    message: str


def implausibilities(members: Sequence[MemberFacts], day: dt.date) -> list[Implausibility]:
    """What looks wrong about the members' ages on ``day``, one line per member and rule."""
    out: list[Implausibility] = []
    heads = [m for m in members if m.relation == "head"]
    head = heads[0] if len(heads) == 1 else None
    for i, m in enumerate(members):
        age = age_on(m.date_of_birth, day)
        if age > MAX_AGE:
            out.append(Implausibility(i, _("%(name)s: %(age)d tuổi (sinh năm %(year)d) — kiểm tra ngày sinh.")
                                      % {"name": m.name, "age": age, "year": m.date_of_birth.year}))
        if m.relation == "head" and age < MIN_HEAD_AGE:
            out.append(Implausibility(i, _("%(name)s là chủ hộ nhưng mới %(age)d tuổi.") % {"name": m.name, "age": age}))
        if m.relation == "spouse":
            minimum = MARRIAGE_AGE.get(m.sex, min(MARRIAGE_AGE.values()))
            if age < minimum:
                out.append(Implausibility(i, _(
                    "%(name)s được ghi là vợ/chồng chủ hộ nhưng mới %(age)d tuổi (tuổi kết hôn: nam từ 20, nữ từ 18)."
                ) % {"name": m.name, "age": age}))
        if head is None or m is head:
            continue
        gap = _years_between(m.date_of_birth, head.date_of_birth)  # > 0: the member is younger
        context = {"name": m.name, "year": m.date_of_birth.year, "head": head.name,
                   "head_year": head.date_of_birth.year}
        if m.relation == "child" and gap < MIN_PARENT_GAP:
            out.append(Implausibility(i, _(
                "%(name)s (sinh năm %(year)d) được ghi là con của chủ hộ %(head)s (sinh năm %(head_year)d): "
                "cách nhau chưa đến %(n)d tuổi."
            ) % {**context, "n": MIN_PARENT_GAP}))
        elif m.relation == "grandchild" and gap < MIN_GRANDPARENT_GAP:
            out.append(Implausibility(i, _(
                "%(name)s (sinh năm %(year)d) được ghi là cháu của chủ hộ %(head)s (sinh năm %(head_year)d): "
                "cách nhau chưa đến %(n)d tuổi."
            ) % {**context, "n": MIN_GRANDPARENT_GAP}))
        elif m.relation == "parent" and -gap < MIN_PARENT_GAP:
            out.append(Implausibility(i, _(
                "%(name)s (sinh năm %(year)d) được ghi là bố/mẹ của chủ hộ %(head)s (sinh năm %(head_year)d): "
                "cách nhau chưa đến %(n)d tuổi."
            ) % {**context, "n": MIN_PARENT_GAP}))
    return out


def _years_between(born: dt.date, head_born: dt.date) -> int:
    """Whole years from the head's birth to the member's (negative when the member is older)."""
    if born >= head_born:
        return age_on(head_born, born)
    return -age_on(born, head_born)
