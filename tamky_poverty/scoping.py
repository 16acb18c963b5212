"""The one access-scoping rule (DESIGN.md "Roles"). Every selector that returns user-facing data
calls a function here; nothing else decides who sees what. Default deny: an unknown role, an
inactive or anonymous user, or a ward officer without a unit sees nothing.

| role            | households                          | support actions      | monthly reports |
|-----------------|-------------------------------------|----------------------|-----------------|
| ward officer    | own unit (and units it succeeded)   | of own unit's homes  | own unit        |
| agency officer  | those its agency supports           | those it leads       | all (read)      |
| TNMT reviewer   | all                                 | all                  | all             |
| administrator   | all                                 | all                  | all             |
| system (command line) | all (read only)               | all (read only)      | all (read only) |

Monthly reports: ward officers prepare their unit's, administrators any; TNMT reviewers and
administrators approve or return them — never the report of the unit they belong to. Every role
decision elsewhere reads the ``Scope`` flags below; no other module compares roles.

Reviews (annual campaigns, applications, the simulation of a standard): TNMT and administrators
all units, a ward officer its own unit (and the units it succeeded), agency officers none — they
take no part in the review procedure (``reviews``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404

from tamky_poverty.models import Role


@dataclass(frozen=True)
class Scope:
    """What one actor may see and do. Every role decision in the code reads these flags; only
    ``_compute_scope`` looks at the role."""

    sees_all: bool = False
    unit_ids: frozenset[int] = frozenset()
    agency_id: int | None = None
    can_write_register: bool = False
    can_edit_plan: bool = False
    can_review_reports: bool = False
    # Monthly reports: prepare/submit — for every unit (``sees_all``) or for ``unit_ids``.
    prepares_reports: bool = False
    # The city's monthly report (the sum of the units' approved reports).
    sees_city_reports: bool = False
    # The unit the person belongs to (and the units it succeeded), whatever their role: a
    # reviewer never approves or returns the report of their own unit.
    home_unit_id: int | None = None
    home_unit_ids: frozenset[int] = frozenset()
    # The command line and scheduled jobs: read everything, change nothing.
    is_system: bool = False

    @property
    def own_unit_only(self) -> bool:
        """Bound to their own unit's register (a ward officer): forms fix the unit to it."""
        return not self.sees_all and self.home_unit_id is not None and bool(self.unit_ids)

    @property
    def issuing_unit_id(self) -> int | None:
        """The unit in whose name the person issues documents: their own unit when they are bound
        to it (a ward officer); None — the city — for everyone else."""
        return self.home_unit_id if self.own_unit_only else None

    def may_prepare_report(self, unit_id) -> bool:
        if not self.prepares_reports:
            return False
        return self.sees_all or unit_id in self.unit_ids

    def may_review_report(self, unit_id) -> bool:
        return self.can_review_reports and unit_id not in self.home_unit_ids


NO_ACCESS = Scope()
SYSTEM_SCOPE = Scope(sees_all=True, sees_city_reports=True, is_system=True)


