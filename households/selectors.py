"""Every user-facing read of the register. Each function takes ``actor=`` and applies the one
scoping rule (``tamky_poverty.scoping``); soft-deleted households are never listed."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, StrIndex
from django.utils.translation import gettext_lazy as _

from households import search_index
from households.models import (
    Assessment,
    Deprivation,
    Household,
    Indicator,
    Member,
    PovertyStandard,
)
from households.movements import class_on, decision_in_force, in_class_on  # noqa: F401 (the one rule)
from households.text import NAMES_END, search_fold
from tamky_poverty import personal_data, scoping
from tamky_poverty.models import AdministrativeUnit
from tamky_poverty.pagination import ids_first_page


def _base() -> QuerySet:
    return Household.objects.filter(is_deleted=False)


def households_for(*, actor) -> QuerySet:
    """Households the actor may read (not deleted)."""
    return scoping.households(actor, _base())


def writable_households_for(*, actor) -> QuerySet:
    """Households the actor may change: the ward officer's own unit, TNMT and admins."""
    return scoping.writable_households(actor, _base())


def units_for(*, actor) -> QuerySet:
    return scoping.units(actor, AdministrativeUnit.objects.all()).order_by("kind", "name", "id")


def search_words(q: str | None) -> list[str]:
    """The folded words of a search ("Nguyễn  Văn" → ["nguyen", "van"]); the search text's
    separators are not words."""
    return search_fold(q).split()


def search_terms(q: str | None) -> tuple[list[str], list[str]]:
    """The words of a search that are looked up in the search text, and those that are full
    citizen IDs (looked up exactly, for those who may see them)."""
    words = search_words(q)
    ids = [w for w in words if personal_data.is_full_citizen_id(w)]
    return [w for w in words if w not in ids], ids


