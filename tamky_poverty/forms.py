from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from tamky_poverty.text import clean_text


class LoginForm(AuthenticationForm):
    # One message for every failure: it never tells whether the user name exists.
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": _("Mật khẩu hiện tại không đúng. Vui lòng nhập lại."),
        "password_mismatch": _("Hai lần nhập mật khẩu mới không khớp nhau."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.fields["new_password1"].help_text = _(
            "Ít nhất 10 ký tự, không toàn chữ số, không quá giống tên đăng nhập hoặc họ tên, "
            "không phải mật khẩu phổ biến (như “matkhau123”, “123456a@”) hay một từ thông dụng kèm vài chữ số."
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


_DB_INT_RANGE = range(-(2**63), 2**63)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids outside the database's integer range as an invalid choice: SQLite raised
    OverflowError (a server error) on ``pk__in`` with such a value."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: the parent answers with its own message
            if number not in _DB_INT_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


# --- Clean text at the door (tamky_poverty.text) -----------------------------------------------

def clean_text_field(field: forms.Field) -> None:
    """Make a form's text field run ``tamky_poverty.text.clean_text`` before its own cleaning
    (so a value of only zero-width characters is empty, and "required" says so). Password
    fields are left exactly as typed."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    if getattr(field, "_clean_text", False):
        return
    multiline = isinstance(field.widget, forms.Textarea)
    original = field.to_python

    def to_python(value):
        if isinstance(value, str) and value:
            value = clean_text(value, multiline=multiline)
        return original(value)

    field.to_python = to_python
    field._clean_text = True


class CleanTextMixin:
    """For every form of the project (and the admin's): text fields go through the one
    normaliser, ``tamky_poverty.text.clean_text``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            clean_text_field(field)


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The admin's model form (``ModelAdmin.form``): the same normaliser as the pages."""


# --- One template for every form field (issue 18) ----------------------------------------------

class FormRenderer(TemplatesSetting):
    """``settings.FORM_RENDERER``: forms, formsets and widgets render through the project's
    template engine, and every field through ``templates/forms/field.html``
    (``{{ field.as_field_group }}``), which renders the help text and the errors under the ids
    that Django's ``aria-describedby`` names (``<id>_helptext``, ``<id>_error``)."""

    field_template_name = "forms/field.html"
