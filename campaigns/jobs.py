"""Background job of the campaigns app (registered in CampaignsConfig.ready): the chairman's
decision for a campaign of more than JOBS_DECISION_THRESHOLD households. The page checks every
step first (a missing one is shown on its form), then the job records every household's
decision through ``services.campaign_decide`` — in one transaction, all or nothing — telling the
job's page each household as it is recorded. The job finds the campaign again as its owner,
through the same scoped selector as the page."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns import selectors, services
from jobs.registry import JobError, JobKind, register
from jobs.services import job_start

DECISION = "campaign_decision"


def decision_job_start(*, actor, campaign, households: int, today: dt.date, number: str, decision_date: dt.date,
                       effective_date: dt.date | None = None, signer: str = ""):
    """Record the decision in the background. Asking twice (a double click) gives the same job;
    a second decision for the campaign is refused by the service."""
    return job_start(
        actor=actor, kind=DECISION, rows_total=households, progress_label=_("hộ"),
        params={"campaign": campaign.pk, "number": number, "decision_date": decision_date.isoformat(),
                "effective_date": effective_date.isoformat() if effective_date else None, "signer": signer,
                "today": today.isoformat()},
        title=_("Ghi nhận Quyết định số %(n)s · %(c)s (%(k)s hộ)") % {"n": number, "c": campaign, "k": households})


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def run_decision(ctx) -> None:
    p = ctx.params
    try:
        campaign = selectors.campaign_for_change(actor=ctx.owner, pk=p["campaign"])
    except Http404:
        raise JobError(_("Không tìm thấy đợt rà soát, hoặc bạn không còn quyền ghi nhận cho đợt này.")) from None
    try:
        decision = services.campaign_decide(
            actor=ctx.owner, campaign=campaign, number=p["number"], decision_date=_date(p["decision_date"]),
            effective_date=_date(p["effective_date"]), signer=p["signer"], today=_date(p["today"]),
            progress=ctx.tracker())
    except ValidationError as exc:
        raise JobError(_("Chưa ghi nhận quyết định; không hộ nào được ghi. %(m)s") % {"m": " ".join(exc.messages)}) \
            from None
    households = decision.campaign.entries.count()
    ctx.done(_("Đã ghi nhận Quyết định số %(n)s: %(k)d hộ được ghi quyết định.") % {"n": decision.number,
                                                                                  "k": households},
             reverse("campaigns:detail", args=[campaign.pk]))


def register_kinds() -> None:
    register(JobKind(DECISION, run_decision))
