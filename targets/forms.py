from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import PovertyClass
from support.models import QuotaGroup
from tamky_poverty.forms import CleanTextMixin
from tamky_poverty.widgets import DATE_INPUT_FORMATS, DateInput
from targets.models import Plan

DATE_WIDGET = DateInput()  # the project's date input (tamky_poverty.widgets)


class PlanForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "document_number", "document_date", "issuer", "signer"]
        widgets = {"document_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_date"].input_formats = DATE_INPUT_FORMATS
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def _post_clean(self):
        pass  # the service validates the model


def _count(label):
    return forms.IntegerField(label=label, min_value=0, max_value=100000, initial=0,
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))


class TargetsForm(forms.Form):
    """One pair of numbers per unit: ``poor_<id>`` and ``near_poor_<id>``."""

    def __init__(self, *args, units, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        for u in self.units:
            t = targets.get(u.id)
            self.fields[f"poor_{u.id}"] = _count(_("%(u)s: hộ nghèo thoát nghèo") % {"u": u.name})
            self.fields[f"near_poor_{u.id}"] = _count(_("%(u)s: hộ cận nghèo thoát cận nghèo") % {"u": u.name})
            self.initial[f"poor_{u.id}"] = t.poor_exit_target if t else 0
            self.initial[f"near_poor_{u.id}"] = t.near_poor_exit_target if t else 0

    def rows(self):
        return [(u, self[f"poor_{u.id}"], self[f"near_poor_{u.id}"]) for u in self.units]


QUOTA_CLASSES = (PovertyClass.POOR, PovertyClass.NEAR_POOR)


class QuotasForm(forms.Form):
    """Households and items per quota kind and class: ``<kind>__<class>__households|items``."""

    def __init__(self, *args, quotas, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_labels = {g.code: str(g) for g in QuotaGroup.objects.all()}
        self.keys = [(k, c) for k in self.kind_labels for c in QUOTA_CLASSES]
        kinds, classes = self.kind_labels, dict(PovertyClass.choices)
        for k, c in self.keys:
            q = quotas.get((k, c))
            for part, label in (("households", _("số hộ")), ("items", _("số lượng"))):
                name = f"{k}__{c}__{part}"
                self.fields[name] = _count(f"{kinds[k]} – {classes[c]}: {label}")
                self.initial[name] = getattr(q, part) if q else 0

    def rows(self):
        kinds, classes = self.kind_labels, dict(PovertyClass.choices)
        return [(kinds[k], classes[c], self[f"{k}__{c}__households"], self[f"{k}__{c}__items"]) for k, c in self.keys]
