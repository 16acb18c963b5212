"""Documents that cannot change: rendered once, stored with their number and date, served from
storage afterwards.

A document is final when its figures are frozen: a unit's monthly report once approved (its
figures are the snapshot taken when it was sent), and the appendix tables of a year closed with
``period_close`` (ClosedPeriod). ``identity`` is the one function that says whether a document is
final and what it is: (report code, parameters, issue date, number). The number register of the
issuing body (issue 14) plugs in here: ``identity`` then also takes the document's number.

Only a document that every allowed reader sees alike is stored: the TNMT/administrator view, or a
ward officer's report on its own unit. An agency officer's lists are cut to its own households and
are never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import datasets
from reports.models import ClosedPeriod, IssuedDocument, MonthlyReport
from tamky_poverty import scoping


@dataclass(frozen=True)
class Identity:
    code: str
    parameters: tuple[tuple[str, int | None], ...]  # sorted (name, value) pairs: year, month, unit
    issue_date: dt.date
    number: str = ""

    @property
    def key(self) -> str:
        params = "&".join(f"{k}={'' if v is None else v}" for k, v in self.parameters)
        raw = f"{self.code}|{params}|{self.issue_date.isoformat()}|{self.number}"
        return raw if len(raw) <= 250 else hashlib.sha256(raw.encode()).hexdigest()


def _same_for_every_reader(actor, p: datasets.Params) -> bool:
    if actor is datasets.SYSTEM:
        return True
    scope = scoping.scope_for(actor)
    if scope.sees_all:
        return True
    return p.unit is not None and p.unit.pk in scope.unit_ids and scope.agency_id is None


def identity(actor, code: str, p: datasets.Params) -> Identity | None:
    """The identity of the document ``code`` with parameters ``p`` if it is final (else None).
    Cheap: a query or two, no dataset is built."""
    if code not in datasets.REPORTS or not _same_for_every_reader(actor, p):
        return None
    params = (("month", p.month), ("unit", p.unit.pk if p.unit else None), ("year", p.year))
    if code == "MONTHLY":
        if p.unit is None or p.month is None:
            return None  # the city's report grows as units are approved
        report = (MonthlyReport.objects.filter(unit=p.unit, year=p.year, month=p.month,
                                               status=MonthlyReport.Status.APPROVED)
                  .only("reviewed_at").first())
        if report is None or report.reviewed_at is None:
            return None
        return Identity(code, params, timezone.localdate(report.reviewed_at))
    closed = ClosedPeriod.objects.filter(year=p.year).only("closed_on").first()
    if closed is None:
        return None
    return Identity(code, params, closed.closed_on)


def apply(ident: Identity | None, ds) -> None:
    """A final document carries its own date (and number), never the day it is downloaded."""
    if ident is not None:
        ds.place_date = ident.issue_date
        ds.parameters["number"] = ident.number
        ds.parameters["issue_date"] = ident.issue_date.isoformat()


def find(ident: Identity | None, fmt: str) -> IssuedDocument | None:
    if ident is None:
        return None
    return IssuedDocument.objects.filter(key=ident.key, format=fmt).first()


def store(ident: Identity | None, fmt: str, content: bytes, name: str) -> IssuedDocument | None:
    """Keep the rendered file of a final document (the first one stored wins)."""
    if ident is None or fmt not in ("pdf", "xlsx"):
        return None
    doc = IssuedDocument(code=ident.code, parameters=dict(ident.parameters), issue_date=ident.issue_date,
                         number=ident.number, key=ident.key, format=fmt, size=len(content))
    doc.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:  # another worker stored it first
        doc.file.delete(save=False)
        return find(ident, fmt)
    return doc


@transaction.atomic
def period_close(*, actor, year: int, on: dt.date) -> ClosedPeriod:
    """Close a year's figures: from now on its appendices are issued once and stored."""
    if not scoping.scope_for(actor).can_review_reports:
        raise PermissionDenied(_("Chỉ Phòng TNMT hoặc quản trị viên được khóa số liệu."))
    if ClosedPeriod.objects.filter(year=year).exists():
        raise ValidationError(_("Năm %(year)s đã được khóa số liệu.") % {"year": year})
    period = ClosedPeriod(year=year, closed_on=on, closed_by=actor)
    period.full_clean()
    period.save()
    return period
