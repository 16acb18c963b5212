"""Household register pages. Thin: reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from households import classification, selectors, services, standards, territory
from households.forms import (
    DeleteForm,
    HouseholdFilterForm,
    HouseholdForm,
    MoneyField,
    ReviewForm,
    member_formset_class,
)
from households.models import Household
from tamky_poverty import personal_data, scoping
from tamky_poverty.confirm import confirmation_page, needs_confirmation

MEMBER_PREFIX = "members"


def _crumbs(*items):
    return [(_("Hộ gia đình"), reverse("households:list")), *items]


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to a field the form has, otherwise at
    the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- list ------------------------------------------------------------------------------------

def household_list(request):
    form = HouseholdFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    page = selectors.household_page(
        actor=request.user, filters=filters, number=request.GET.get("page"), per_page=form.page_size
    )
    looked_up = [w for w in selectors.search_words(filters.get("q")) if personal_data.is_full_citizen_id(w)]
    if looked_up:
        personal_data.record_search(request.user, looked_up, _("Danh sách hộ gia đình"))
    rows = [(h, personal_data.mask_citizen_id(h.head_citizen_id)) for h in page.object_list]
    return render(request, "households/list.html", {
        "form": form, "page": page, "rows": rows,
        "can_create": scoping.scope_for(request.user).can_write_register,
        "can_export_full": personal_data.can_see(request.user),
        "breadcrumbs": [(_("Hộ gia đình"), None)],
    })


# --- create / edit ------------------------------------------------------------------------------

def _save_household(request, household: Household | None):
    creating = household is None
    instance = Household() if creating else household
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, instance=instance, actor=request.user)
    formset = member_formset_class()(data, instance=instance, prefix=MEMBER_PREFIX,
                                            form_kwargs={"actor": request.user})
    status = 200
    if data is not None:
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            try:
                saved = services.household_save_with_members(
                    actor=request.user,
                    household=None if creating else household,
                    fields=form.household_fields(),
                    members=formset.member_inputs(),
                    expected_version=None if creating else form.cleaned_data["version"],
                )
            except services.StaleObjectError as exc:
                form.add_error(None, str(exc))
                status = 409
            except ValidationError as exc:
                _add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Đã lưu hộ %(c)s.") % {"c": saved.code})
                return redirect("households:detail", pk=saved.pk)
        else:
            status = 400
    if not creating:  # the edit page shows every member's citizen ID and birth date in full
        personal_data.record_view(request.user, household, page="edit",
                                  member_ids=[f.instance.pk for f in formset.initial_forms])
    title = _("Thêm hộ gia đình") if creating else _("Sửa hộ %(c)s") % {"c": household.code}
    crumbs = _crumbs((title, None)) if creating else _crumbs(
        (household.code, reverse("households:detail", args=[household.pk])), (_("Sửa"), None))
    return render(request, "households/form.html", {
        "form": form, "formset": formset, "household": household, "title": title,
        "breadcrumbs": crumbs,
    }, status=status)


@require_http_methods(["GET", "POST"])
def household_create(request):
    if not scoping.scope_for(request.user).can_write_register:
        raise Http404
    return _save_household(request, None)


@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    return _save_household(request, selectors.household_for_change(actor=request.user, pk=pk))


# --- detail ----------------------------------------------------------------------------------

def household_detail(request, pk):
    household = selectors.household_detail(actor=request.user, pk=pk)
    members = selectors.household_members(household=household)
    full = scoping.can_see_personal_data(request.user, household)
    member_rows = [
        (
            m,
            (m.citizen_id or "") if full else personal_data.mask_citizen_id(m.citizen_id),
            m.date_of_birth.strftime("%d/%m/%Y") if full else personal_data.mask_date(m.date_of_birth),
        )
        for m in members
    ]
    if full and members:
        personal_data.record_view(request.user, household, page="detail", member_ids=[m.pk for m in members])
    can_change = selectors.writable_households_for(actor=request.user).filter(pk=household.pk).exists()
    return render(request, "households/detail.html", {
        "household": household,
        "member_rows": member_rows,
        "timeline": selectors.household_timeline(household=household),
        "history": selectors.household_history(actor=request.user, household=household),
        "can_change": can_change,
        "breadcrumbs": _crumbs((household.code, None)),
    })


# --- review ----------------------------------------------------------------------------------

def _correction_initial(old) -> dict:
    """The review form filled with the decision being corrected."""
    initial = {"kind": old.kind, "year": old.year, "income_per_capita": f"{old.income_per_capita:,}".replace(",", "."),
               "effective_date": old.effective_date, "notes": old.notes}
    for row in old.deprivations.select_related("indicator"):
        initial[f"ind_{row.indicator.code}"] = row.deprived
        if row.override_reason:
            initial[f"reason_{row.indicator.code}"] = row.override_reason
    return initial


def _list_day(data, today):
    """The day the reviewed list takes effect, read leniently from the form (the effective date,
    else the decision date, else today): the standard, the suggestions (ages on that day) and
    the area kind all follow from it."""
    for name in ("effective_date", "decision_date"):
        try:
            day = ReviewForm.base_fields[name].clean((data or {}).get(name) or None)
        except ValidationError:
            continue
        if day:
            return day
    return today


def _review_form(request, household, data, correcting=None):
    today = timezone.localdate()
    # A correction starts from the day the corrected decision took effect.
    day = _list_day(data, correcting.effective_date if correcting else today)
    year_error = None
    try:
        standard = standards.standard_on(day)
    except ValidationError as exc:
        year_error = exc.messages[0]
        day = today
        standard = standards.standard_on(today)
    suggestions = services.suggestions_for(household, day)
    form = ReviewForm(
        data, indicators=selectors.indicators_of(standard), suggestions=suggestions, correcting=correcting,
        initial=_correction_initial(correcting) if correcting else {"kind": "annual", "year": today.year},
    )
    form.list_day = day
    form.area = territory.area_for(household, day)
    return form, standard, suggestions, year_error


def _preview(household, standard, form):
    """The class the ticked indicators and income would give (nothing is saved)."""
    raw_income = form["income_per_capita"].value()
    try:
        income = MoneyField(required=True).clean(raw_income)
    except ValidationError:
        return {"error": _("Nhập thu nhập bình quân (không âm) để xem kết quả phân loại.")}
    codes = set(form.deprived_codes())
    names = [i.name for i in form.indicators if i.code in codes]
    result = classification.classify(standard, form.area.kind, income, names, area_basis=form.area.basis)
    return {"result": result}


@require_http_methods(["GET", "POST"])
def household_review(request, pk, assessment_pk=None):
    """A review, or (with ``assessment_pk``) a decision correcting that one: it supersedes it,
    with a reason; both stay in the history."""
    household = selectors.household_for_change(actor=request.user, pk=pk)
    correcting = (selectors.assessment_for_correction(household=household, pk=assessment_pk)
                  if assessment_pk is not None else None)
    if correcting is not None and correcting.superseded_by_id is not None:  # e.g. a second click
        messages.info(request, _("Quyết định số %(n)s đã được điều chỉnh bởi quyết định số %(m)s.") % {
            "n": correcting.decision_number, "m": correcting.superseded_by.decision_number})
        return redirect("households:detail", pk=household.pk)
    data = request.POST if request.method == "POST" else None
    form, standard, suggestions, year_error = _review_form(request, household, data, correcting)
    status = 200
    if data is not None:
        valid = form.is_valid()
        if year_error:
            form.add_error("year", year_error)
            valid = False
        if valid and needs_confirmation(request):
            return confirmation_page(
                request, question=_("Ghi quyết định điều chỉnh này?") if correcting else _("Ghi kết quả rà soát này?"),
                accept_label=_("Ghi quyết định"), cancel_url=reverse("households:detail", args=[household.pk]),
                summary_template="households/_review_summary.html",
                context={"household": household, "cd": form.cleaned_data, "preview": _preview(household, standard, form),
                         "kind_label": dict(form.fields["kind"].choices).get(form.cleaned_data["kind"], ""),
                         "breadcrumbs": _crumbs((household.code, reverse("households:detail", args=[household.pk])),
                                                (_("Rà soát"), None))})
        if valid:
            cd = form.cleaned_data
            try:
                assessment = services.assessment_record(
                    actor=request.user, household=household, kind=cd["kind"], year=cd["year"],
                    income_per_capita=cd["income_per_capita"], indicators=form.indicator_inputs(),
                    decision_number=cd["decision_number"], decision_date=cd["decision_date"],
                    effective_date=cd.get("effective_date"), notes=cd.get("notes", ""),
                    suggestions=suggestions, supersedes=correcting,
                    correction_reason=cd.get("correction_reason", ""),
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
                status = 400
            else:
                if assessment.already_recorded:
                    messages.info(request, _("Quyết định số %(n)s đã được ghi nhận trước đó; không ghi thêm.") % {
                        "n": assessment.decision_number})
                else:
                    messages.success(request, _("Đã ghi kết quả rà soát: %(c)s (%(m)s).") % {
                        "c": assessment.get_result_class_display(), "m": assessment.get_movement_display()})
                    if assessment.rederived:
                        messages.info(request, _(
                            "Quyết định có hiệu lực trước %(n)d quyết định đã ghi của hộ; biến động của các quyết "
                            "định đó đã được tính lại.") % {"n": len(assessment.rederived)})
                return redirect("households:detail", pk=household.pk)
        else:
            status = 400
    return render(request, "households/review.html", {
        "household": household, "form": form, "standard": standard, "correcting": correcting,
        "preview": _preview(household, standard, form),
        "breadcrumbs": _crumbs((household.code, reverse("households:detail", args=[household.pk])),
                               (_("Điều chỉnh quyết định") if correcting else _("Rà soát"), None)),
    }, status=status)


@require_POST
def household_review_preview(request, pk):
    household = selectors.household_for_change(actor=request.user, pk=pk)
    form, standard, _s, year_error = _review_form(request, household, request.POST)
    context = {"preview": _preview(household, standard, form), "standard": standard, "year_error": year_error}
    return render(request, "households/_class_preview.html", context)


# --- delete ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def household_delete(request, pk):
    household = selectors.household_for_change(actor=request.user, pk=pk)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if needs_confirmation(request):
            return confirmation_page(
                request, question=_("Xoá hộ %(c)s khỏi danh sách?") % {"c": household.code},
                accept_label=_("Xoá hộ"), danger=True, cancel_url=reverse("households:detail", args=[household.pk]),
                summary_template="households/_delete_summary.html",
                context={"household": household, "reason": form.cleaned_data["reason"],
                         "breadcrumbs": _crumbs((household.code, reverse("households:detail", args=[household.pk])),
                                                (_("Xoá"), None))})
        services.household_soft_delete(actor=request.user, household=household, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã xoá hộ %(c)s khỏi danh sách.") % {"c": household.code})
        return redirect("households:list")
    return render(request, "households/delete.html", {
        "household": household, "form": form,
        "breadcrumbs": _crumbs((household.code, reverse("households:detail", args=[household.pk])),
                               (_("Xoá"), None)),
    }, status=400 if form.is_bound else 200)
