"""Every write to the register. Each function is keyword-only, runs in one transaction, calls
``full_clean()`` before saving, and leaves an audit record (django-simple-history) attributed to
``actor``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from households import classification, derivation, selectors
from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyClass,
    PovertyStandard,
)
from households.text import fold
from tamky_poverty import personal_data


class StaleObjectError(Exception):
    """The household changed since the form was opened (optimistic locking)."""

    message = "Hộ này vừa được người khác cập nhật. Vui lòng tải lại trang và nhập lại thay đổi."


def _attribute(obj, actor, reason: str = ""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason


def build_search_text(household: Household, members: Iterable[Member] | None = None) -> str:
    """Code, village, address and members' names, folded. Never a citizen ID: a search for some
    digits must not reveal a masked ID (full IDs are looked up exactly, by those who may see
    them: ``selectors.households_with_citizen_id``)."""
    members = list(household.members.all()) if members is None else list(members)
    parts = [household.code, household.village, household.address]
    parts.extend(m.full_name for m in members)
    return fold(" ".join(p for p in parts if p))


def household_refresh_search_text(*, household: Household) -> None:
    text = build_search_text(household)
    if text != household.search_text:
        Household.objects.filter(pk=household.pk).update(search_text=text)
        household.search_text = text


@transaction.atomic
def household_create(*, actor, unit, code: str, **fields) -> Household:
    household = Household(unit=unit, code=code, **fields)
    household.full_clean()
    household.search_text = build_search_text(household, members=[])
    _attribute(household, actor)
    household.save()
    return household


@transaction.atomic
def household_update(*, actor, household: Household, expected_version: int, **fields) -> Household:
    """Update a household's own fields. Refused with ``StaleObjectError`` when someone else saved
    it after ``expected_version`` was read; nothing is overwritten then."""
    for name, value in fields.items():
        setattr(household, name, value)
    household.full_clean()
    updated = Household.objects.filter(pk=household.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        raise StaleObjectError(StaleObjectError.message)
    household.version = expected_version + 1
    household.search_text = build_search_text(household)
    _attribute(household, actor)
    household.save()
    return household


@transaction.atomic
def household_soft_delete(*, actor, household: Household, reason: str) -> Household:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"deleted_reason": _("Phải nêu lý do xoá hộ.")})
    household.is_deleted = True
    household.deleted_reason = reason
    household.deleted_at = timezone.now()
    household.version += 1
    _attribute(household, actor, reason)
    household.save()
    return household


@transaction.atomic
def member_save(*, actor, member: Member) -> Member:
    member.full_clean()
    _attribute(member, actor)
    member.save()
    household_refresh_search_text(household=member.household)
    return member


@transaction.atomic
def member_delete(*, actor, member: Member) -> None:
    household = member.household
    _attribute(member, actor)
    member.delete()
    household_refresh_search_text(household=household)


# --- Reviews ----------------------------------------------------------------------------------

def standard_for_year(year: int) -> PovertyStandard:
    try:
        return classification.standard_for_year(PovertyStandard.objects.all(), year)
    except LookupError as exc:
        raise ValidationError(str(exc)) from exc


def member_facts(members: Iterable[Member]) -> list[derivation.MemberFacts]:
    return [
        derivation.MemberFacts(
            date_of_birth=m.date_of_birth,
            has_health_insurance=m.has_health_insurance,
            schooling=m.schooling,
            highest_diploma=m.highest_diploma,
            has_disability=m.has_disability,
            social_allowance=m.social_allowance,
        )
        for m in members
    ]


def suggestions_for(household: Household, day: dt.date) -> dict[str, derivation.Suggestion]:
    return derivation.suggest(member_facts(household.members.all()), household.floor_area_m2, day)


@dataclass(frozen=True)
class IndicatorInput:
    deprived: bool
    override_reason: str = ""


@transaction.atomic
def assessment_record(
    *,
    actor,
    household: Household,
    kind: str,
    year: int,
    income_per_capita: int,
    indicators: Mapping[str, IndicatorInput | bool],
    decision_number: str,
    decision_date: dt.date,
    effective_date: dt.date | None = None,
    proxy_score: int | None = None,
    notes: str = "",
    suggestions: Mapping[str, derivation.Suggestion] | None = None,
) -> Assessment:
    """Record a review: classify the household by the standard of ``year``, store every
    indicator with its suggestion and the officer's override reason, derive the movement
    against the previous effective class, and make it current when it is the latest decision.

    ``indicators`` maps indicator codes to whether the household is deprived; codes left out
    are not deprived. A derived suggestion that the officer contradicts needs a reason."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    standard = standard_for_year(year)
    effective_date = effective_date or decision_date
    unit = household.unit
    area_kind = unit.area_kind
    all_indicators = list(Indicator.objects.filter(standard=standard).order_by("number"))
    known = {i.code for i in all_indicators}
    unknown = set(indicators) - known
    if unknown:
        raise ValidationError(_("Chỉ số không thuộc chuẩn %(s)s: %(c)s") % {"s": standard.name, "c": ", ".join(sorted(unknown))})
    if suggestions is None:
        suggestions = suggestions_for(household, effective_date)

    rows = []
    errors = {}
    for ind in all_indicators:
        raw = indicators.get(ind.code, False)
        value = raw if isinstance(raw, IndicatorInput) else IndicatorInput(bool(raw))
        suggestion = suggestions.get(ind.code)
        suggested = suggestion.deprived if suggestion is not None else None
        reason = (value.override_reason or "").strip()
        if suggested is not None and suggested != value.deprived and not reason:
            errors[ind.code] = _("Chỉ số “%(n)s” khác với gợi ý từ dữ liệu thành viên: cần nêu lý do.") % {"n": ind.name}
        rows.append(Deprivation(indicator=ind, deprived=value.deprived, suggested=suggested,
                                override_reason=reason if suggested is not None and suggested != value.deprived else ""))
    if errors:
        raise ValidationError(errors)

    deprived_names = [r.indicator.name for r in rows if r.deprived]
    result = classification.classify(standard, area_kind, income_per_capita, deprived_names)

    previous = selectors.decision_in_force(effective_date, household.pk).first()
    previous_class = previous.result_class if previous else PovertyClass.NONE
    earlier_classes = set(
        Assessment.objects.filter(household=household, effective_date__lte=effective_date)
        .values_list("result_class", flat=True)
    )
    assessment = Assessment(
        household=household, kind=kind, year=year, standard=standard, unit=unit, area_kind=area_kind,
        income_per_capita=income_per_capita, proxy_score=proxy_score, result_class=result.result,
        previous_class=previous_class,
        movement=classification.movement(previous_class, result.result, earlier_classes),
        explanation=result.explanation, decision_number=decision_number, decision_date=decision_date,
        effective_date=effective_date, notes=notes, recorded_by=actor,
    )
    assessment.full_clean()
    _attribute(assessment, actor)
    assessment.save()
    for row in rows:
        row.assessment = assessment
    Deprivation.objects.bulk_create(rows)

    latest = (
        Assessment.objects.filter(household=household, superseded_by__isnull=True)
        .order_by("-effective_date", "-id").first()
    )
    if latest.pk == assessment.pk:
        household.current_class = assessment.result_class
        household.current_standard = standard
        household.current_assessment = assessment
        household.version += 1
        _attribute(household, actor, _("Rà soát %(n)s") % {"n": decision_number})
        household.save(update_fields=["current_class", "current_standard", "current_assessment", "version"])
    return assessment