def rank_by_phrase(qs: QuerySet, words: list[str]) -> QuerySet:
    """Ranks a search's matches: 0 when the words, in order and whole, are (part of) a member's
    name; 1 when they are so in the address, village or code; 2 when they only occur apart
    (search text layout: ``households.text.search_text_of``)."""
    if not words:
        return qs.alias(search_rank=Value(0))
    return qs.alias(
        _phrase_at=StrIndex("search_text", Value(f" {' '.join(words)} ")),
        _names_end=StrIndex("search_text", Value(NAMES_END)),
    ).alias(search_rank=Case(
        When(_phrase_at__gt=0, _phrase_at__lt=F("_names_end"), then=Value(0)),
        When(_phrase_at__gt=0, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    ))


def households_with_citizen_id(*, actor, qs: QuerySet, citizen_id: str) -> QuerySet:
    """The households of ``qs`` with a member whose citizen ID is exactly ``citizen_id``, among
    those whose personal data ``actor`` may see (``tamky_poverty.personal_data``, policy 3):
    an agency officer, or anyone outside the household's scope, finds nothing."""
    members = Member.objects.filter(citizen_id=citizen_id).order_by().values("household_id")
    return scoping.personal_data_households(actor, qs).filter(pk__in=members)


def household_list(*, actor, filters: Mapping[str, Any] | None = None) -> QuerySet:
    """The register as the list page shows it: scoped, filtered, with the head's name, head's
    citizen ID and the member count annotated (one query for the rows, whatever the page size).

    ``filters`` keys (all optional): ``unit`` (unit or id), ``village``, ``current_class``,
    ``group``, ``indicator`` (indicator code deprived in the current assessment),
    ``registered_exit_year``, ``q`` (diacritics- and case-insensitive words)."""
    filters = filters or {}
    # order_by(): Member's default ordering would join households and units inside every subquery.
    heads = Member.objects.filter(household=OuterRef("pk"), relation=Member.Relation.HEAD).order_by()
    member_count = (
        Member.objects.filter(household=OuterRef("pk")).order_by().values("household")
        .annotate(n=Count("pk")).values("n")
    )
    qs = (
        households_for(actor=actor)
        .select_related("unit")
        .annotate(
            head_name=Subquery(heads.values("full_name")[:1]),
            head_citizen_id=Subquery(heads.values("citizen_id")[:1]),
            member_count=Coalesce(Subquery(member_count, output_field=IntegerField()), Value(0)),
        )
    )
    unit = filters.get("unit")
    if unit:
        qs = qs.filter(unit_id=getattr(unit, "pk", unit))
    village = (filters.get("village") or "").strip()
    if village:
        qs = qs.filter(village__iexact=village)
    if filters.get("current_class"):
        qs = qs.filter(current_class=filters["current_class"])
    if filters.get("group"):
        qs = qs.filter(group=filters["group"])
    indicator = filters.get("indicator")
    if indicator:
        code = getattr(indicator, "code", indicator)
        # Indicator ids first (one small query), so the planner can use the partial index.
        indicator_ids = list(Indicator.objects.filter(code=code).values_list("pk", flat=True))
        deprived = Deprivation.objects.filter(
            assessment_id=OuterRef("current_assessment_id"), indicator_id__in=indicator_ids, deprived=True
        )
        qs = qs.filter(Exists(deprived))
    if filters.get("registered_exit_year"):
        qs = qs.filter(registered_exit_year=filters["registered_exit_year"])
    words, citizen_ids = search_terms(filters.get("q"))
    # A full citizen ID is looked up exactly, for those who may see it; the search text holds no
    # IDs, so no digits of one can match (personal data policy 3).
    for citizen_id in citizen_ids:
        qs = households_with_citizen_id(actor=actor, qs=qs, citizen_id=citizen_id)
    # Trigram-indexed on both databases; within one unit a scan of its rows is cheaper (SQLite).
    city_wide = scoping.scope_for(actor).sees_all and not unit
    qs = search_index.matching(qs, words, use_index=city_wide)
    if words:  # whole-phrase name matches first; only the matches are ranked
        return rank_by_phrase(qs, words).order_by("search_rank", "unit_id", "code")
    # (unit, code) is unique and indexed: the page is read from the index, never sorted in full.
    return qs.order_by("unit_id", "code")


def cache_parts(filters: Mapping[str, Any] | None) -> tuple:
    """The filters as a cache key: model instances by their primary key, in a fixed order."""
    return tuple(sorted((k, str(getattr(v, "pk", v))) for k, v in (filters or {}).items()
                        if v not in (None, "") and k != "per_page"))


def household_page(*, actor, filters: Mapping[str, Any] | None = None, number=None, per_page: int = 25):
    """One page of ``household_list``: the page's ids are read from the (unit, code) index
    first, then only those rows get their annotations (``ids_first_page``). With a search, each
    row's ``search_matches`` says which member, address, village or code matched (one more
    query, whatever the page size)."""
    scope = scoping.scope_for(actor)
    # The count of a city-wide list without a search (the whole register at most) comes from the
    # figures cache; a unit's count is cheap, and searches are too varied to be worth keeping.
    cached = scope.sees_all and not (filters or {}).get("q")
    page = ids_first_page(household_list(actor=actor, filters=filters), number, per_page,
                          count_key=("households", scope, cache_parts(filters)) if cached else None)
    words, citizen_ids = search_terms((filters or {}).get("q"))
    if words or citizen_ids:
        attach_search_matches(page.object_list, words, citizen_ids)
    return page


@dataclass(frozen=True)
class SearchMatch:
    label: str  # what matched: a member, the address, the village, the code
    text: str  # as written


def _matches(household: Household, names: list[tuple[str, str | None]], words: list[str],
             citizen_ids: list[str]) -> list[SearchMatch]:
    member, address, village, code = _("Thành viên"), _("Địa chỉ"), _("Thôn, khối phố"), _("Mã hộ")
    out = [SearchMatch(_("Số định danh của"), name) for name, cid in names if cid and cid in citizen_ids]
    if not words:
        return out
    phrase = f" {' '.join(words)} "
    whole = [SearchMatch(member, name) for name, _cid in names if phrase in f" {search_fold(name)} "]
    if whole:
        return out + whole
    fields = [(member, name) for name, _cid in names]
    fields += [(address, household.address), (village, household.village), (code, household.code)]
    for word in words:  # for each word, the first field that holds it
        for label, text in fields:
            if text and word in search_fold(text):
                found = SearchMatch(label, text)
                if found not in out:
                    out.append(found)
                break
    return out


def attach_search_matches(households, words: list[str], citizen_ids: list[str]) -> None:
    """Sets ``search_matches`` on each of ``households`` (one query for their members' names)."""
    by_household: dict[int, list[tuple[str, str | None]]] = {h.pk: [] for h in households}
    members = Member.objects.filter(household_id__in=list(by_household)).order_by("household_id", "date_of_birth", "id")
    if citizen_ids:
        rows = members.values_list("household_id", "full_name", "citizen_id")
    else:
        rows = ((hid, name, None) for hid, name in members.values_list("household_id", "full_name"))
    for household_id, name, citizen_id in rows:
        by_household[household_id].append((name, citizen_id))
    for household in households:
        household.search_matches = _matches(household, by_household[household.pk], words, citizen_ids)


def household_detail(*, actor, pk) -> Household:
    """One household the actor may read, or 404."""
    qs = households_for(actor=actor).select_related(
        "unit", "current_standard", "current_assessment", "current_assessment__standard"
    )
    return scoping.get_or_404(qs, pk=pk)


def household_for_change(*, actor, pk) -> Household:
    """One household the actor may change, or 404 (outside the scope looks like absent)."""
    return scoping.get_or_404(writable_households_for(actor=actor).select_related("unit"), pk=pk)


def household_members(*, household: Household) -> list[Member]:
    return list(household.members.order_by("date_of_birth", "id"))


def household_timeline(*, household: Household) -> list[Assessment]:
    """Every review of the household, oldest first, with its deprived indicators."""
    deprived = Deprivation.objects.filter(deprived=True).select_related("indicator").order_by("indicator__number")
    return list(
        household.assessments.select_related("standard", "unit", "recorded_by", "superseded_by")
        .prefetch_related(Prefetch("deprivations", queryset=deprived, to_attr="deprived_rows"), "supersedes")
        .order_by("effective_date", "id")
    )


def assessment_for_correction(*, household: Household, pk) -> Assessment:
    """A decision of ``household`` (already scoped for change), or 404."""
    return scoping.get_or_404(household.assessments.select_related("superseded_by"), pk=pk)


def indicator_choices() -> list[tuple[str, str]]:
    """Indicator codes for filters (the union of every standard's set, numbered by the first)."""
    seen: dict[str, str] = {}
    for code, name in Indicator.objects.order_by("standard__year_from", "number").values_list("code", "name"):
        seen.setdefault(code, name)
    return list(seen.items())


def indicators_of(standard: PovertyStandard) -> list[Indicator]:
    return list(Indicator.objects.filter(standard=standard).order_by("number"))


# --- change history ---------------------------------------------------------------------------

@dataclass
class HistoryEntry:
    when: Any
    who: Any
    kind: str  # "+", "~", "-"
    object_label: str
    object_name: str
    reason: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)


