"""Background jobs of the reports app (registered in ReportsConfig.ready):

- ``report``: one report as PDF or XLSX. A long plain list's PDF is split into parts rendered by
  as many workers as are free and joined with continuous page numbers (reports/pdf.py);
- ``report_bundle``: several appendices in one workbook.

Each job builds its dataset again as its owner, through the same scoped selector as the page, so
a job can never show more than its owner may see. A final document (reports/documents.py) is
stored once it is made."""

from __future__ import annotations

import pickle

from django.conf import settings

from jobs.registry import JobKind, register
from reports import datasets, documents, pdf, selectors
from reports.excel import render_xlsx
from reports.output import CONTENT_TYPES, XLSX_TYPE, filename, render_dataset, settings_for

REPORT = "report"
BUNDLE = "report_bundle"
DATASET_BLOB = "dataset.pickle"  # written and read by this job's own workers only


def report_params(code: str, fmt: str, p: datasets.Params) -> dict:
    return {"code": code, "format": fmt, "year": p.year, "month": p.month, "unit": p.unit.pk if p.unit else None}


def _dataset(ctx):
    p = ctx.params
    params = selectors.report_params(actor=ctx.owner, code=p["code"], year=p["year"], month=p["month"],
                                     unit_id=p["unit"])
    ds = datasets.build(ctx.owner, p["code"], params)
    ident = documents.identity(ctx.owner, p["code"], params)
    documents.apply(ident, ds)
    return ds, ident


def _finish(ctx, ds, ident, fmt: str, content: bytes) -> None:
    name = filename(ds, fmt)
    documents.store(ident, fmt, content, name)
    ctx.finish(content, name, CONTENT_TYPES[fmt])


def run_report(ctx) -> None:
    fmt = ctx.params["format"]
    ds, ident = _dataset(ctx)
    ctx.set_total(pdf.rows_of(ds))
    if fmt == "pdf" and pdf.can_split(ds):  # a long plain list: in parts, by as many workers as are free
        engine = pdf.list_engine()
        parts = pdf.part_count(ds, settings.JOBS_WORKERS, engine)
        if parts > 1:
            ctx.save_blob(DATASET_BLOB, pickle.dumps((ds, settings_for(ds), ident, engine),
                                                     protocol=pickle.HIGHEST_PROTOCOL))
            ctx.fan_out(parts)
            return
        content = pdf.render_long_list(ds, settings_for(ds), engine)
        ctx.advance(pdf.rows_of(ds))
        _finish(ctx, ds, ident, fmt, content)
        return
    content, _type = render_dataset(ds, fmt)
    _finish(ctx, ds, ident, fmt, content)


def _load(ctx):
    return pickle.loads(ctx.read_blob(DATASET_BLOB))  # noqa: S301 (our own job's file in our storage)


def report_part(ctx, k: int) -> None:
    ds, doc_settings, _ident, engine = _load(ctx)
    parts = ctx.job.parts_total
    ctx.save_part(k, pdf.render_pdf_part(ds, doc_settings, k, parts, engine))
    start, end = pdf.part_bounds(len(ds.rows), parts)[k]
    ctx.advance(end - start)


def report_join(ctx) -> None:
    ds, _settings, ident, engine = _load(ctx)
    content = pdf.join_parts([ctx.read_part(k) for k in range(ctx.job.parts_total)], ds.landscape, engine)
    _finish(ctx, ds, ident, "pdf", content)


def run_bundle(ctx) -> None:
    p = ctx.params
    sets = []
    for code in p["codes"]:
        sets.append(selectors.report_dataset(actor=ctx.owner, code=code, year=p["year"], month=p["month"],
                                             unit_id=p["unit"]))
        ctx.advance(1)
    ctx.finish(render_xlsx(sets), f"phu-luc_{p['year']}.xlsx", XLSX_TYPE)


def register_kinds() -> None:
    register(JobKind(REPORT, run_report, part=report_part, join=report_join))
    register(JobKind(BUNDLE, run_bundle))
