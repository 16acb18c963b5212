"""Pages of the year's plan. Everyone logged in reads; TNMT reviewers and administrators edit
(403 for others). Thin: reads via ``targets.selectors``, writes via ``targets.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamky_poverty import scoping
from targets import selectors, services
from targets.forms import PlanForm, QuotasForm, TargetsForm


def _year(request) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _require_editor(request):
    if not scoping.can_edit_plan(request.user):
        raise PermissionDenied


def _plan_or_404(year):
    plan = selectors.plan_for_year(year)
    if plan is None or plan.year != year:
        raise Http404
    return plan


def _crumbs(plan, *items):
    return [(_("Kế hoạch năm %(y)s") % {"y": plan.year}, f"{reverse('targets:plan')}?year={plan.year}"), *items]


def plan_detail(request):
    year = _year(request)
    plan = selectors.plan_for_year(year)
    if plan is None:
        shown = year or timezone.localdate().year
        previous = selectors.plan_for_year(shown - 1)
        return render(request, "targets/no_plan.html", {
            "year": shown, "years": selectors.plan_years(),
            "can_edit": scoping.can_edit_plan(request.user),
            "previous": previous if previous is not None and previous.year == shown - 1 else None,
            "breadcrumbs": [(_("Kế hoạch"), None)],
        }, status=404 if year else 200)
    table = selectors.quota_counts(plan=plan)
    targets = selectors.unit_targets(plan)
    return render(request, "targets/plan_detail.html", {
        "plan": plan, "years": selectors.plan_years(), "targets": targets,
        "target_totals": (sum(t.poor_exit_target for t in targets), sum(t.near_poor_exit_target for t in targets)),
        "quota_table": table, "quota_totals": table.totals(),
        "can_edit": scoping.can_edit_plan(request.user),
        "next_year": plan.year + 1, "next_exists": plan.year + 1 in selectors.plan_years(),
        "breadcrumbs": [(_("Kế hoạch năm %(y)s") % {"y": plan.year}, None)],
    })


def plan_edit(request, year):
    _require_editor(request)
    if not 2000 <= year <= 2100:
        raise Http404
    plan = selectors.plan_for_year(year)
    plan = plan if plan and plan.year == year else None
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            for e in exc.messages:
                form.add_error(None, e)
        else:
            messages.success(request, _("Đã lưu kế hoạch năm %(y)s.") % {"y": year})
            return redirect(f"{reverse('targets:plan')}?year={year}")
    return render(request, "targets/plan_form.html", {
        "form": form, "year": year, "plan": plan,
        "breadcrumbs": [(_("Kế hoạch năm %(y)s") % {"y": year}, f"{reverse('targets:plan')}?year={year}"),
                        (_("Sửa"), None)],
    })


@require_POST
def plan_copy(request, year):
    """TNMT starts the plan of ``year`` from the previous one (``services.plan_copy_from_previous``)."""
    _require_editor(request)
    if not 2000 <= year <= 2100:
        raise Http404
    try:
        result = services.plan_copy_from_previous(actor=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('targets:plan')}?year={year}")
    messages.success(request, _("Đã lập kế hoạch năm %(y)s từ kế hoạch năm %(p)s: %(t)s đơn vị có chỉ tiêu, "
                                "%(q)s định mức. Hãy kiểm tra, sửa chỉ tiêu và ghi số, ngày văn bản.")
                     % {"y": year, "p": year - 1, "t": result.targets, "q": result.quotas})
    if result.merged:
        messages.info(request, _("Chỉ tiêu của đơn vị đã sắp xếp được cộng vào đơn vị mới: %(l)s.")
                      % {"l": "; ".join(result.merged)})
    if result.dropped:
        messages.warning(request, _("Không chuyển được chỉ tiêu của: %(l)s (đơn vị không còn hiệu lực).")
                         % {"l": "; ".join(result.dropped)})
    return redirect(f"{reverse('targets:plan')}?year={year}")


def target_edit(request, year):
    _require_editor(request)
    plan = _plan_or_404(year)
    targets = {t.unit_id: t for t in selectors.unit_targets(plan)}
    units = list(selectors.units_for_year(year))
    units += [t.unit for uid, t in targets.items() if uid not in {u.id for u in units}]
    form = TargetsForm(request.POST or None, units=units, targets=targets)
    if request.method == "POST" and form.is_valid():
        values = {u: (form.cleaned_data[f"poor_{u.id}"], form.cleaned_data[f"near_poor_{u.id}"]) for u in units}
        try:
            services.unit_targets_save(actor=request.user, plan=plan, targets=values)
        except ValidationError as exc:
            for e in exc.messages:
                form.add_error(None, e)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu giảm nghèo (Phụ lục 01)."))
            return redirect(f"{reverse('targets:plan')}?year={year}")
    return render(request, "targets/target_form.html", {
        "form": form, "plan": plan, "breadcrumbs": _crumbs(plan, (_("Chỉ tiêu theo đơn vị"), None)),
    }, status=400 if form.errors else 200)


def quota_edit(request, year):
    _require_editor(request)
    plan = _plan_or_404(year)
    quotas = {(q.kind_id, q.household_class): q for q in selectors.quotas(plan)}
    form = QuotasForm(request.POST or None, quotas=quotas)
    if request.method == "POST" and form.is_valid():
        values = {
            (k, c): (form.cleaned_data[f"{k}__{c}__households"], form.cleaned_data[f"{k}__{c}__items"])
            for k, c in form.keys
        }
        try:
            services.quotas_save(actor=request.user, plan=plan, quotas=values)
        except ValidationError as exc:
            for e in exc.messages:
                form.add_error(None, e)
        else:
            messages.success(request, _("Đã lưu định mức hỗ trợ."))
            return redirect(f"{reverse('targets:plan')}?year={year}")
    return render(request, "targets/quota_form.html", {
        "form": form, "plan": plan, "breadcrumbs": _crumbs(plan, (_("Định mức hỗ trợ"), None)),
    }, status=400 if form.errors else 200)


def progress(request):
    year = _year(request)
    plan = selectors.plan_for_year(year)
    if plan is None:
        return render(request, "targets/no_plan.html", {
            "year": year or timezone.localdate().year, "years": selectors.plan_years(),
            "can_edit": scoping.can_edit_plan(request.user), "breadcrumbs": [(_("Tiến độ"), None)],
        }, status=404 if year else 200)
    result = selectors.progress(actor=request.user, plan=plan)
    return render(request, "targets/progress.html", {
        "plan": plan, "progress": result, "years": selectors.plan_years(),
        "breadcrumbs": _crumbs(plan, (_("Tiến độ thực hiện"), None)),
    })
