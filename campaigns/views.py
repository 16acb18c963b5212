"""The review pages ("Rà soát hộ nghèo, hộ cận nghèo"). Thin: read through ``selectors``, write
through ``services``, draw documents from ``documents``; today is read here and passed on."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.conf import settings as conf
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import documents, rules, selectors, services
from campaigns import jobs as campaign_jobs
from campaigns.forms import (
    ApplicationDecisionForm,
    ApplicationForm,
    ComplaintForm,
    DecisionForm,
    FlagForm,
    MeetingForm,
    OpenCampaignsForm,
    PostingForm,
    ResolveForm,
    ScheduleForm,
    SimulationForm,
    SurveyForm,
    WithdrawForm,
)
from campaigns.models import Application
from households import territory as household_territory
from households.models import Member, PovertyStandard
from households.services import suggestions_for
from households.standards import standard_on
from reports.rendering import document_context, table_context
from tamky_poverty import personal_data, scoping

FORMATS = ("html", "pdf", "xlsx")
DOCUMENT_KINDS = {"hop-thon": "meeting", "niem-yet": "posted", "phu-luc": "annex"}


def _today() -> dt.date:
    return timezone.localdate()


def _crumbs(*items):
    return [(_("Rà soát hộ nghèo, cận nghèo"), reverse("campaigns:index")), *items]


def _campaign_crumbs(campaign, *items):
    return _crumbs((str(campaign), reverse("campaigns:detail", args=[campaign.pk])), *items)


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal next to the field it names, otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, " ".join(error.messages))
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _flash_errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _require_writer(request) -> None:
    if not scoping.scope_for(request.user).can_write_register:
        raise Http404


def _parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _int_param(value, default=None, lo=2000, hi=2100):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if lo <= n <= hi else default


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the board ---------------------------------------------------------------------------------

def index(request):
    today = _today()
    years = selectors.review_years(actor=request.user)
    default_year = years[0] if years else (today.year if today.month >= 9 else today.year - 1)
    year = _int_param(request.GET.get("year"), default_year)
    board = selectors.campaign_board(actor=request.user, review_year=year, day=today)
    can_open = scoping.can_edit_plan(request.user)
    return render(request, "campaigns/index.html", {
        "year": year, "years": sorted(set(years) | {year, today.year}, reverse=True), "board": board,
        "open_form": OpenCampaignsForm(initial={"review_year": year}) if can_open else None,
        "overdue": selectors.overdue_count(actor=request.user, day=today),
        "totals": {k: sum(getattr(r, k) for r in board) for k in ("households", "surveyed", "approved")},
        "breadcrumbs": [(_("Rà soát hộ nghèo, cận nghèo"), None)],
    })


@require_POST
def open_campaigns(request):
    selectors.require_reviews(request.user)
    if not scoping.can_edit_plan(request.user):
        raise PermissionDenied
    form = OpenCampaignsForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["review_year"]
        try:
            opened = services.campaigns_open(actor=request.user, review_year=year,
                                             start_date=form.cleaned_data["start_date"],
                                             end_date=form.cleaned_data["end_date"])
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Đã mở %(n)d đợt rà soát năm %(y)s.") % {"n": len(opened), "y": year})
        return redirect(reverse("campaigns:index") + f"?year={year}")
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("campaigns:index")


# --- one campaign ------------------------------------------------------------------------------

def detail(request, pk):
    today = _today()
    campaign = selectors.campaign_get(actor=request.user, pk=pk)
    facts = selectors.campaign_facts(campaign)
    entries = selectors.campaign_entries(campaign=campaign)
    posting, decision = selectors.posting_of(campaign), selectors.decision_of(campaign)
    writer = scoping.scope_for(request.user).can_write_register and decision is None
    steps = rules.campaign_steps(facts, today)
    stage = rules.campaign_stage(facts, today)
    complaints = selectors.complaints_of(campaign=campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "facts": facts, "steps": steps, "stage": stage,
        "stage_label": rules.STAGE_LABELS[stage],
        "entries": entries, "villages": facts.villages, "meetings": selectors.meetings_of(campaign=campaign),
        "posting": posting, "decision": decision, "complaints": complaints,
        "writer": writer, "can_edit_schedule": scoping.can_edit_plan(request.user) and decision is None,
        "flag_form": FlagForm() if writer and posting is None else None,
        "complaint_form": ComplaintForm(entries=entries) if writer and posting else None,
        "resolve_form": ResolveForm() if writer else None,
        "today": today,
        "breadcrumbs": _crumbs((str(campaign), None)),
    })


@require_http_methods(["GET", "POST"])
def schedule(request, pk):
    campaign = selectors.campaign_get(actor=request.user, pk=pk)
    if not scoping.can_edit_plan(request.user):
        raise PermissionDenied
    form = ScheduleForm(request.POST if request.method == "POST" else None,
                        initial={"start_date": campaign.start_date, "end_date": campaign.end_date})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.campaign_schedule_update(actor=request.user, campaign=campaign, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu lịch rà soát."))
                return redirect("campaigns:detail", pk=campaign.pk)
        status = 400
    return render(request, "campaigns/simple_form.html", {
        "campaign": campaign, "form": form, "title": _("Lịch rà soát – %(c)s") % {"c": campaign},
        "submit": _("Lưu lịch"), "breadcrumbs": _campaign_crumbs(campaign, (_("Lịch rà soát"), None)),
    }, status=status)


@require_POST
def collect(request, pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    try:
        result = services.campaign_collect(actor=request.user, campaign=campaign, day=_today())
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Danh sách rà soát: %(t)d hộ (thêm %(a)d, cập nhật %(u)d).") % {
            "t": result.total, "a": result.added, "u": result.updated})
    return redirect("campaigns:detail", pk=campaign.pk)


@require_POST
def flag(request, pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        household = selectors.household_in_campaign_unit(actor=request.user, campaign=campaign,
                                                          code=form.cleaned_data["code"])
        if household is None:
            messages.error(request, _("Không tìm thấy hộ có mã “%(c)s” ở %(u)s.") % {
                "c": form.cleaned_data["code"], "u": campaign.unit})
        else:
            try:
                services.campaign_flag(actor=request.user, campaign=campaign, household=household,
                                       note=form.cleaned_data["note"])
            except ValidationError as exc:
                _flash_errors(request, exc)
            else:
                messages.success(request, _("Đã thêm hộ %(c)s vào danh sách rà soát.") % {"c": household.code})
    else:
        messages.error(request, _("Nhập mã hộ và lý do đề xuất."))
    return redirect("campaigns:detail", pk=campaign.pk)


@require_POST
def entry_remove(request, pk, entry_pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    entry = selectors.entry_get(campaign=campaign, pk=entry_pk)
    try:
        services.campaign_entry_remove(actor=request.user, entry=entry, reason=request.POST.get("reason", "")[:255])
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Đã đưa hộ %(c)s ra khỏi danh sách rà soát.") % {"c": entry.household.code})
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#households")


@require_http_methods(["GET", "POST"])
def survey(request, pk, entry_pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    entry = selectors.entry_get(campaign=campaign, pk=entry_pk)
    household = entry.household
    suggestions = suggestions_for(household, campaign.effective_date)
    previous = selectors.survey_indicators(survey=entry.survey)
    data = request.POST if request.method == "POST" else None
    initial = {"survey_date": min(_today(), campaign.end_date)}
    if entry.survey:
        initial.update(income_per_capita=entry.survey.income_per_capita, proxy_score=entry.survey.proxy_score)
    form = SurveyForm(data, indicators=selectors.indicators_of(campaign.standard), suggestions=suggestions,
                      previous_rows=previous, initial=initial)
    status = 200
    if data is not None:
        if form.is_valid():
            try:
                result = services.campaign_survey_record(
                    actor=request.user, entry=entry, survey_date=form.cleaned_data["survey_date"],
                    income_per_capita=form.cleaned_data["income_per_capita"],
                    indicators=form.indicator_inputs(), proxy_score=form.cleaned_data["proxy_score"],
                    notes=form.cleaned_data["notes"], today=_today())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi phiếu khảo sát hộ %(c)s: %(r)s.") % {
                    "c": household.code, "r": result.get_proposed_class_display()})
                return redirect(reverse("campaigns:detail", args=[campaign.pk]) + f"#entry-{entry.pk}")
        status = 400
    return render(request, "campaigns/survey.html", {
        "campaign": campaign, "entry": entry, "household": household, "form": form,
        "area": household_territory.area_for(household, campaign.effective_date),
        "breadcrumbs": _campaign_crumbs(campaign, (_("Khảo sát hộ %(c)s") % {"c": household.code}, None)),
    }, status=status)


@require_http_methods(["GET", "POST"])
def meeting(request, pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    facts = selectors.campaign_facts(campaign)
    villages = [v.village for v in facts.villages]
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, request.FILES if data is not None else None, villages=villages,
                       initial={"village": request.GET.get("village", ""), "held_on": min(_today(), campaign.end_date)})
    status = 200
    if data is not None:
        if form.is_valid():
            c = form.cleaned_data
            try:
                m = services.meeting_record(
                    actor=request.user, campaign=campaign, village=c["village"], held_on=c["held_on"],
                    attendees=c["attendees"], agreement_percent=c["agreement_percent"], chaired_by=c["chaired_by"],
                    minutes_text=c["minutes_text"], minutes_file=c["minutes_file"], today=_today())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if rules.meeting_passes(m.agreement_percent):
                    messages.success(request, _("Đã ghi hội nghị %(v)s: %(p)s %% đồng ý, danh sách được thông qua.") % {
                        "v": rules.village_label(m.village), "p": rules.percent_text(m.agreement_percent)})
                else:
                    messages.warning(request, _(
                        "Đã ghi hội nghị %(v)s: chỉ %(p)s %% đồng ý (cần ít nhất 50 %%), danh sách chưa được "
                        "thông qua — thôn phải họp lại.") % {"v": rules.village_label(m.village),
                                                              "p": rules.percent_text(m.agreement_percent)})
                return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#meetings")
        status = 400
    return render(request, "campaigns/meeting.html", {
        "campaign": campaign, "form": form, "villages": facts.villages,
        "breadcrumbs": _campaign_crumbs(campaign, (_("Hội nghị bình xét"), None)),
    }, status=status)


def meeting_minutes(request, meeting_pk):
    """The uploaded minutes, only to those who may read the campaign (otherwise 404)."""
    m = selectors.meeting_get(actor=request.user, pk=meeting_pk)
    if not m.minutes_file:
        raise Http404
    try:
        handle = m.minutes_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(m.minutes_file.name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=m.minutes_name or "bien-ban",
                        content_type=content_type)


@require_http_methods(["GET", "POST"])
def posting(request, pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    existing = selectors.posting_of(campaign)
    initial = ({"start_date": existing.start_date, "end_date": existing.end_date, "place": existing.place,
                "notes": existing.notes} if existing else
               {"start_date": _today(), "place": _("Trụ sở UBND %(u)s và nhà văn hoá các thôn, khối phố") % {
                   "u": campaign.unit}})
    form = PostingForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.posting_record(actor=request.user, campaign=campaign, today=_today(), **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi niêm yết công khai."))
                return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#posting")
        status = 400
    return render(request, "campaigns/simple_form.html", {
        "campaign": campaign, "form": form, "title": _("Niêm yết công khai – %(c)s") % {"c": campaign},
        "submit": _("Ghi niêm yết"), "breadcrumbs": _campaign_crumbs(campaign, (_("Niêm yết công khai"), None)),
    }, status=status)


@require_POST
def complaint(request, pk):
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    form = ComplaintForm(request.POST, entries=selectors.campaign_entries(campaign=campaign))
    if form.is_valid():
        try:
            services.complaint_record(actor=request.user, campaign=campaign, entry=form.entry_obj(),
                                      received_on=form.cleaned_data["received_on"],
                                      complainant=form.cleaned_data["complainant"],
                                      content=form.cleaned_data["content"], today=_today())
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Đã ghi khiếu nại."))
    else:
        messages.error(request, _("Khiếu nại chưa ghi được: %(e)s") % {
            "e": " ".join(f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}"
                          for k, v in form.errors.items())})
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#posting")


@require_POST
def complaint_resolve(request, complaint_pk):
    item = selectors.complaint_get(actor=request.user, pk=complaint_pk)
    _require_writer(request)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_resolve(actor=request.user, complaint=item, today=_today(), **form.cleaned_data)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Đã ghi kết quả giải quyết khiếu nại."))
    else:
        messages.error(request, _("Nhập ngày giải quyết và kết quả giải quyết."))
    return redirect(reverse("campaigns:detail", args=[item.campaign_id]) + "#posting")


@require_http_methods(["GET", "POST"])
def decide(request, pk):
    today = _today()
    campaign = selectors.campaign_for_change(actor=request.user, pk=pk)
    decision = selectors.decision_of(campaign)
    facts = selectors.campaign_facts(campaign)
    entries = selectors.document_entries(campaign=campaign)
    proposed = {cls: sum(1 for e in entries if e.survey and e.survey.proposed_class == cls)
                for cls, _label in documents.PROPOSED_GROUPS}
    form = DecisionForm(request.POST if request.method == "POST" and decision is None else None,
                        initial={"decision_date": min(today, campaign.end_date)})
    status = 200
    if request.method == "POST" and decision is None:
        if form.is_valid():
            try:
                if len(entries) > conf.JOBS_DECISION_THRESHOLD:
                    # Many households: checked here, recorded by a job whose page shows the progress.
                    services.campaign_decide_check(campaign=campaign, today=today, **{
                        k: v for k, v in form.cleaned_data.items() if k != "signer"})
                    job = campaign_jobs.decision_job_start(actor=request.user, campaign=campaign, today=today,
                                                           households=len(entries), **form.cleaned_data)
                    return redirect("jobs:detail", pk=job.pk)
                decision = services.campaign_decide(actor=request.user, campaign=campaign, today=today,
                                                    **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận Quyết định số %(n)s: %(k)d hộ được ghi quyết định.") % {
                    "n": decision.number, "k": len(entries)})
                return redirect("campaigns:detail", pk=campaign.pk)
        status = 400
    blockers = [] if decision else rules.decision_blockers(facts, today, campaign.effective_date,
                                                           campaign.effective_date, today)
    return render(request, "campaigns/decide.html", {
        "campaign": campaign, "decision": decision, "form": form, "blockers": blockers, "proposed": proposed,
        "proposed_labels": documents.PROPOSED_GROUPS, "households": len(entries),
        "breadcrumbs": _campaign_crumbs(campaign, (_("Quyết định công nhận"), None)),
    }, status=status)


# --- documents --------------------------------------------------------------------------------

def _document_response(request, datasets, settings, fmt: str, name: str, back, crumbs, object_repr: str):
    personal_data.record_access(request.user, "report", object_repr, code=datasets[0].code, format=fmt,
                                **{k: v for k, v in datasets[0].parameters.items() if k in ("campaign", "household")})
    if fmt == "html" and request.GET.get("standalone") != "1":
        query = request.GET.copy()
        query.pop("format", None)
        return render(request, "campaigns/document.html", {
            **document_context(datasets[0], settings, documents.mark(datasets[0])), "back": back, "query": query,
            "breadcrumbs": crumbs, "code": datasets[0].code,
        })
    content, content_type = documents.render(datasets, fmt, settings)
    return _download(content, content_type, f"{name}.{fmt}")


def document(request, pk, kind):
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS or kind not in DOCUMENT_KINDS:
        raise Http404
    campaign = selectors.campaign_get(actor=request.user, pk=pk)
    kind = DOCUMENT_KINDS[kind]
    if kind == "meeting":
        village = request.GET.get("village", "")
        entries = selectors.document_entries(campaign=campaign, village=village)
        if not entries:
            raise Http404
        last = [m for m in selectors.meetings_of(campaign=campaign) if m.village == village]
        ds = documents.meeting_list(campaign, village, entries, last[-1] if last else None,
                                    _parse_date(request.GET.get("date")))
        settings = documents.document_settings(campaign.unit, ds.place_date or campaign.effective_date,
                                               preparer="CHỦ TRÌ HỘI NGHỊ")
        name = f"hop-thon_{campaign.unit.code}_{campaign.review_year}"
    elif kind == "posted":
        post = selectors.posting_of(campaign)
        if post is None:
            raise Http404
        ds = documents.posted_list(campaign, selectors.document_entries(campaign=campaign), post)
        settings = documents.document_settings(campaign.unit, post.start_date)
        name = f"niem-yet_{campaign.unit.code}_{campaign.review_year}"
    else:
        decision = selectors.decision_of(campaign)
        if decision is None:
            raise Http404
        ds = documents.decision_annex(campaign, decision, selectors.document_entries(campaign=campaign))
        settings = documents.document_settings(campaign.unit, decision.decision_date, signer=decision.signer)
        name = f"phu-luc-qd_{campaign.unit.code}_{campaign.review_year}"
    return _document_response(request, [ds], settings, fmt, name, reverse("campaigns:detail", args=[campaign.pk]),
                              _campaign_crumbs(campaign, (ds.title, None)), f"{ds.code} {campaign}")


def certificate(request, pk, entry_pk):
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        raise Http404
    campaign = selectors.campaign_get(actor=request.user, pk=pk)
    decision = selectors.decision_of(campaign)
    entry = selectors.entry_get(campaign=campaign, pk=entry_pk)
    if decision is None or not entry.certificate_number:
        raise Http404
    entry = campaign.entries.select_related("household", "assessment").get(pk=entry.pk)
    members = list(entry.household.members.order_by("date_of_birth", "id"))
    head = next((m for m in members if m.relation == Member.Relation.HEAD), None)
    head_id = personal_data.citizen_id_for(request.user, head, entry.household) if head else ""
    ds = documents.certificate(campaign, decision, entry, members, head, head_id)
    settings = documents.document_settings(campaign.unit, decision.decision_date, signer=decision.signer)
    return _document_response(request, [ds], settings, fmt, f"gcn_{entry.household.code}_{campaign.list_year}",
                              reverse("campaigns:detail", args=[campaign.pk]),
                              _campaign_crumbs(campaign, (_("Giấy chứng nhận hộ %(c)s") % {"c": entry.household.code},
                                                          None)), f"GCN {entry.household}")


# --- the impact of a standard ----------------------------------------------------------------

def _simulation_params(request):
    """(form, standard, day, unit) from the query; defaults: the next standard, from its first day."""
    today = _today()
    standards = selectors.standards()
    upcoming = [s for s in standards if s.year_from > today.year]
    default = upcoming[0] if upcoming else (standards[-1] if standards else None)
    if default is None:
        raise Http404
    data = request.GET.copy()
    data.setdefault("standard", default.code)
    data.setdefault("date", dt.date(max(default.year_from, today.year), 1, 1).isoformat())
    day = _parse_date(data.get("date")) or dt.date(default.year_from, 1, 1)
    units = selectors.units_for(actor=request.user, day=day)
    form = SimulationForm(data, standards=standards, units=units)
    if not form.is_valid():
        return form, None, None, None
    standard = PovertyStandard.objects.get(code=form.cleaned_data["standard"])
    day = form.cleaned_data["date"]
    unit = selectors.unit_for(actor=request.user, unit_id=form.cleaned_data["unit"], day=day)
    if unit is None and not scoping.scope_for(request.user).sees_all:
        own = selectors.units_for(actor=request.user, day=day)
        unit = own[0] if len(own) == 1 else None
    return form, standard, day, unit


def simulation(request):
    selectors.require_reviews(request.user)
    fmt = request.GET.get("format", "page")
    if fmt not in ("page", "html", "xlsx"):
        raise Http404
    form, standard, day, unit = _simulation_params(request)
    if standard is None:
        return render(request, "campaigns/simulation.html", {"form": form, "result": None,
                                                             "breadcrumbs": _crumbs((_("Mô phỏng chuẩn nghèo"), None))},
                      status=400)
    result = selectors.impact(actor=request.user, standard=standard, day=day, unit=unit)
    summary = documents.impact_summary(result)
    first = selectors.impact_households(result, priority=1) + selectors.impact_households(result, priority=2)
    settings = documents.document_settings(None, day)
    if fmt != "page":
        personal_data.record_access(request.user, "report", f"MO-PHONG {standard.code} {day:%d/%m/%Y}",
                                    code="MO-PHONG", format=fmt, standard=standard.code, date=day.isoformat())
        content, content_type = documents.render([summary, documents.impact_households_dataset(result, first)],
                                                 fmt, settings)
        return _download(content, content_type, f"mo-phong_{standard.code}_{day:%Y%m%d}.{fmt}")
    table = table_context(summary)
    links = documents.impact_columns()
    query = {"standard": standard.code, "date": day.isoformat()}
    rows = []
    for unit_row, drawn in zip([*result.units, None], table["rows"], strict=True):
        cells = []
        for i, cell in enumerate(drawn["cells"]):
            link = None
            if i >= 2 and cell["text"] not in ("", "0"):
                cls, what, value = links[i - 2]
                params = {**query, **({"unit": unit_row.unit.pk} if unit_row else {})}
                if cls:
                    params["list"] = cls
                if what == "status":
                    params["status"] = value
                elif what == "change":
                    params["change"] = value
                elif what == "before":
                    params["before"] = "1"
                elif what == "priority":
                    params["priority"] = value
                link = params
            cells.append({**cell, "link": link})
        rows.append({"style": drawn["style"], "cells": cells})
    return render(request, "campaigns/simulation.html", {
        "form": form, "result": result, "summary": summary, "table": table, "rows": rows,
        "first": first[:50], "first_total": len(first), "query": query, "unit": unit,
        "breadcrumbs": _crumbs((_("Mô phỏng chuẩn nghèo"), None)),
    })


def simulation_households(request):
    selectors.require_reviews(request.user)
    form, standard, day, unit = _simulation_params(request)
    if standard is None:
        raise Http404
    result = selectors.impact(actor=request.user, standard=standard, day=day, unit=unit)
    cls = request.GET.get("list")
    status = request.GET.get("status") if request.GET.get("status") in (rules.CERTAIN, rules.POSSIBLE, rules.NOT) else None
    change = request.GET.get("change") if request.GET.get("change") in rules.CHANGE_LABELS else None
    priority = _int_param(request.GET.get("priority"), None, 1, 3)
    homes = selectors.impact_households(result, unit_id=unit.pk if unit else None,
                                        cls=cls if cls in selectors.LISTS else None, status=status, change=change,
                                        priority=priority)
    if request.GET.get("before") == "1" and cls in selectors.LISTS:
        homes = [h for h in homes if h.class_before == cls]
    personal_data.record_access(request.user, "report", f"MO-PHONG-HO {standard.code}", code="MO-PHONG-HO",
                                standard=standard.code, date=day.isoformat())
    what = []
    if cls in selectors.LISTS:
        what.append(documents.LIST_NAMES[cls])
    if status:
        what.append(rules.STATUS_LABELS[status])
    if change:
        what.append(rules.CHANGE_LABELS[change])
    if request.GET.get("before") == "1":
        what.append(_("đang trong danh sách"))
    if priority:
        what.append(rules.PRIORITY_LABELS[priority])
    back = reverse("campaigns:simulation") + f"?standard={standard.code}&date={day.isoformat()}" + (
        f"&unit={unit.pk}" if unit else "")
    return render(request, "campaigns/simulation_households.html", {
        "result": result, "homes": homes, "what": " · ".join(str(w) for w in what), "unit": unit,
        "breadcrumbs": _crumbs((_("Mô phỏng chuẩn nghèo"), back), (_("Danh sách hộ"), None)),
    })


# --- applications ----------------------------------------------------------------------------

def applications(request):
    today = _today()
    status = request.GET.get("status", "open")
    if status not in selectors.APPLICATION_FILTERS:
        status = "open"
    rows = [(a, a.deadline, rules.days_left(a.received_on, today),
             rules.application_overdue(a.received_on, today, a.status == Application.Status.OPEN),
             -rules.days_left(a.received_on, today))
            for a in selectors.applications_for(actor=request.user, day=today, status=status)]
    return render(request, "campaigns/applications.html", {
        "rows": rows, "status": status, "filters": selectors.APPLICATION_FILTERS, "today": today,
        "overdue": selectors.overdue_count(actor=request.user, day=today),
        "can_write": scoping.scope_for(request.user).can_write_register,
        "breadcrumbs": _crumbs((_("Đơn đề nghị (rà soát thường xuyên)"), None)),
    })


@require_http_methods(["GET", "POST"])
def application_create(request):
    selectors.require_reviews(request.user)
    _require_writer(request)
    form = ApplicationForm(request.POST if request.method == "POST" else None,
                           initial={"received_on": _today(), "code": request.GET.get("code", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            household = selectors.household_for_application(actor=request.user, code=form.cleaned_data["code"])
            if household is None:
                form.add_error("code", _("Không tìm thấy hộ có mã này trong phạm vi của bạn."))
            else:
                try:
                    services.application_create(
                        actor=request.user, household=household, kind=form.cleaned_data["kind"],
                        received_on=form.cleaned_data["received_on"], applicant=form.cleaned_data["applicant"],
                        content=form.cleaned_data["content"], today=_today())
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("Đã nhận đơn của hộ %(c)s; hạn quyết định: %(d)s.") % {
                        "c": household.code,
                        "d": f"{rules.application_deadline(form.cleaned_data['received_on']):%d/%m/%Y}"})
                    return redirect("campaigns:applications")
        status = 400
    return render(request, "campaigns/simple_form.html", {
        "form": form, "title": _("Nhận đơn đề nghị của hộ"), "submit": _("Ghi đơn"),
        "breadcrumbs": _crumbs((_("Đơn đề nghị"), reverse("campaigns:applications")), (_("Nhận đơn"), None)),
    }, status=status)


@require_http_methods(["GET", "POST"])
def application_decide(request, pk):
    today = _today()
    application = selectors.application_get(actor=request.user, pk=pk)
    household = application.household
    data = request.POST if request.method == "POST" and application.status == Application.Status.OPEN else None
    effective = (_parse_date((data or {}).get("effective_date")) or _parse_date((data or {}).get("decision_date"))
                 or today)
    try:
        standard = standard_on(effective)
    except ValidationError:
        standard = standard_on(today)
    form = ApplicationDecisionForm(data, indicators=selectors.indicators_of(standard),
                                   suggestions=suggestions_for(household, effective),
                                   initial={"survey_date": today, "decision_date": today})
    status = 200
    if data is not None:
        _require_writer(request)
        if form.is_valid():
            c = form.cleaned_data
            try:
                assessment = services.application_decide(
                    actor=request.user, application=application, survey_date=c["survey_date"],
                    income_per_capita=c["income_per_capita"], indicators=form.indicator_inputs(),
                    proxy_score=c["proxy_score"], notes=c["notes"], decision_number=c["decision_number"],
                    decision_date=c["decision_date"], effective_date=c["effective_date"], today=today)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi quyết định cho hộ %(c)s: %(r)s.") % {
                    "c": household.code, "r": assessment.get_result_class_display()})
                return redirect("campaigns:applications")
        status = 400
    return render(request, "campaigns/application_decide.html", {
        "application": application, "household": household, "form": form, "standard": standard,
        "suggestion_day": effective,
        "deadline": application.deadline, "days_left": rules.days_left(application.received_on, today),
        "overdue": rules.application_overdue(application.received_on, today,
                                             application.status == Application.Status.OPEN),
        "withdraw_form": WithdrawForm(initial={"closed_on": today}),
        "can_write": scoping.scope_for(request.user).can_write_register,
        "breadcrumbs": _crumbs((_("Đơn đề nghị"), reverse("campaigns:applications")),
                               (household.code, None)),
    }, status=status)


@require_POST
def application_withdraw(request, pk):
    application = selectors.application_get(actor=request.user, pk=pk)
    _require_writer(request)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.application_withdraw(actor=request.user, application=application, today=_today(),
                                          **form.cleaned_data)
        except ValidationError as exc:
            _flash_errors(request, exc)
            return redirect("campaigns:application_decide", pk=application.pk)
        messages.success(request, _("Đã ghi rút đơn."))
        return redirect("campaigns:applications")
    messages.error(request, _("Nhập ngày rút đơn và lý do."))
    return redirect("campaigns:application_decide", pk=application.pk)