# --- The household page: the household and its members in one save ---------------------------

@dataclass
class MemberInput:
    """One member row of the household form: ``pk`` None for a new member; ``delete`` to remove."""

    fields: Mapping
    pk: int | None = None
    delete: bool = False


def _check_members(members: list[MemberInput]) -> None:
    kept = [m for m in members if not m.delete]
    if not kept:
        raise ValidationError(_("Hộ phải có ít nhất một thành viên."))
    heads = [m for m in kept if m.fields.get("relation") == Member.Relation.HEAD]
    if len(heads) != 1:
        raise ValidationError(_("Hộ phải có đúng một chủ hộ (hiện có %(n)d).") % {"n": len(heads)})
    ids = [m.fields.get("citizen_id") for m in kept if m.fields.get("citizen_id")]
    if len(ids) != len(set(ids)):
        raise ValidationError(_("Hai thành viên không thể có cùng số định danh cá nhân."))


@transaction.atomic
def household_save_with_members(
    *,
    actor,
    household: Household | None,
    fields: Mapping,
    members: list[MemberInput],
    expected_version: int | None = None,
) -> Household:
    """Create (``household`` None) or update a household together with its members, all or
    nothing. An update is refused with ``StaleObjectError`` when the household was saved by
    someone else after ``expected_version`` was read. Needs at least one member and exactly one
    head; every change leaves a history record attributed to ``actor``.

    Two saves at once (a double submit, two officers entering the same person) end in a
    ``ValidationError`` with a clear message, never a database error: what one transaction cannot
    see of the other is caught by the database's unique constraints and translated here."""
    _check_members(members)
    try:
        return _save_with_members(actor=actor, household=household, fields=dict(fields), members=members,
                                  expected_version=expected_version)
    except IntegrityError as exc:
        raise _integrity_message(exc, actor=actor, fields=fields) from None