_SKIP = {"id", "created_at", "updated_at", "search_text", "version", "household", "current_assessment", "recorded_by"}


def _display(f, value) -> str:
    if value is None or value == "":
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


_CACHE: ContextVar[dict] = ContextVar("history_names")
_SMALL_TABLES = {"AdministrativeUnit", "PovertyStandard"}


def _related_name(f, pk) -> str:
    if pk is None:
        return "—"
    model = f.related_model
    if model.__name__ in _SMALL_TABLES:
        names = _CACHE.get().setdefault(model.__name__, None)
        if names is None:
            names = {obj.pk: str(obj) for obj in model.objects.all()}
            _CACHE.get()[model.__name__] = names
        return names.get(pk, f"#{pk}")
    return f"#{pk}"


def _entries(records, model, label: str, name_of, personal: bool) -> list[HistoryEntry]:
    fields = [f for f in model._meta.concrete_fields if f.name not in _SKIP]
    out, previous = [], {}
    for rec in records:
        prev = previous.get(rec.id)
        changes = []
        for f in fields:
            attr = f.attname
            new = getattr(rec, attr, None)
            old = getattr(prev, attr, None) if prev is not None else None
            if prev is None and rec.history_type != "+":
                continue
            if prev is not None and old == new:
                continue
            if prev is None and new in (None, ""):
                continue
            if f.name == "citizen_id" and not personal:
                from tamky_poverty.personal_data import mask_citizen_id

                old, new = mask_citizen_id(old), mask_citizen_id(new)
            if f.is_relation:
                changes.append((str(f.verbose_name), _related_name(f, old), _related_name(f, new)))
            else:
                if f.name == "date_of_birth" and not personal:
                    from tamky_poverty.personal_data import mask_date

                    changes.append((str(f.verbose_name), mask_date(old) or "—", mask_date(new) or "—"))
                    continue
                changes.append((str(f.verbose_name), _display(f, old), _display(f, new)))
        if rec.history_type == "~" and not changes and not rec.history_change_reason:
            previous[rec.id] = rec
            continue
        out.append(HistoryEntry(
            when=rec.history_date, who=rec.history_user, kind=rec.history_type, object_label=label,
            object_name=name_of(rec), reason=rec.history_change_reason or "", changes=changes,
        ))
        previous[rec.id] = rec
    return out


def household_history(*, actor, household: Household) -> list[HistoryEntry]:
    """Who changed what and when, for the household, its members and its reviews (newest
    first). Three queries whatever the length of the history."""
    personal = scoping.can_see_personal_data(actor, household)
    _CACHE.set({})  # unit and standard names, read once per page
    entries = _entries(
        household.history.select_related("history_user").order_by("history_date", "history_id"),
        Household, str(_("Hộ")), lambda r: r.code, personal,
    )
    entries += _entries(
        Member.history.filter(household_id=household.pk).select_related("history_user")
        .order_by("history_date", "history_id"),
        Member, str(_("Thành viên")), lambda r: r.full_name, personal,
    )
    entries += _entries(
        Assessment.history.filter(household_id=household.pk).select_related("history_user")
        .order_by("history_date", "history_id"),
        Assessment, str(_("Rà soát")), lambda r: r.decision_number, personal,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