class SystemActor:
    """The actor of the command line and scheduled jobs (``export_report``, the snapshot of a
    submitted monthly report): sees every unit, changes nothing."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    id = None
    unit_id = None
    agency_id = None
    role = ""

    def __str__(self):
        return "system"


SYSTEM = SystemActor()


def scope_for(user) -> Scope:
    if user is SYSTEM:
        return SYSTEM_SCOPE
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._scope_cache = scope
    return scope


def _with_predecessors(unit_id: int) -> frozenset[int]:
    from tamky_poverty.models import AdministrativeUnit

    ids = {unit_id}
    frontier = {unit_id}
    while frontier:  # a ward that replaced others keeps their registers
        frontier = set(
            AdministrativeUnit.objects.filter(successor_id__in=frontier).values_list("id", flat=True)
        ) - ids
        ids |= frontier
    return frozenset(ids)


def _compute_scope(user) -> Scope:
    home = {"home_unit_id": user.unit_id, "home_unit_ids": _with_predecessors(user.unit_id)} if user.unit_id else {}
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return Scope(sees_all=True, can_write_register=True, can_edit_plan=True, can_review_reports=True,
                     prepares_reports=True, sees_city_reports=True, **home)
    if user.role == Role.TNMT_REVIEWER:
        return Scope(sees_all=True, can_write_register=True, can_edit_plan=True, can_review_reports=True,
                     sees_city_reports=True, **home)
    if user.role == Role.WARD_OFFICER and user.unit_id:
        return Scope(unit_ids=home["home_unit_ids"], can_write_register=True, prepares_reports=True, **home)
    if user.role == Role.AGENCY_OFFICER and user.agency_id:
        return Scope(agency_id=user.agency_id, sees_city_reports=True)
    return NO_ACCESS


def administrators() -> QuerySet:
    """Active users with the administrator's scope (see ``_compute_scope``): whom the command
    line acts as when it is not told who (``import_households`` without ``--user``)."""
    User = apps.get_model("tamky_poverty", "User")
    return User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMINISTRATOR), is_active=True)


def _unit_field(prefix: str) -> str:
    return f"{prefix}unit_id__in"


def households(user, qs: QuerySet, prefix: str = "") -> QuerySet:
    """Restrict a queryset of households (or of rows reached through ``prefix``, e.g.
    ``"household__"`` for members) to what ``user`` may read."""
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.unit_ids:
        return qs.filter(**{_unit_field(prefix): scope.unit_ids})
    if scope.agency_id is not None:
        # The support app's model, looked up by name: the base imports no feature app.
        SupportAction = apps.get_model("support", "SupportAction")
        supported = SupportAction.objects.filter(lead_agency_id=scope.agency_id).values("household_id")
        return qs.filter(**{f"{prefix}id__in": supported})
    return qs.none()


def writable_households(user, qs: QuerySet, prefix: str = "") -> QuerySet:
    """Households the user may change (register writes: members, reviews, actions planning)."""
    scope = scope_for(user)
    if not scope.can_write_register:
        return qs.none()
    return households(user, qs, prefix)


def support_actions(user, qs: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.unit_ids:
        return qs.filter(household__unit_id__in=scope.unit_ids)
    if scope.agency_id is not None:
        return qs.filter(lead_agency_id=scope.agency_id)
    return qs.none()


def units(user, qs: QuerySet) -> QuerySet:
    """Administrative units whose data the user may read (filters, report parameters)."""
    scope = scope_for(user)
    if scope.sees_all or scope.agency_id is not None:
        return qs
    if scope.unit_ids:
        return qs.filter(id__in=scope.unit_ids)
    return qs.none()


def monthly_reports(user, qs: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.sees_all or scope.agency_id is not None:
        return qs
    if scope.unit_ids:
        return qs.filter(unit_id__in=scope.unit_ids)
    return qs.none()


def reviews(user, qs: QuerySet, unit_field: str = "unit") -> QuerySet:
    """Rows of the review procedure (campaigns, applications, households in a simulation) by
    the unit they belong to (``unit_field``, e.g. ``"household__unit"``): TNMT and administrators
    all, a ward officer its own unit and those it succeeded, everyone else nothing."""
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.unit_ids:
        return qs.filter(**{f"{unit_field}_id__in": scope.unit_ids})
    return qs.none()


def takes_part_in_reviews(user) -> bool:
    """Whether the user sees anything of the review procedure at all."""
    scope = scope_for(user)
    return scope.sees_all or bool(scope.unit_ids)


def can_edit_plan(user) -> bool:
    return scope_for(user).can_edit_plan


def can_review_reports(user) -> bool:
    return scope_for(user).can_review_reports


def can_see_personal_data(user, household=None) -> bool:
    """Full citizen IDs and birth dates: the household's ward officer, TNMT and admins (the
    policy is stated in ``tamky_poverty.personal_data``)."""
    scope = scope_for(user)
    if scope.sees_all:
        return True
    if household is None:
        return bool(scope.unit_ids)
    return household.unit_id in scope.unit_ids


def personal_data_households(user, qs: QuerySet, prefix: str = "") -> QuerySet:
    """The households of ``qs`` whose full personal data ``user`` may see (the same rule as
    ``can_see_personal_data``, as a filter): everything for TNMT and admins, the own units for a
    ward officer, nothing for anyone else."""
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.unit_ids:
        return qs.filter(**{_unit_field(prefix): scope.unit_ids})
    return qs.none()


def get_or_404(qs: QuerySet, **lookup):
    """``get_object_or_404`` for an already scoped queryset (outside the scope → 404)."""
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