def _integrity_message(exc: IntegrityError, *, actor, fields: Mapping) -> ValidationError:
    text = str(exc)
    if "citizen_id" in text:  # PostgreSQL names the constraint, SQLite the column
        return ValidationError({"citizen_id": personal_data.citizen_id_taken_message(actor, None)})
    if "household_code_unique_in_unit" in text or "households_household.code" in text:
        return ValidationError({"code": _("Mã hộ “%(c)s” vừa được ghi cho một hộ khác của %(u)s (có thể do bấm "
                                          "lưu hai lần). Kiểm tra danh sách hộ trước khi lưu lại.")
                                         % {"c": fields.get("code", ""), "u": fields.get("unit", "")}})
    return ValidationError(_("Hộ này vừa được người khác cập nhật. Vui lòng tải lại trang và nhập lại thay đổi."))


def _check_citizen_ids_free(*, actor, household: Household, members: list[MemberInput]) -> None:
    """A citizen ID of the form already recorded for someone outside this household: refused with
    a message that names the other household only when the actor may see it."""
    wanted = {m.fields.get("citizen_id") for m in members if not m.delete and m.fields.get("citizen_id")}
    if not wanted:
        return
    others = Member.objects.filter(citizen_id__in=wanted).select_related("household__unit")
    if household.pk is not None:
        others = others.exclude(household_id=household.pk)
    taken = others.first()
    if taken is not None:
        raise ValidationError({"citizen_id": personal_data.citizen_id_taken_message(actor, taken.household)})


def _save_with_members(*, actor, household, fields: dict, members, expected_version) -> Household:
    if household is None or household.pk is None:
        unit = fields.pop("unit")
        code = fields.pop("code")
        household = household_create(actor=actor, unit=unit, code=code, **fields)
        existing: dict[int, Member] = {}
    else:
        if expected_version is None:
            raise ValueError("expected_version is required to update a household")
        household = household_update(
            actor=actor, household=household, expected_version=expected_version, **fields
        )
        existing = {m.pk: m for m in household.members.all()}

    for row in members:
        if row.pk is not None and row.pk not in existing:
            raise ValidationError(_("Thành viên không thuộc hộ này."))
    _check_citizen_ids_free(actor=actor, household=household, members=members)
    # Deletions first, then the non-heads, then the head: the one-head rule holds at each step.
    for row in members:
        if row.delete and row.pk is not None:
            member = existing[row.pk]
            _attribute(member, actor)
            try:
                member.delete()
            except ProtectedError:
                raise ValidationError(
                    _("Không thể xoá thành viên “%(n)s” vì đã có hoạt động hỗ trợ gắn với người này.")
                    % {"n": member.full_name}
                ) from None
    ordered = sorted(
        (r for r in members if not r.delete),
        key=lambda r: r.fields.get("relation") == Member.Relation.HEAD,
    )
    for row in ordered:
        member = existing[row.pk] if row.pk is not None else Member(household=household)
        for name, value in row.fields.items():
            setattr(member, name, value)
        member.household = household
        # full_clean, except that the citizen ID's uniqueness was checked above (with a message
        # fit for the actor) and is left to the database from here: a save that lands in between
        # (two officers, one person) ends in an IntegrityError, translated by the caller.
        member.full_clean(validate_constraints=False)
        member.validate_constraints(exclude={"citizen_id"})
        _attribute(member, actor)
        member.save()
    household_refresh_search_text(household=household)
    return household
