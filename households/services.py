"""Every write to the register. Each function is keyword-only, runs in one transaction, calls
``full_clean()`` before saving, and leaves an audit record (django-simple-history) attributed to
``actor``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households import classification, derivation, movements, territory
from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyClass,
)
from households.standards import standard_on
from households.text import search_text_of
from tamky_poverty import integrity, personal_data


class StaleObjectError(Exception):
    """The household changed since the form was opened (optimistic locking)."""

    message = gettext_lazy("Hộ này vừa được người khác cập nhật. Vui lòng tải lại trang và nhập lại thay đổi.")


def _attribute(obj, actor, reason: str = ""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason


def build_search_text(household: Household, members: Iterable[Member] | None = None) -> str:
    """Code, village, address and members' names, folded. Never a citizen ID: a search for some
    digits must not reveal a masked ID (full IDs are looked up exactly, by those who may see
    them: ``selectors.households_with_citizen_id``)."""
    members = list(household.members.all()) if members is None else list(members)
    return search_text_of([m.full_name for m in members], [household.code, household.village, household.address])


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


# --- Reviews ----------------------------------------------------------------------------------

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


EARLIEST_DECISION = dt.date(2000, 1, 1)


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def check_decision_dates(decision_date: dt.date, effective_date: dt.date, today: dt.date, *,
                         correcting: bool = False) -> None:
    """The dates a decision may carry (docs/user-guide.md "Correcting decisions"). A recognition decision has
    no retroactive effect: it takes effect on its date or later (the database also holds this) —
    except a correcting decision, which replaces a wrong one from the date that one should have
    taken effect; nothing before 2000; a decision is not dated in the future; it takes effect at
    most one year after today."""
    errors = {}
    latest = one_year_after(today)
    if decision_date < EARLIEST_DECISION:
        errors["decision_date"] = _("Ngày quyết định không được trước 01/01/2000.")
    elif decision_date > today:
        errors["decision_date"] = _("Ngày quyết định không được ở tương lai.")
    if effective_date < EARLIEST_DECISION:
        errors["effective_date"] = _("Ngày có hiệu lực không được trước 01/01/2000.")
    elif effective_date < decision_date and not correcting:
        errors["effective_date"] = _(
            "Ngày có hiệu lực không được trước ngày quyết định: quyết định công nhận không có hiệu lực hồi tố "
            "(chỉ quyết định điều chỉnh một quyết định sai mới được có hiệu lực từ ngày trước đó).")
    elif effective_date > latest:
        errors["effective_date"] = _("Ngày có hiệu lực không được sau %(d)s (quá một năm kể từ hôm nay).") % {
            "d": latest.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)


def _same_decision(a: Assessment, *, kind, year, income_per_capita, decision_number, decision_date,
                   effective_date, deprived_codes: set[str]) -> bool:
    if (a.kind, a.year, a.income_per_capita, a.decision_number, a.decision_date, a.effective_date) != (
            kind, year, income_per_capita, decision_number, decision_date, effective_date):
        return False
    return set(a.deprivations.filter(deprived=True).values_list("indicator__code", flat=True)) == deprived_codes


def movements_rederive(*, actor, household: Household) -> list[Assessment]:
    """Re-derive the previous class and movement of every decision of ``household`` that counts
    (``movements.derive_chain``) and make the latest one current. Returns the decisions whose
    derived fields changed (each change leaves a history record). Caller holds the lock."""
    chain = list(Assessment.objects.filter(household=household, superseded_by__isnull=True)
                 .order_by("effective_date", "id"))
    derived = movements.derive_chain(
        [movements.ChainLink(a.pk, a.effective_date, a.result_class) for a in chain])
    changed = []
    with integrity.deriving():
        for a in chain:
            previous, move = derived[a.pk]
            if (a.previous_class, a.movement) != (previous, move):
                a.previous_class, a.movement = previous, move
                _attribute(a, actor, _("Tính lại biến động theo chuỗi quyết định"))
                a.save(update_fields=["previous_class", "movement"])
                changed.append(a)
    latest = chain[-1] if chain else None
    current = (latest.pk if latest else None, latest.result_class if latest else PovertyClass.NONE,
               latest.standard_id if latest else None)
    if (household.current_assessment_id, household.current_class, household.current_standard_id) != current:
        household.current_assessment_id, household.current_class, household.current_standard_id = current
        household.version += 1
        _attribute(household, actor, _("Rà soát %(n)s") % {"n": latest.decision_number} if latest else "")
        household.save(update_fields=["current_class", "current_standard", "current_assessment", "version"])
    return changed


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
    supersedes: Assessment | None = None,
    correction_reason: str = "",
    today: dt.date | None = None,
) -> Assessment:
    """Record a review: classify the household by the standard in force on the effective date
    (``year`` must be that date's year), in the area kind of its unit on that date
    (``households.territory.area_for``), store every indicator with its suggestion and the
    officer's override reason, and re-derive the movements of the household's decisions
    (``movements_rederive``): a decision effective before later ones is placed in the chain and
    the later ones' previous class and movement follow.

    ``indicators`` maps indicator codes to whether the household is deprived; codes left out
    are not deprived. A derived suggestion that the officer contradicts needs a reason.

    Submitting the same decision again (same number, dates, kind, year, income and indicators;
    a double click) records nothing and returns the decision already recorded, marked
    ``already_recorded``; the household lock makes this hold for two requests at once.

    ``supersedes``: the decision this one corrects (with ``correction_reason``); it stays in the
    history and no longer counts."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    today = today or timezone.localdate()
    effective_date = effective_date or decision_date
    decision_number = (decision_number or "").strip()
    correction_reason = (correction_reason or "").strip()
    check_decision_dates(decision_date, effective_date, today, correcting=supersedes is not None)
    if supersedes is not None:
        supersedes = Assessment.objects.get(pk=supersedes.pk)
        if supersedes.household_id != household.pk:
            raise ValidationError(_("Quyết định cần điều chỉnh không thuộc hộ này."))
        if not correction_reason:
            raise ValidationError({"correction_reason": _("Phải nêu lý do điều chỉnh quyết định.")})
    if year != effective_date.year:
        raise ValidationError({"year": _(
            "Năm rà soát %(y)s không khớp với ngày có hiệu lực %(d)s: danh sách có hiệu lực năm nào thì rà soát "
            "cho năm đó, theo chuẩn nghèo của năm đó."
        ) % {"y": year, "d": f"{effective_date:%d/%m/%Y}"}})
    standard = standard_on(effective_date)
    with translation.override(settings.LANGUAGE_CODE):  # the basis is recorded (explanation): Vietnamese
        area = territory.area_for(household, effective_date)
    unit, area_kind = area.unit, area.kind
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

    same = {"kind": kind, "year": year, "income_per_capita": income_per_capita, "decision_number": decision_number,
            "decision_date": decision_date, "effective_date": effective_date,
            "deprived_codes": {r.indicator.code for r in rows if r.deprived}}
    if supersedes is not None and supersedes.superseded_by_id is not None:
        replacement = supersedes.superseded_by
        if replacement.correction_reason == correction_reason and _same_decision(replacement, **same):
            replacement.already_recorded = True
            return replacement
        raise ValidationError(_("Quyết định %(n)s đã được thay thế bởi quyết định %(m)s.") % {
            "n": supersedes.decision_number, "m": replacement.decision_number})
    if supersedes is None:
        for existing in Assessment.objects.filter(household=household, superseded_by__isnull=True,
                                                  decision_number=decision_number, effective_date=effective_date):
            if _same_decision(existing, **same):
                existing.already_recorded = True
                return existing
    elif _same_decision(supersedes, **same):
        raise ValidationError(_("Quyết định điều chỉnh phải khác quyết định được thay thế."))

    deprived_names = [r.indicator.name for r in rows if r.deprived]
    with translation.override(settings.LANGUAGE_CODE):  # recorded: Vietnamese, whatever the officer's language
        result = classification.classify(standard, area_kind, income_per_capita, deprived_names, area_basis=area.basis)

    assessment = Assessment(
        household=household, kind=kind, year=year, standard=standard, unit=unit, area_kind=area_kind,
        income_per_capita=income_per_capita, proxy_score=proxy_score, result_class=result.result,
        # Provisional: movements_rederive sets both from the household's chain below.
        previous_class=PovertyClass.NONE, movement=Assessment.Movement.OUTSIDE,
        explanation=result.explanation, decision_number=decision_number, decision_date=decision_date,
        effective_date=effective_date, notes=notes, recorded_by=actor, correction_reason=correction_reason,
    )
    assessment.full_clean()
    _attribute(assessment, actor)
    assessment.save()
    for row in rows:
        row.assessment = assessment
    Deprivation.objects.bulk_create(rows)
    if supersedes is not None:
        supersedes.superseded_by = assessment
        _attribute(supersedes, actor, correction_reason)
        supersedes.save(update_fields=["superseded_by"])

    changed = movements_rederive(actor=actor, household=household)
    for a in changed:
        if a.pk == assessment.pk:
            assessment.previous_class, assessment.movement = a.previous_class, a.movement
    assessment.already_recorded = False
    assessment.rederived = [a for a in changed if a.pk != assessment.pk]
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
