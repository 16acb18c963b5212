"""Which poverty standard applies: the one place that answers it (DOMAIN.md §1). A standard is
data with a period of years; the standard of a list follows from the list's effective date."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households import classification
from households.models import PovertyStandard


def standard_for_year(year: int) -> PovertyStandard:
    """The standard whose period covers ``year`` (2022–2026 → NĐ 07/2021, 2027–2030 → NĐ 351/2025);
    ``ValidationError`` with a Vietnamese message when none does."""
    try:
        return classification.standard_for_year(PovertyStandard.objects.all(), year)
    except LookupError:
        raise ValidationError(_("Chưa có chuẩn nghèo áp dụng cho năm %(y)s.") % {"y": year}) from None


def standard_on(day: dt.date) -> PovertyStandard:
    """The standard in force on ``day`` (a list effective on 01/01/2027 is classified by the
    2027–2030 standard)."""
    return standard_for_year(day.year)
