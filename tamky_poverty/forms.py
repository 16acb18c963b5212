from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
            "không phải mật khẩu phổ biến."
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
