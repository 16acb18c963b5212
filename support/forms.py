from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Indicator, PovertyClass
from support.models import ActionStatus, SupportAction, SupportKind
from support.services import TRANSITIONS
from tamky_poverty.models import Agency
from tamky_poverty.widgets import DATE_INPUT_FORMATS, DateInput, use_money_input

DATE_WIDGET = DateInput()  # the project's date input (tamky_poverty.widgets)


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
        widget.attrs.setdefault("class", css)


from tamky_poverty.forms import BoundedModelMultipleChoiceField, CleanTextMixin  # noqa: E402


class ActionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = SupportAction
        fields = [
            "kind", "indicator", "member", "description", "quantity", "lead_agency", "coordinating_agencies",
            "funding_source", "amount", "plan_year", "planned_date", "sponsor", "monthly_amount",
            "sponsorship_start", "sponsorship_end", "notes",
        ]
        widgets = {
            "planned_date": DATE_WIDGET,
            "sponsorship_start": DATE_WIDGET,
            "sponsorship_end": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "coordinating_agencies": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"coordinating_agencies": BoundedModelMultipleChoiceField}

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["member"].queryset = household.members.all().order_by("date_of_birth", "id")
        standard_id = household.current_standard_id
        indicators = Indicator.objects.all()
        if standard_id:
            indicators = indicators.filter(standard_id=standard_id)
        else:
            indicators = indicators.filter(standard__code="ND07-2021")
        self.fields["indicator"].queryset = indicators.order_by("number")
        agencies = Agency.objects.select_related("unit").order_by("kind", "name")
        self.fields["lead_agency"].queryset = agencies
        self.fields["coordinating_agencies"].queryset = agencies
        self.fields["coordinating_agencies"].required = False
        self.fields["description"].required = False
        for name in ("planned_date", "sponsorship_start", "sponsorship_end"):
            self.fields[name].input_formats = DATE_INPUT_FORMATS
        use_money_input(self, "amount", "monthly_amount")
        self.fields["amount"].help_text = _("Đồng, ví dụ 20.000.000.")
        _bootstrap(self)

    def _post_clean(self):
        # Model-level validation runs in the service (with the household set); only the
        # per-field validation of the form happens here.
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["coordinating_agencies"] = list(data.get("coordinating_agencies") or [])
        data["description"] = data.get("description") or ""
        for name in ("amount",):
            data[name] = data.get(name) or 0
        return data


class TransitionForm(CleanTextMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("Chuyển sang"), choices=ActionStatus.choices)
    date = forms.DateField(label=_("Ngày hoàn thành"), required=False, widget=DATE_WIDGET,
                           input_formats=DATE_INPUT_FORMATS)
    reason = forms.CharField(label=_("Lý do / ghi chú"), max_length=255, required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ActionStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in TRANSITIONS[action.status]]
        _bootstrap(self)


class ActionFilterForm(CleanTextMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Phường/xã"), queryset=None, required=False,
                                  empty_label=_("Tất cả"))
    kind = forms.ChoiceField(label=_("Loại hỗ trợ"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả"))] + list(ActionStatus.choices))
    agency = forms.ModelChoiceField(label=_("Cơ quan chủ trì"), queryset=None, required=False,
                                    empty_label=_("Tất cả"))
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, units, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        # The query parameter is ``class`` (a Python keyword, hence declared here).
        fields = list(self.fields.items())
        fields.insert(4, ("class", forms.ChoiceField(label=_("Diện hộ"), required=False,
                                                     choices=[("", _("Tất cả"))] + list(PovertyClass.choices))))
        self.fields = dict(fields)
        self.fields["unit"].queryset = units
        self.fields["agency"].queryset = agencies
        self.fields["kind"].choices = [("", _("Tất cả"))] + [(k.code, str(k)) for k in SupportKind.objects.all()]
        _bootstrap(self)


class HouseholdPickForm(CleanTextMixin, forms.Form):
    code = forms.CharField(label=_("Mã hộ"), max_length=30)
    unit = forms.ModelChoiceField(label=_("Phường/xã"), queryset=None, required=False, empty_label=_("Tất cả"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        _bootstrap(self)
