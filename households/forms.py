"""Forms of the household pages. Validation messages are Vietnamese and sit next to their
fields; the rules themselves live in the models, ``classification`` and ``services``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households import selectors
from households.derivation import age_on
from households.models import Assessment, Household, Member, PovertyClass
from households.plausibility import MemberFacts, implausibilities
from households.text import nfc
from tamky_poverty import personal_data, scoping
from tamky_poverty.forms import CleanTextMixin
from tamky_poverty.widgets import DATE_INPUT_FORMATS, DateField, DateInput, MoneyField  # noqa: F401 (campaigns imports them from here)


def _bootstrap(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:
            widget.attrs["class"] = " ".join([*classes, css])


class BootstrapMixin:
    """Marks the widgets of fields with errors ``is-invalid`` once the form is cleaned (not
    earlier: formsets add fields after ``__init__``)."""

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


# --- list filters -----------------------------------------------------------------------------

class HouseholdFilterForm(CleanTextMixin, BootstrapMixin, forms.Form):
    PER_PAGE = [(10, "10"), (25, "25"), (50, "50"), (100, "100")]

    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tên, mã hộ, số định danh…")}))
    unit = forms.ModelChoiceField(label=_("Phường/xã"), queryset=None, required=False, empty_label=_("Tất cả"))
    village = forms.CharField(label=_("Thôn/khối phố"), required=False, max_length=100)
    current_class = forms.ChoiceField(label=_("Phân loại"), required=False,
                                      choices=[("", _("Tất cả"))] + list(PovertyClass.choices))
    group = forms.ChoiceField(label=_("Nhóm hộ"), required=False,
                              choices=[("", _("Tất cả"))] + list(Household.Group.choices))
    indicator = forms.ChoiceField(label=_("Thiếu hụt chỉ số"), required=False)
    registered_exit_year = forms.IntegerField(label=_("Đăng ký thoát năm"), required=False,
                                              min_value=2000, max_value=2100)
    DEFAULT_PER_PAGE = 25
    per_page = forms.TypedChoiceField(label=_("Số dòng mỗi trang"), choices=PER_PAGE, coerce=int,
                                      required=False, empty_value=DEFAULT_PER_PAGE, initial=DEFAULT_PER_PAGE)

    def __init__(self, data=None, *args, actor, **kwargs):
        if data is not None and data.get("per_page") not in {str(n) for n, _label in self.PER_PAGE}:
            # The selector shows the number of rows the list uses: none or a forged value → 25
            # (and a bad value does not drop the other filters).
            data = data.copy()
            data["per_page"] = str(self.DEFAULT_PER_PAGE)
        super().__init__(data, *args, **kwargs)
        self.fields["unit"].queryset = selectors.units_for(actor=actor)
        self.fields["indicator"].choices = [("", _("Tất cả"))] + selectors.indicator_choices()
        _bootstrap(self)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"q": self.data.get("q", "")} if not self.errors.get("q") else {}
        return self.cleaned_data

    @property
    def page_size(self) -> int:
        return (self.cleaned_data.get("per_page") if self.is_valid() else None) or self.DEFAULT_PER_PAGE


# --- household and members ------------------------------------------------------------------

class HouseholdForm(CleanTextMixin, BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["unit", "code", "village", "address", "group", "registered_exit_year",
                  "ethnic_minority", "social_policy", "floor_area_m2"]
        widgets = {"floor_area_m2": forms.NumberInput(attrs={"step": "0.1", "min": "0"})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.units_for(actor=actor)
        self.fields["unit"].queryset = units
        scope = scoping.scope_for(actor)
        if scope.own_unit_only:
            # A ward officer registers households of their own unit only.
            unit_id = self.instance.unit_id if self.instance.pk else scope.home_unit_id
            self.fields["unit"].disabled = True
            self.fields["unit"].initial = unit_id
            self.initial["unit"] = unit_id
            self.fields["unit"].queryset = units.model.objects.filter(pk=unit_id)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["floor_area_m2"].error_messages["min_value"] = _("Diện tích không được âm.")
        self.fields["registered_exit_year"].widget.attrs.update({"min": 2000, "max": 2100})
        _bootstrap(self)

    def clean_code(self):
        code = nfc(self.cleaned_data.get("code"))
        if not code:
            raise forms.ValidationError(_("Nhập mã hộ."))
        return code

    def clean_village(self):
        return nfc(self.cleaned_data.get("village"))

    def clean_address(self):
        return nfc(self.cleaned_data.get("address"))

    def clean_floor_area_m2(self):
        value = self.cleaned_data.get("floor_area_m2")
        if value is not None and value < 0:
            raise forms.ValidationError(_("Diện tích không được âm."))
        return value

    def clean(self):
        data = super().clean()
        unit, code = data.get("unit"), data.get("code")
        if unit and code:
            clash = Household.objects.filter(unit=unit, code=code).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("Mã hộ “%(c)s” đã có ở %(u)s.") % {"c": code, "u": unit})
        if self.instance.pk and data.get("version") is None:
            self.add_error(None, _("Thiếu phiên bản của hồ sơ; vui lòng tải lại trang."))
        return data

    def household_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


MEMBER_FIELDS = ("full_name", "relation", "sex", "date_of_birth", "citizen_id", "ethnicity",
                 "has_health_insurance", "schooling", "highest_diploma", "employment",
                 "has_disability", "social_allowance", "nutrition")


MAX_MEMBERS = 30
# The ages whose schooling the review's "child schooling" indicator reads (3 to under 16).
SCHOOL_AGE_FROM, SCHOOL_AGE_TO = 3, 15
SCHOOLING_OF_CHILDREN = (Member.Schooling.ATTENDING, Member.Schooling.NOT_ATTENDING)


class MemberForm(CleanTextMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = {"date_of_birth": DateInput(),
                   "citizen_id": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12,
                                                        "autocomplete": "off"})}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["date_of_birth"].input_formats = DATE_INPUT_FORMATS
        self.fields["date_of_birth"].error_messages["invalid"] = DateField.default_error_messages["invalid"]
        # Schooling has no silent default: "Không thuộc diện" preselected for a child made the
        # review suggest a false deprivation. A new member starts on "— Chọn —"; the choice is
        # required for ages 3–15 (clean) and means "not applicable" when left empty for others.
        schooling = self.fields["schooling"]
        schooling.choices = [("", _("— Chọn —")), *Member.Schooling.choices]
        schooling.required = False
        if self.instance.pk is None and "schooling" not in self.initial:
            schooling.initial = ""
        schooling.help_text = _("Bắt buộc với trẻ từ 3 đến 15 tuổi.")
        _bootstrap(self)

    def clean_full_name(self):
        name = nfc(self.cleaned_data.get("full_name"))
        if not name:
            raise forms.ValidationError(_("Nhập họ và tên."))
        return name

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("Ngày sinh không được ở tương lai."))
        if born and born < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Ngày sinh không hợp lệ."))
        return born

    def clean(self):
        data = super().clean()
        born, schooling = data.get("date_of_birth"), data.get("schooling")
        if born is not None and "schooling" not in self.errors:
            age = age_on(born, timezone.localdate())
            if SCHOOL_AGE_FROM <= age <= SCHOOL_AGE_TO and schooling not in SCHOOLING_OF_CHILDREN:
                self.add_error("schooling", _(
                    "Trẻ %(age)d tuổi (từ 3 đến 15 tuổi): chọn “Đang đi học” hoặc “Không đi học”."
                ) % {"age": age})
            elif not schooling:
                data["schooling"] = Member.Schooling.NOT_APPLICABLE
        return data

    def clean_citizen_id(self):
        value = (self.cleaned_data.get("citizen_id") or "").replace(" ", "")
        if not value:
            return None
        if not re.fullmatch(r"[0-9]{12}", value):
            raise forms.ValidationError(_("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."))
        taken = (Member.objects.filter(citizen_id=value).exclude(pk=self.instance.pk)
                 .select_related("household__unit").first())
        if taken is not None:
            # Named only to those who may see that household's data (personal data policy 6).
            raise forms.ValidationError(personal_data.citizen_id_taken_message(self.actor, taken.household))
        return value

    def _get_validation_exclusions(self):
        # The citizen ID is checked by clean_citizen_id (format, and a message that names another
        # household only to who may see it) and again by the service at save; the model's own
        # constraint check here would repeat it in the constraint's words ("Constraint
        # “citizen_id_unique” is violated"), e.g. when another save lands between the two queries.
        return super()._get_validation_exclusions() | {"citizen_id"}

    def member_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEMBER_FIELDS}


class BaseMemberFormSet(BaseInlineFormSet):
    """The members of a household. Beyond each member's own checks: at least one member, exactly
    one head, no citizen ID twice, and the plausibility of ages against relations
    (``households.plausibility``): those are warnings the officer confirms once with the
    checkbox ``confirm_warnings`` (its value names the warnings confirmed, so a changed warning
    must be confirmed again)."""

    CONFIRM_FIELD = "confirm_warnings"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[tuple[MemberForm, str]] = []

    @property
    def warnings_key(self) -> str:
        text = "\n".join(message for _form, message in self.warnings)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def warnings_confirmed(self) -> bool:
        return bool(self.warnings) and self.data.get(self.confirm_name) == self.warnings_key

    @property
    def confirm_name(self) -> str:
        return self.add_prefix(self.CONFIRM_FIELD)

    @property
    def confirm_id(self) -> str:
        return f"id_{self.confirm_name}"

    def clean(self):
        super().clean()
        self.warnings = []
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if not kept:
            raise forms.ValidationError(_("Hộ phải có ít nhất một thành viên."))
        heads = [f for f in kept if f.cleaned_data.get("relation") == Member.Relation.HEAD]
        if len(heads) != 1:
            raise forms.ValidationError(
                _("Hộ phải có đúng một chủ hộ (hiện có %(n)d người được ghi là chủ hộ).") % {"n": len(heads)}
            )
        seen: dict[str, MemberForm] = {}
        for f in kept:
            cid = f.cleaned_data.get("citizen_id")
            if cid and cid in seen:
                f.add_error("citizen_id", _("Số định danh này trùng với một thành viên khác trong hộ."))
            elif cid:
                seen[cid] = f
        facts = [MemberFacts(f.cleaned_data["full_name"], f.cleaned_data["relation"], f.cleaned_data["sex"],
                             f.cleaned_data["date_of_birth"]) for f in kept]
        self.warnings = [(kept[w.index], w.message) for w in implausibilities(facts, timezone.localdate())]
        if self.warnings and not self.warnings_confirmed:
            raise forms.ValidationError(
                _("Có %(n)d điểm bất thường về tuổi và quan hệ với chủ hộ. Kiểm tra lại; nếu dữ liệu đúng, "
                  "đánh dấu “Tôi đã kiểm tra, dữ liệu đúng” rồi lưu.") % {"n": len(self.warnings)},
                code="unconfirmed_warnings",
            )

    def member_inputs(self):
        from households.services import MemberInput

        rows = []
        for f in self.forms:
            if not f.has_changed() and f.instance.pk is None:
                continue
            delete = self._should_delete_form(f)
            if delete and f.instance.pk is None:
                continue
            rows.append(MemberInput(pk=f.instance.pk, delete=delete, fields={} if delete else f.member_fields()))
        return rows


def member_formset_class(extra: int = 0):
    return inlineformset_factory(
        # A fresh list each time: inline formsets append the foreign key to the form's fields.
        Household, Member, form=MemberForm, formset=BaseMemberFormSet, extra=extra, fields=list(MEMBER_FIELDS),
        can_delete=True, min_num=1, validate_min=False,
        # A household of more than 30 people is a data error; a forged TOTAL_FORMS must not make
        # the page build thousands of forms.
        max_num=MAX_MEMBERS, validate_max=True, absolute_max=MAX_MEMBERS + 1,
    )


# --- review ----------------------------------------------------------------------------------

class ReviewForm(CleanTextMixin, BootstrapMixin, forms.Form):
    """A review of one household. The indicator fields depend on the standard of the year."""

    kind = forms.ChoiceField(label=_("Loại rà soát"), choices=Assessment.Kind.choices)
    year = forms.IntegerField(label=_("Năm rà soát"), min_value=2000, max_value=2100)
    income_per_capita = MoneyField(label=_("Thu nhập bình quân (đ/người/tháng)"))
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50)
    decision_date = DateField(label=_("Ngày quyết định"))
    effective_date = DateField(label=_("Ngày có hiệu lực"), required=False,
                               help_text=_("Để trống nếu có hiệu lực từ ngày quyết định."))
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicators, suggestions, correcting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.suggestions = suggestions
        self.correcting = correcting  # the decision this one corrects (supersedes), if any
        if correcting is not None:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Lý do điều chỉnh"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Quyết định cũ được giữ trong lịch sử và không còn được tính."))
        for ind in indicators:
            suggestion = suggestions.get(ind.code)
            self.fields[f"ind_{ind.code}"] = forms.BooleanField(
                label=f"{ind.number}. {ind.name}", required=False,
                initial=suggestion.deprived if suggestion else False,
            )
            reason = self.fields[f"reason_{ind.code}"] = forms.CharField(
                label=_("Lý do khác với gợi ý"), required=False, max_length=255,
            )
            # The error summary names the indicator, not just "Lý do khác với gợi ý".
            reason.summary_label = _("Chỉ số %(n)s. %(name)s – lý do khác với gợi ý") % {
                "n": ind.number, "name": ind.name}
        _bootstrap(self)

    def indicator_rows(self):
        """(indicator, checkbox, reason field, suggestion) for the template."""
        return [
            (ind, self[f"ind_{ind.code}"], self[f"reason_{ind.code}"], self.suggestions.get(ind.code))
            for ind in self.indicators
        ]

    def deprived_codes(self) -> list[str]:
        """The ticked indicators, read leniently (the live preview uses it on unvalidated data)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if data:
            return [i.code for i in self.indicators if data.get(f"ind_{i.code}")]
        return [i.code for i in self.indicators if self[f"ind_{i.code}"].value()]

    def clean(self):
        data = super().clean()
        for ind in self.indicators:
            suggestion = self.suggestions.get(ind.code)
            ticked = bool(data.get(f"ind_{ind.code}"))
            reason = (data.get(f"reason_{ind.code}") or "").strip()
            if suggestion is not None and suggestion.deprived != ticked and not reason:
                self.add_error(
                    f"reason_{ind.code}",
                    _("Khác với gợi ý từ dữ liệu thành viên (%(r)s): cần nêu lý do.") % {"r": suggestion.reason},
                )
        decision, effective = data.get("decision_date"), data.get("effective_date")
        if decision and effective and effective < decision and self.correcting is None:
            self.add_error("effective_date", _("Ngày có hiệu lực không được trước ngày quyết định."))
        if self.correcting is not None and not (data.get("correction_reason") or "").strip():
            self.add_error("correction_reason", _("Phải nêu lý do điều chỉnh quyết định."))
        if decision and decision > timezone.localdate():
            self.add_error("decision_date", _("Ngày quyết định không được ở tương lai."))
        return data

    def indicator_inputs(self):
        from households.services import IndicatorInput

        return {
            ind.code: IndicatorInput(
                bool(self.cleaned_data.get(f"ind_{ind.code}")),
                (self.cleaned_data.get(f"reason_{ind.code}") or "").strip(),
            )
            for ind in self.indicators
        }


class FullExportForm(CleanTextMixin, forms.Form):
    """A full export (citizen IDs and birth dates in full) is an explicit choice with a reason."""

    format = forms.ChoiceField(label=_("Định dạng"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
                               widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(
        label=_("Lý do cần số định danh và ngày sinh đầy đủ"), max_length=255,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        help_text=_("Ví dụ: đối chiếu danh sách cấp thẻ BHYT với BHXH thành phố. Lý do được ghi vào nhật ký "
                    "truy cập dữ liệu cá nhân."),
    )

    def clean_reason(self):
        reason = self.cleaned_data.get("reason") or ""
        if len(reason) < 10:
            raise forms.ValidationError(_("Nêu rõ lý do (ít nhất 10 ký tự)."))
        return reason


class DeleteForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do xoá"), max_length=255,
                             widget=forms.TextInput(attrs={"class": "form-control"}))

    def clean_reason(self):
        reason = nfc(self.cleaned_data.get("reason"))
        if not reason:
            raise forms.ValidationError(_("Phải nêu lý do xoá hộ."))
        return reason
