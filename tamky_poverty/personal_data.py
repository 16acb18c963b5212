"""Personal data (Decree 13/2023/NĐ-CP): masking for those who do not need the full values, and
the record of every full view or export."""

from __future__ import annotations

from tamky_poverty import scoping
from tamky_poverty.models import AccessRecord


def mask_citizen_id(value: str | None) -> str:
    """'049123456789' → '0**********9'."""
    if not value:
        return ""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_date(value) -> str:
    """A birth date shown without day and month (only the year) to those without the right."""
    return f"{value.year}" if value else ""


def citizen_id_for(user, member, household=None) -> str:
    household = household or member.household
    if scoping.can_see_personal_data(user, household):
        return member.citizen_id or ""
    return mask_citizen_id(member.citizen_id)


def record_access(user, action: str, object_repr: str = "", **detail) -> AccessRecord:
    return AccessRecord.objects.create(user=user, action=action, object_repr=object_repr[:255], detail=detail)
