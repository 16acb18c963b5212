"""Forms of the review pages. They parse and bound the input; the procedure's rules are in
``campaigns.services`` / ``campaigns.rules``, whose messages the views put next to the fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns import rules
from campaigns.models import Application
from households.forms import DATE_INPUT_FORMATS, BootstrapMixin, DateInput, MoneyField
from households.services import IndicatorInput
from households.text import nfc

MAX_INCOME = 1_000_000_000


def _bootstrap(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def date_field(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), input_formats=DATE_INPUT_FORMATS,
                           help_text=help_text)


def text(label, max_length, required=True, rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


class CleanTextMixin:
    """Vietnamese text in NFC, without surrounding spaces."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = nfc(value).strip()
        return data


class BaseForm(CleanTextMixin, BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class PercentField(forms.DecimalField):
    """A percentage typed as "62,5" or "62.5" (0–100)."""

    default_error_messages = {"invalid": _("Nhập tỷ lệ phần trăm bằng số, ví dụ 62,5.")}

    def __init__(self, **kwargs):
        super().__init__(min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("%", "").replace(",", ".")
        try:
            return super().to_python(value)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- campaigns ------------------------------------------------------------------------------

class OpenCampaignsForm(BaseForm):
    review_year = forms.IntegerField(label=_("Năm rà soát"), min_value=2000, max_value=2100)
    start_date = date_field(_("Bắt đầu"), required=False, help_text=_("Để trống: ngày 01/9."))
    end_date = date_field(_("Kết thúc"), required=False, help_text=_("Để trống: ngày 14/12."))


class ScheduleForm(BaseForm):
    start_date = date_field(_("Bắt đầu"))
    end_date = date_field(_("Kết thúc"))


class FlagForm(BaseForm):
    code = text(_("Mã hộ"), 30)
    note = text(_("Lý do đề xuất rà soát"), 255)


class IndicatorFormMixin:
    """The indicators of a standard: a box each, ticked from the member-data suggestion, and a
    reason when the officer decides otherwise (required then)."""

    def add_indicators(self, indicators, suggestions, initial_survey_rows=None):
        self.indicators = indicators
        self.suggestions = suggestions
        previous = {r.indicator.code: r for r in initial_survey_rows or []}
        for ind in indicators:
            suggestion = suggestions.get(ind.code)
            if ind.code in previous:
                initial = previous[ind.code].deprived
            else:
                initial = suggestion.deprived if suggestion else False
            self.fields[f"ind_{ind.code}"] = forms.BooleanField(label=f"{ind.number}. {ind.name}", required=False,
                                                                initial=initial)
            self.fields[f"reason_{ind.code}"] = forms.CharField(
                label=_("Lý do khác với gợi ý"), required=False, max_length=255,
                initial=previous[ind.code].override_reason if ind.code in previous else "")

    def indicator_rows(self):
        return [(ind, self[f"ind_{ind.code}"], self[f"reason_{ind.code}"], self.suggestions.get(ind.code))
                for ind in self.indicators]

    def check_indicator_reasons(self, data):
        for ind in self.indicators:
            suggestion = self.suggestions.get(ind.code)
            ticked = bool(data.get(f"ind_{ind.code}"))
            if suggestion is not None and suggestion.deprived != ticked and not (data.get(f"reason_{ind.code}") or ""):
                self.add_error(f"reason_{ind.code}", _("Khác với gợi ý từ dữ liệu thành viên (%(r)s): cần nêu lý do.")
                               % {"r": suggestion.reason})

    def indicator_inputs(self) -> dict[str, IndicatorInput]:
        data = self.cleaned_data
        return {ind.code: IndicatorInput(bool(data.get(f"ind_{ind.code}")), data.get(f"reason_{ind.code}") or "")
                for ind in self.indicators}


class SurveyForm(IndicatorFormMixin, BaseForm):
    survey_date = date_field(_("Ngày khảo sát"))
    income_per_capita = MoneyField(label=_("Thu nhập bình quân (đ/người/tháng)"), max_value=MAX_INCOME)
    proxy_score = forms.IntegerField(label=_("Điểm thu nhập theo Phiếu B (nếu có)"), required=False,
                                     min_value=0, max_value=10_000)
    notes = text(_("Ghi chú"), 2000, required=False, rows=2)

    def __init__(self, *args, indicators, suggestions, previous_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_indicators(indicators, suggestions, previous_rows)
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        self.check_indicator_reasons(data)
        return data


class MeetingForm(BaseForm):
    village = forms.ChoiceField(label=_("Thôn/khối phố"))
    held_on = date_field(_("Ngày họp"))
    attendees = forms.IntegerField(label=_("Số người dự họp"), min_value=1, max_value=100_000)
    agreement_percent = PercentField(label=_("Tỷ lệ đồng ý (%)"),
                                     help_text=_("Dưới 50 % thì danh sách của thôn chưa được thông qua."))
    chaired_by = text(_("Người chủ trì"), 100, required=False)
    minutes_text = text(_("Nội dung biên bản"), 20_000, required=False, rows=4)
    minutes_file = forms.FileField(label=_("Tệp biên bản (PDF, JPG, PNG; tối đa 10 MB)"), required=False,
                                   widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v, rules.village_label(v)) for v in villages]

    def clean(self):
        data = super().clean()
        if not data.get("minutes_text") and not data.get("minutes_file") and not self.has_error("minutes_file"):
            self.add_error("minutes_text", _("Ghi nội dung biên bản hoặc tải lên tệp biên bản."))
        return data


class PostingForm(BaseForm):
    start_date = date_field(_("Niêm yết từ ngày"))
    end_date = date_field(_("Đến ngày"))
    place = text(_("Địa điểm niêm yết"), 255)
    notes = text(_("Ghi chú"), 2000, required=False, rows=2)


class ComplaintForm(BaseForm):
    entry = forms.ChoiceField(label=_("Hộ liên quan"), required=False)
    received_on = date_field(_("Ngày nhận"))
    complainant = text(_("Người khiếu nại"), 150)
    content = text(_("Nội dung"), 5000, rows=2)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {str(e.pk): e for e in entries}
        self.fields["entry"].choices = [("", _("Cả danh sách"))] + [
            (str(e.pk), f"{e.household.code} – {getattr(e, 'head_name', '') or ''}") for e in entries]

    def entry_obj(self):
        return self.entries.get(self.cleaned_data.get("entry") or "")


class ResolveForm(BaseForm):
    resolved_on = date_field(_("Ngày giải quyết"))
    resolution = text(_("Kết quả giải quyết"), 5000, rows=2)


class DecisionForm(BaseForm):
    number = text(_("Số quyết định"), 50)
    decision_date = date_field(_("Ngày quyết định"))
    effective_date = date_field(_("Ngày có hiệu lực"), required=False,
                                help_text=_("Để trống: ngày danh sách có hiệu lực (01/01 năm sau)."))
    signer = text(_("Người ký (Chủ tịch UBND)"), 100, required=False)


# --- applications --------------------------------------------------------------------------------

class ApplicationForm(BaseForm):
    code = text(_("Mã hộ"), 30)
    kind = forms.ChoiceField(label=_("Loại đơn"), choices=Application.Kind.choices)
    received_on = date_field(_("Ngày nhận đơn"))
    applicant = text(_("Người làm đơn"), 150)
    content = text(_("Nội dung"), 5000, required=False, rows=2)


class ApplicationDecisionForm(SurveyForm):
    decision_number = text(_("Số quyết định"), 50)
    decision_date = date_field(_("Ngày quyết định"))
    effective_date = date_field(_("Ngày có hiệu lực"), required=False,
                                help_text=_("Để trống nếu có hiệu lực từ ngày quyết định."))


class WithdrawForm(BaseForm):
    closed_on = date_field(_("Ngày rút đơn"))
    reason = text(_("Lý do"), 255)


# --- the simulation ------------------------------------------------------------------------------

class SimulationForm(BaseForm):
    standard = forms.ChoiceField(label=_("Chuẩn nghèo"))
    date = date_field(_("Áp dụng từ ngày"))
    # Checked against the reader's scope by the selector (another unit answers 404, not a form error).
    unit = forms.CharField(label=_("Phường/xã"), required=False, max_length=20, widget=forms.Select)

    def __init__(self, *args, standards, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [(s.code, str(s)) for s in standards]
        self.fields["unit"].widget.choices = [("", _("Tất cả"))] + [(str(u.pk), str(u)) for u in units]

