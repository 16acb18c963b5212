"""Personal data (Decree 13/2023/NĐ-CP): the policy, stated once, and the helpers every page,
export, search and admin page uses to apply it. Who may see what is decided by
``tamky_poverty.scoping.can_see_personal_data`` / ``personal_data_households``; everything
else here follows from that one decision.

The policy (docs/operations.md, "Security and personal data", says the same):

1. **Full citizen IDs and full birth dates** are for the household's ward officer (the wards it
   replaced included), TNMT reviewers and administrators — on the household page, its edit page
   and the admin. Everyone else (agency officers) sees ``0**********9`` and the birth year only.
2. **Lists never show them in full** (the household list, report lists), whoever reads them.
3. **Search by citizen ID is exact and for those who may see it**: a word of the search box that
   is a full 12-digit ID finds the household whose member has exactly that ID, and only among
   the households whose personal data the user may see (an agency officer gets nothing). The
   search text holds no IDs, so digits of an ID never match part of one: a masked ID cannot be
   recovered by searching for its digits.
4. **Exports are masked by default** for everyone. A full export (IDs and birth dates) is an
   explicit choice with a stated reason, only for users allowed to see the data, and only of the
   households whose data they may see.
5. **Every view or export of unmasked data writes an access record** (who, when, which
   household or which filter, the reason): household page, edit page, admin pages, searches by
   a full ID, full and masked exports, imports, report downloads naming people. Administrators
   read the log in the admin and cannot change or delete it.
6. **Messages never confirm that a citizen ID exists outside the user's scope**: refusing a
   duplicate ID names the household only when the user may see it.
7. **Pages and downloads are never cached** (``Cache-Control: no-store``,
   ``tamky_poverty.middleware.NoStoreMiddleware``).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from tamky_poverty import scoping
from tamky_poverty.models import AccessRecord

FULL_CITIZEN_ID = re.compile(r"^[0-9]{12}$")


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


def can_see(user, household=None) -> bool:
    """Policy 1: may ``user`` see full citizen IDs and birth dates (of ``household``, or of the
    households they may read at all when None)."""
    return scoping.can_see_personal_data(user, household)


def citizen_id_for(user, member, household=None) -> str:
    household = household or member.household
    if can_see(user, household):
        return member.citizen_id or ""
    return mask_citizen_id(member.citizen_id)


def is_full_citizen_id(word: str) -> bool:
    return bool(FULL_CITIZEN_ID.match(word or ""))


def record_access(user, action: str, object_repr: str = "", **detail) -> AccessRecord:
    return AccessRecord.objects.create(user=user, action=action, object_repr=object_repr[:255], detail=detail)


def record_view(user, household, *, page: str, member_ids=()) -> AccessRecord | None:
    """Policy 5 for a page showing ``household``'s members in full (``page``: detail, edit)."""
    if not can_see(user, household):
        return None
    return record_access(user, AccessRecord.Action.VIEW_CITIZEN_ID, str(household), household_id=household.pk,
                         member_ids=list(member_ids), page=page)


def record_admin_view(user, household, *, page: str, **detail) -> AccessRecord | None:
    """Policy 5 for an admin page (change or history page of a household or member)."""
    if household is None:
        return None
    return record_access(user, AccessRecord.Action.VIEW_CITIZEN_ID, str(household), household_id=household.pk,
                         page=page, **detail)


def record_search(user, citizen_ids: list[str], where: str) -> AccessRecord:
    """Policy 5 for a search by full citizen ID (the IDs looked up are kept, for the audit)."""
    return record_access(user, AccessRecord.Action.SEARCH_CITIZEN_ID, where, citizen_ids=citizen_ids)


def citizen_id_taken_message(user, household) -> str:
    """Policy 6: why a citizen ID cannot be recorded because ``household`` already has it. The
    household is named only when ``user`` may see its personal data."""
    if household is not None and can_see(user, household):
        return _("Số định danh này đã được ghi cho một thành viên của hộ %(c)s (%(u)s).") % {
            "c": household.code, "u": household.unit.name}
    return _("Không ghi được số định danh này. Hãy kiểm tra lại từng chữ số; nếu đúng, liên hệ Phòng "
             "TNMT để đối chiếu.")
