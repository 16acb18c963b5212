"""Documents belong to their period and issuer (NĐ 30/2020/NĐ-CP; DOMAIN.md §3, §5).

- ``issuer_for(unit, day)``: who issues a document and how it is signed, from the dated
  ``DocumentSettings`` rows — the city's own documents (``unit`` None) or a ward's/commune's.
- ``issuing_unit(actor)``: a ward officer issues in the name of their unit; TNMT, administrators
  and the command line in the city's name.
- ``document_issue(...)``: the register — the next number of the issuer in the year of the issue
  date, or the number already given to the same document on the same date.

A document that has not been issued (a preview, a report not yet approved) is a draft: no
number, and a blank date line — never silently dated today.

Final documents (issue 17): a document that cannot change — a unit's monthly report once
approved, an appendix of a year closed with ``period_close`` — is issued once (number and date:
the approval date, the closing date), rendered once, stored (``StoredDocument``) and served from
storage afterwards (``final_document``, ``find``, ``issue_final``, ``store``). Only a document
every allowed reader sees alike is final: the TNMT/administrator view, or a ward officer's on its
own unit; an agency officer's lists are cut to its own households and are never stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.dataset import Dataset
from reports.datasets import SYSTEM
from reports.models import (
    ClosedPeriod,
    DocumentRegister,
    DocumentSettings,
    IssuedDocument,
    MonthlyReport,
    StoredDocument,
)
from tamky_poverty import scoping
from tamky_poverty.models import AdministrativeUnit

# What a document shows when no row covers its date (the defaults of the first release).
_FALLBACK = DocumentSettings()


@dataclass(frozen=True)
class Issuer:
    issuer_parent: str
    issuer: str
    place: str
    signer_authority: str
    signer_deputy: str
    signer_title: str
    signer_name: str
    preparer_title: str
    recipients: str
    symbol: str


_FIELDS = ("issuer_parent", "issuer", "place", "signer_authority", "signer_deputy", "signer_title",
           "signer_name", "preparer_title", "recipients", "symbol")


def _row(level: str, unit: AdministrativeUnit | None, day: dt.date) -> DocumentSettings | None:
    rows = DocumentSettings.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        level=level,
    ).order_by(F("valid_from").desc(nulls_last=True), "-pk")
    if unit is not None:  # a row for this very unit wins over the level's general row
        specific = rows.filter(unit=unit).first()
        if specific is not None:
            return specific
    return rows.filter(unit__isnull=True).first()


def issuer_for(unit: AdministrativeUnit | None, day: dt.date) -> Issuer:
    """The issuer profile of a document dated ``day`` issued by ``unit``'s People's Committee, or
    by the city when ``unit`` is None."""
    row = _row(DocumentSettings.Level.UNIT if unit is not None else DocumentSettings.Level.CITY, unit, day)
    row = row or _FALLBACK
    values = {name: getattr(row, name) or "" for name in _FIELDS}
    if unit is not None:
        fill = {"unit": str(unit), "name": unit.name}
        values = {k: v.replace("{unit}", fill["unit"]).replace("{name}", fill["name"]) for k, v in values.items()}
    return Issuer(**values)


def issuing_unit(actor) -> AdministrativeUnit | None:
    """The unit in whose name ``actor`` issues documents: a ward officer's own unit (a scope with
    units); None — the city — for everyone else and for the system."""
    unit_id = scoping.scope_for(actor).issuing_unit_id if actor is not SYSTEM else None
    return AdministrativeUnit.objects.get(pk=unit_id) if unit_id is not None else None


@dataclass(frozen=True)
class Mark:
    """The number and date of a document numbered elsewhere — e.g. a decision whose number and
    date the officer recorded, or a meeting list dated by its meeting. Renderers take it where
    they take a register entry; an empty ``reference`` prints no number, no ``issue_date`` a blank
    date line."""

    reference: str = ""
    issue_date: dt.date | None = None


def identity_key(code: str, year, month, unit_id, on: dt.date | str | None = None) -> str:
    """What makes two documents the same: the report and the period and unit it covers, and for
    PL08/PL09 the day they count when it is not the year's last day (their default)."""
    key = f"{code}|{year or ''}|{month or ''}|{unit_id or ''}"
    on = dt.date.fromisoformat(on) if isinstance(on, str) else on
    if on is not None and year and on != dt.date(int(year), 12, 31):
        key += f"|{on.isoformat()}"
    return key


