"""Pages for support actions. Thin: reads through ``support.selectors``, writes through
``support.services``; a ValidationError from a service becomes form errors (nothing saved)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support import selectors, services
from support.forms import ActionFilterForm, ActionForm, HouseholdPickForm, TransitionForm
from tamky_poverty.periods import reporting_period

PAGE_SIZE = 50


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def _crumbs(*items):
    return [(_("Hoạt động hỗ trợ"), reverse("support:list")), *items]


def action_list(request):
    units = selectors.units_for_filter(actor=request.user)
    agencies = selectors.agencies_for_filter(actor=request.user)
    form = ActionFilterForm(request.GET or None, units=units, agencies=agencies)
    filters = selectors.ActionFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.ActionFilters(
            unit=d["unit"].pk if d["unit"] else None, kind=d["kind"], status=d["status"],
            agency=d["agency"].pk if d["agency"] else None, household_class=d["class"], year=d["year"],
        )
    page = selectors.actions_page(actor=request.user, filters=filters, number=request.GET.get("page"),
                                  per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "support/action_list.html", {
        "form": form, "page": page, "actions": page.object_list, "query": query.urlencode(),
        "can_plan": services.can_plan(request.user),
        "breadcrumbs": [(_("Hoạt động hỗ trợ"), None)],
    })


def action_create(request):
    services.require_can_plan(request.user)
    household_pk = request.GET.get("household") or request.POST.get("household")
    if not household_pk:
        return _pick_household(request)
    household = selectors.household_for_planning(actor=request.user, pk=household_pk)
    if request.method == "POST":
        form = ActionForm(request.POST, household=household)
        if form.is_valid():
            try:
                action = services.action_create(actor=request.user, household=household, **form.service_kwargs())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Đã lập kế hoạch hỗ trợ cho hộ %(c)s.") % {"c": household.code})
                for w in action.warnings:
                    messages.warning(request, w)
                return redirect("support:detail", pk=action.pk)
    else:
        form = ActionForm(household=household, initial=_prefill(request, household))
    return render(request, "support/action_form.html", {
        "form": form, "household": household, "action": None,
        "duplicates": _duplicates_hint(household, form),
        "breadcrumbs": _crumbs((_("Lập kế hoạch hỗ trợ"), None)),
    })


def _prefill(request, household) -> dict:
    initial = {"plan_year": reporting_period(request).year, "quantity": 1}  # the period chosen once
    if request.GET.get("year", "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100:
        initial["plan_year"] = int(request.GET["year"])
    kind = selectors.support_kind(request.GET.get("kind", ""))
    if kind is not None:
        initial["kind"] = kind.pk
        initial["description"] = str(kind)
        lead, coord = selectors.default_agencies(household=household, kind=kind.pk)
        if lead:
            initial["lead_agency"] = lead.pk
        initial["coordinating_agencies"] = [a.pk for a in coord]
    indicator = request.GET.get("indicator", "")
    if indicator:
        ind = selectors.indicator_for_household(household=household, code=indicator)
        if ind:
            initial["indicator"] = ind.pk
    return initial


def _duplicates_hint(household, form):
    kind = form["kind"].value()
    year = form["plan_year"].value()
    try:
        year = int(year)
    except (TypeError, ValueError):
        return []
    if not kind:
        return []
    exclude = form.instance.pk if form.instance and form.instance.pk else None
    return list(selectors.same_kind_same_year(household=household, kind=kind, plan_year=year, exclude_pk=exclude))


def _pick_household(request):
    units = selectors.units_for_filter(actor=request.user)
    form = HouseholdPickForm(request.GET if "code" in request.GET else None, units=units)
    if form.is_bound and form.is_valid():
        unit = form.cleaned_data["unit"]
        household = selectors.household_find_for_planning(
            actor=request.user, code=form.cleaned_data["code"], unit_id=unit.pk if unit else None
        )
        if household is not None:
            return redirect(f"{reverse('support:create')}?household={household.pk}")
        form.add_error("code", _("Không tìm thấy đúng một hộ có mã này trong phạm vi của bạn; chọn thêm phường/xã."))
    return render(request, "support/pick_household.html", {
        "form": form, "breadcrumbs": _crumbs((_("Lập kế hoạch hỗ trợ"), None)),
    })


def action_detail(request, pk):
    action = selectors.action_get(actor=request.user, pk=pk)
    form = TransitionForm(action=action)
    if request.GET.get("to") in dict(form.fields["to_status"].choices):  # the next step chosen on the list
        form.initial["to_status"] = request.GET["to"]
    return _render_detail(request, action, form)


def _render_detail(request, action, transition_form, status=200):
    return render(request, "support/action_detail.html", {
        "action": action,
        "coordinating": list(action.coordinating_agencies.all()),
        "events": selectors.action_events(action=action),
        "transition_form": transition_form,
        "breadcrumbs": _crumbs((f"#{action.pk} {action.kind}", None)),
    }, status=status)


def action_edit(request, pk):
    action = selectors.action_get(actor=request.user, pk=pk)
    household = action.household
    if request.method == "POST":
        form = ActionForm(request.POST, instance=action, household=household)
        if form.is_valid():
            try:
                action = services.action_update(actor=request.user, action=action, **form.service_kwargs())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                for w in action.warnings:
                    messages.warning(request, w)
                return redirect("support:detail", pk=action.pk)
    else:
        form = ActionForm(instance=action, household=household)
    return render(request, "support/action_form.html", {
        "form": form, "household": household, "action": action,
        "duplicates": _duplicates_hint(household, form),
        "breadcrumbs": _crumbs((f"#{action.pk}", reverse("support:detail", args=[action.pk])), (_("Sửa"), None)),
    })


@require_POST
def action_transition(request, pk):
    action = selectors.action_get(actor=request.user, pk=pk)
    form = TransitionForm(request.POST, action=action)
    if form.is_valid():
        try:
            services.action_transition(
                actor=request.user, action=action, to_status=form.cleaned_data["to_status"],
                date=form.cleaned_data["date"], reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật trạng thái."))
            return redirect("support:detail", pk=action.pk)
    return _render_detail(request, action, form, status=400)


def agency_list(request):
    return render(request, "support/agency_list.html", {
        "agencies": selectors.agencies_list(actor=request.user),
        "breadcrumbs": [(_("Cơ quan, đơn vị"), None)],
    })

