"""The territory pages: units in time and reorganisations (everyone reads), the yearly household
totals and the transitional area rules (TNMT and administrators edit; 403 for others)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tamky_poverty import scoping, selectors, services
from tamky_poverty.forms_territory import AreaRuleForm, YearFiguresForm


def _require_editor(request):
    if not scoping.can_edit_plan(request.user):
        raise PermissionDenied


def _day(value, default: dt.date) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value or "", fmt).date()
        except ValueError:
            continue
    return default


def units(request):
    today = timezone.localdate()
    day = _day(request.GET.get("ngay"), today)
    return render(request, "territory/units.html", {
        "day": day, "units": selectors.units_on(day), "reorganisations": selectors.reorganisations(),
        "rules": selectors.area_rules(), "can_edit": scoping.can_edit_plan(request.user),
        "figure_year": today.year, "breadcrumbs": [(_("Địa bàn"), None)],
    })


def year_figures(request, year: int):
    _require_editor(request)
    if not 2000 <= year <= 2100:
        raise PermissionDenied
    form = YearFiguresForm(request.POST or None, rows=selectors.year_figures(year))
    if request.method == "POST" and form.is_valid():
        try:
            n = services.unit_year_figures_save(actor=request.user, year=year, totals=form.totals())
        except ValidationError as exc:
            for e in exc.messages:
                form.add_error(None, e)
        else:
            messages.success(request, _("Đã lưu số hộ dân cư năm %(y)s (%(n)d thay đổi).") % {"y": year, "n": n})
            return redirect("territory:units")
    return render(request, "territory/year_figures.html", {
        "form": form, "year": year,
        "breadcrumbs": [(_("Địa bàn"), reverse("territory:units")), (_("Số hộ dân cư năm %(y)s") % {"y": year}, None)],
    }, status=400 if form.errors else 200)


def _area_rule_form(request, rule=None):
    _require_editor(request)
    form = AreaRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_rule_save(actor=request.user, rule=form.instance)
        except ValidationError as exc:
            for e in exc.messages:
                form.add_error(None, e)
        else:
            messages.success(request, _("Đã lưu quy định khu vực chuyển tiếp."))
            return redirect("territory:units")
    return render(request, "territory/area_rule_form.html", {
        "form": form, "rule": rule,
        "breadcrumbs": [(_("Địa bàn"), reverse("territory:units")), (_("Quy định khu vực chuyển tiếp"), None)],
    }, status=400 if form.errors else 200)


def area_rule_create(request):
    return _area_rule_form(request)


def area_rule_edit(request, pk: int):
    _require_editor(request)
    return _area_rule_form(request, selectors.area_rule(pk))