def identity(ds: Dataset) -> str:
    p = ds.parameters
    return identity_key(ds.code, p.get("year"), p.get("month"), p.get("unit"), p.get("on"))


def document_issue(*, actor, ds: Dataset, issuer: Issuer, issue_date: dt.date) -> IssuedDocument:
    """Give ``ds`` a number in ``issuer``'s register for the year of ``issue_date`` (or return the
    number it already has for that date). Safe under concurrent issues: a number taken by
    another transaction meanwhile is retried."""
    key = identity(ds)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # The issuer's register row for the year, locked: numbers are taken one at a time.
                register, _new = DocumentRegister.objects.get_or_create(issuer=issuer.issuer, year=issue_date.year)
                register = DocumentRegister.objects.select_for_update().get(pk=register.pk)
                found = IssuedDocument.objects.filter(issuer=issuer.issuer, key=key, issue_date=issue_date).first()
                if found is not None:
                    return found
                register.last_number += 1
                register.save(update_fields=["last_number"])
                doc = IssuedDocument(
                    issuer=issuer.issuer, year=issue_date.year, number=register.last_number,
                    symbol=issuer.symbol, code=ds.code, key=key, title=ds.title[:255], issue_date=issue_date,
                    issued_by=actor if getattr(actor, "pk", None) else None,
                )
                doc.full_clean(validate_unique=False, validate_constraints=False)  # the database decides
                doc.save()
                return doc
        except IntegrityError:  # two first numbers of a year created the register row at once
            continue
    raise RuntimeError("could not allocate a document number")


def may_issue(actor) -> bool:
    """Who numbers documents: the system, TNMT and administrators (in the city's name) and ward
    officers (in their unit's name). Agency officers download drafts."""
    if actor is SYSTEM:
        return True
    scope = scoping.scope_for(actor)
    return scope.can_edit_plan or bool(scope.unit_ids)


def last_day(year: int, month: int | None = None) -> dt.date:
    """The last day of a month, or of the year when ``month`` is None."""
    if not month:
        return dt.date(year, 12, 31)
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def period_end(ds: Dataset) -> dt.date:
    """The last day a dataset covers (its month, or its year)."""
    return last_day(ds.parameters["year"], ds.parameters.get("month"))


def document_for(*, actor, ds: Dataset, issue_date: dt.date | None = None) -> tuple[Issuer, IssuedDocument | None]:
    """The issuer of ``ds`` when ``actor`` issues it, and its register entry when ``issue_date``
    is given (and ``actor`` may issue); a draft otherwise. The issuer is the one of the issue
    date, or of the period's last day for a draft."""
    issue_date = issue_date if issue_date is not None and may_issue(actor) else None
    issuer = issuer_for(issuing_unit(actor), issue_date or period_end(ds))
    issued = document_issue(actor=actor, ds=ds, issuer=issuer, issue_date=issue_date) if issue_date else None
    return issuer, issued


def monthly_document(report) -> tuple[Issuer, IssuedDocument | None]:
    """A unit's monthly report is issued by the unit's People's Committee of its period, numbered
    and dated when TNMT approves it (``services.monthly_report_approve``); a draft before."""
    return issuer_for(report.unit, last_day(report.year, report.month)), report.document


def default_issuer(ds: Dataset) -> Issuer:
    """The city's issuer for the period of ``ds`` (renderers called without one draw a draft)."""
    return issuer_for(None, period_end(ds))


