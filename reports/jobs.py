"""Background jobs of the reports app (registered in ReportsConfig.ready):

- ``report``: one report as PDF or XLSX. A long plain list's PDF is split into parts rendered by
  as many workers as are free and joined with continuous page numbers (reports/pdf.py);
- ``report_bundle``: several appendices in one workbook.

Each job builds its dataset again as its owner, through the same scoped selector as the page, so
a job can never show more than its owner may see. A final document (reports/documents.py) is
stored once it is made."""

from __future__ import annotations

import datetime as dt
import pickle

from django.conf import settings

from jobs.registry import JobKind, register
from reports import datasets, documents, pdf, selectors
from reports.excel import render_xlsx
from reports.output import CONTENT_TYPES, XLSX_TYPE, filename, render_dataset

REPORT = "report"
BUNDLE = "report_bundle"
DATASET_BLOB = "dataset.pickle"  # written and read by this job's own workers only


def report_params(code: str, fmt: str, p: datasets.Params, issue_date=None) -> dict:
    return {"code": code, "format": fmt, "year": p.year, "month": p.month, "unit": p.unit.pk if p.unit else None,
            "issue_date": issue_date.isoformat() if issue_date else None,
            "as_of": p.as_of.isoformat() if p.as_of else None, "on": p.on.isoformat() if p.on else None}


def _day(params, name):
    value = params.get(name)
    return dt.date.fromisoformat(value) if value else None


def _issue_date(params):
    return _day(params, "issue_date")


def _document(actor, code, params, ds, issue_date):
    """(issuer, register entry, final?) as the page decides them (reports.documents)."""
    final = documents.final_document(actor, code, params)
    if final is not None:
        return final.issuer, documents.issue_final(actor=actor, final=final, ds=ds), True
    settings, issued = documents.document_of(actor, ds, issue_date)
    return settings, issued, False


def _dataset(ctx):
    p = ctx.params
    params = selectors.report_params(actor=ctx.owner, code=p["code"], year=p["year"], month=p["month"],
                                     unit_id=p["unit"], as_of=_day(p, "as_of"), on=_day(p, "on"))
    ds = datasets.build(ctx.owner, p["code"], params)
    settings, issued, final = _document(ctx.owner, p["code"], params, ds, _issue_date(p))
    return ds, settings, issued, final


def _finish(ctx, ds, issued, final: bool, fmt: str, content: bytes) -> None:
    name = filename(ds, fmt)
    if final:
        documents.store(issued, fmt, content, name)
    ctx.finish(content, name, CONTENT_TYPES[fmt])


def run_report(ctx) -> None:
    fmt = ctx.params["format"]
    ds, doc_settings, issued, final = _dataset(ctx)
    ctx.set_total(pdf.rows_of(ds))
    if fmt == "pdf" and pdf.can_split(ds):  # a long plain list: in parts, by as many workers as are free
        engine = pdf.list_engine()
        parts = pdf.part_count(ds, settings.JOBS_WORKERS, engine)
        if parts > 1:
            ctx.save_blob(DATASET_BLOB, pickle.dumps((ds, doc_settings, issued, final, engine),
                                                     protocol=pickle.HIGHEST_PROTOCOL))
            ctx.fan_out(parts)
            return
        content = pdf.render_long_list(ds, doc_settings, engine, issued)
        ctx.advance(pdf.rows_of(ds))
        _finish(ctx, ds, issued, final, fmt, content)
        return
    content, _type = render_dataset(ds, fmt, doc_settings, issued)
    _finish(ctx, ds, issued, final, fmt, content)


def _load(ctx):
    return pickle.loads(ctx.read_blob(DATASET_BLOB))  # noqa: S301 (our own job's file in our storage)


def report_part(ctx, k: int) -> None:
    ds, doc_settings, issued, _final, engine = _load(ctx)
    parts = ctx.job.parts_total
    ctx.save_part(k, pdf.render_pdf_part(ds, doc_settings, k, parts, engine, issued))
    start, end = pdf.part_bounds(len(ds.rows), parts)[k]
    ctx.advance(end - start)


def report_join(ctx) -> None:
    ds, _settings, issued, final, engine = _load(ctx)
    content = pdf.join_parts([ctx.read_part(k) for k in range(ctx.job.parts_total)], ds.landscape, engine)
    _finish(ctx, ds, issued, final, "pdf", content)


def run_bundle(ctx) -> None:
    p = ctx.params
    sets, issuers, marks = [], [], []
    for code in p["codes"]:
        params = selectors.report_params(actor=ctx.owner, code=code, year=p["year"], month=p["month"],
                                         unit_id=p["unit"], as_of=_day(p, "as_of"), on=_day(p, "on"))
        ds = datasets.build(ctx.owner, code, params)
        doc_settings, issued, _final = _document(ctx.owner, code, params, ds, _issue_date(p))
        sets.append(ds)
        issuers.append(doc_settings)
        marks.append(issued)
        ctx.advance(1)
    ctx.finish(render_xlsx(sets, issuers, marks), f"phu-luc_{p['year']}.xlsx", XLSX_TYPE)


def register_kinds() -> None:
    register(JobKind(REPORT, run_report, part=report_part, join=report_join))
    register(JobKind(BUNDLE, run_bundle))
