"""Forms of the territory pages (TNMT): yearly household totals and transitional area rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tamky_poverty.models import AdministrativeUnit, AreaRule
from tamky_poverty.widgets import DATE_INPUT_FORMATS as DATE_FORMATS
from tamky_poverty.widgets import DateInput


def _date_widget():
    return DateInput()  # the project's date input (tamky_poverty.widgets)


class YearFiguresForm(forms.Form):
    """One number per unit valid in the year: ``total_<unit id>`` (empty = not recorded)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = [u for u, _f in rows]
        for unit, figure in rows:
            name = f"total_{unit.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("%(u)s: tổng số hộ dân cư") % {"u": unit}, required=False, min_value=0,
                max_value=2_000_000, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.initial[name] = figure.total_households if figure else None

    def rows(self):
        return [(u, self[f"total_{u.pk}"]) for u in self.units]

    def totals(self) -> dict:
        return {u: self.cleaned_data.get(f"total_{u.pk}") for u in self.units}


class AreaRuleForm(forms.ModelForm):
    class Meta:
        model = AreaRule
        fields = ["unit", "area_kind", "valid_from", "valid_to", "legal_basis_number", "legal_basis_date", "note"]
        widgets = {"valid_from": _date_widget(), "valid_to": _date_widget(), "legal_basis_date": _date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdministrativeUnit.objects.order_by("valid_from", "kind", "name")
        self.fields["unit"].label_from_instance = lambda u: (
            f"{u} ({u.valid_from:%d/%m/%Y} – )" if u.valid_from else _("%(u)s (đến %(valid_to)s)") % {"u": u, "valid_to": f"{u.valid_to:%d/%m/%Y}"}
            if u.valid_to else str(u))
        for name in ("valid_from", "valid_to", "legal_basis_date"):
            self.fields[name].input_formats = DATE_FORMATS
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")