def document_of(actor, ds: Dataset, issue_date: dt.date | None = None) -> tuple[Issuer, IssuedDocument | None]:
    """(issuer, register entry) of a dataset: a unit's monthly report keeps the number and date it
    got when approved (a draft before); any other document is numbered when issued with a date."""
    if ds.code == "MONTHLY" and ds.parameters.get("unit"):
        report = (MonthlyReport.objects.filter(unit_id=ds.parameters["unit"], year=ds.parameters["year"],
                                               month=ds.parameters["month"])
                  .select_related("unit", "document").first())
        if report is not None:
            return monthly_document(report)
        unit = AdministrativeUnit.objects.get(pk=ds.parameters["unit"])
        return issuer_for(unit, period_end(ds)), None
    return document_for(actor=actor, ds=ds, issue_date=issue_date)


# --- final documents: issued once, rendered once, served from storage -----------------------------


@dataclass(frozen=True)
class Final:
    """A document that cannot change: its issuer, its date and (once issued) its register entry."""

    issuer: Issuer
    issue_date: dt.date
    key: str
    document: IssuedDocument | None


def _same_for_every_reader(actor, p) -> bool:
    if actor is SYSTEM:
        return True
    scope = scoping.scope_for(actor)
    if scope.sees_all:
        return True
    return p.unit is not None and p.unit.pk in scope.unit_ids and scope.agency_id is None


def final_document(actor, code: str, p) -> Final | None:
    """The final document ``code`` with parameters ``p`` (``reports.datasets.Params``), or None if
    it can still change. Cheap: a query or two, no dataset is built."""
    if not _same_for_every_reader(actor, p):
        return None
    key = identity_key(code, p.year, p.month, p.unit.pk if p.unit else None, getattr(p, "on", None))
    if code == "MONTHLY":
        if p.unit is None or p.month is None:
            return None  # the city's report grows as units are approved
        report = (MonthlyReport.objects.filter(unit=p.unit, year=p.year, month=p.month,
                                               status=MonthlyReport.Status.APPROVED)
                  .select_related("unit", "document").first())
        if report is None or report.reviewed_at is None:
            return None
        issuer, issued = monthly_document(report)
        return Final(issuer, timezone.localdate(report.reviewed_at), key, issued)
    closed = ClosedPeriod.objects.filter(year=p.year).only("closed_on").first()
    if closed is None:
        return None
    issuer = issuer_for(issuing_unit(actor), closed.closed_on)
    issued = IssuedDocument.objects.filter(issuer=issuer.issuer, key=key, issue_date=closed.closed_on).first()
    return Final(issuer, closed.closed_on, key, issued)


def issue_final(*, actor, final: Final, ds: Dataset) -> IssuedDocument:
    """The register entry of a final document (issued now with its own date if it was not yet)."""
    if final.document is not None:
        return final.document
    return document_issue(actor=actor, ds=ds, issuer=final.issuer, issue_date=final.issue_date)


def find(final: Final | None, fmt: str) -> StoredDocument | None:
    if final is None or final.document is None or fmt not in ("pdf", "xlsx"):
        return None
    return StoredDocument.objects.filter(document=final.document, format=fmt).first()


def store(issued: IssuedDocument | None, fmt: str, content: bytes, name: str) -> StoredDocument | None:
    """Keep the rendered file of a final document (the first one stored wins)."""
    if issued is None or fmt not in ("pdf", "xlsx"):
        return None
    stored = StoredDocument(document=issued, format=fmt, size=len(content))
    stored.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:  # another worker stored it first
        stored.file.delete(save=False)
        return StoredDocument.objects.filter(document=issued, format=fmt).first()
    return stored


@transaction.atomic
def period_close(*, actor, year: int, on: dt.date) -> ClosedPeriod:
    """Close a year's figures: from now on its appendices are issued once (dated ``on``) and
    stored."""
    if not scoping.scope_for(actor).can_review_reports:
        raise PermissionDenied(_("Chỉ Phòng TNMT hoặc quản trị viên được khóa số liệu."))
    if ClosedPeriod.objects.filter(year=year).exists():
        raise ValidationError(_("Năm %(year)s đã được khóa số liệu.") % {"year": year})
    period = ClosedPeriod(year=year, closed_on=on, closed_by=actor)
    period.full_clean()
    period.save()
    return period
