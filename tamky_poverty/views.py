from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from tamky_poverty.forms import LoginForm, PasswordChangeForm


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes lockout answer: the login page again with one message that is the same
    for an existing and a non-existing user name (429 Too Many Requests)."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60) if settings.AXES_COOLOFF_TIME else None
    context = {
        "form": LoginForm(request),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
        "lockout_message": _(
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(m)d phút hoặc liên hệ quản trị "
            "hệ thống."
        ) % {"m": minutes or 15},
    }
    return render(request, "registration/login.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own password. Django's session auth hash changes with the password, so every
    other session of this user ends; this one is kept (update_session_auth_hash)."""

    template_name = "registration/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản này đã kết thúc.")
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(_("Đổi mật khẩu"), None)]
        return context



def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    """The project's refusals carry a Vietnamese reason (``PermissionDenied(_("…"))``): shown."""
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A refused form (expired or foreign CSRF token): the Vietnamese 403 page, with the menu,
    saying to reload — not Django's English technical page."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)
