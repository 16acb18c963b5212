"""Background jobs of the households app (registered in HouseholdsConfig.ready): the export of a
long filtered household list (more than JOBS_EXPORT_THRESHOLD households). The job reads the
list again as its owner, with the same filter form and scoped selector as the page, and the
exporter records the export and masks personal data as it does in a request."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _

from households import selectors
from households.forms import HouseholdFilterForm
from households.io import exporter
from jobs.registry import JobKind, register
from jobs.services import job_start

EXPORT = "household_export"


def export_filters(data, actor) -> tuple[dict, dict]:
    """The list's filters from the query, and their printable form for the export record."""
    form = HouseholdFilterForm(data or None, actor=actor)
    filters = form.filters()
    shown = {k: str(getattr(v, "pk", v)) for k, v in filters.items() if v not in (None, "") and k != "per_page"}
    return filters, shown


def export_job_if_long(*, actor, data, fmt: str, full: bool = False, reason: str = ""):
    """A job for the export when the filtered list is long, else None (the request exports). A
    full export (unmasked, ``reason`` given) keeps its choice and reason in the job."""
    filters, _shown = export_filters(data, actor)
    count = selectors.household_list(actor=actor, filters=filters).count()
    if count <= settings.JOBS_EXPORT_THRESHOLD:
        return None
    query = data.copy()
    query.pop("page", None)
    return job_start(actor=actor, kind=EXPORT, rows_total=count, progress_label=_("hộ"),
                     params={"query": query.urlencode(), "format": fmt, "full": full, "reason": reason},
                     title=_("Danh sách hộ gia đình (%(n)s hộ, %(fmt)s)") % {"n": f"{count:,}".replace(",", "."),
                                                                            "fmt": fmt.upper()})


def run_export(ctx) -> None:
    filters, shown = export_filters(QueryDict(ctx.params["query"]), ctx.owner)
    result = exporter.export_households(actor=ctx.owner, filters=filters, fmt=ctx.params["format"], filter_repr=shown,
                                        full=ctx.params.get("full", False), reason=ctx.params.get("reason", ""))
    ctx.set_total(result.households)
    ctx.finish(result.content, result.filename, result.content_type)


def register_kinds() -> None:
    register(JobKind(EXPORT, run_export))
