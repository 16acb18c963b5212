"""Request hygiene shared by every page."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """A NUL character in a query or form parameter is never legitimate input, and PostgreSQL
    refuses it in any text comparison (a server error). Answer 400 with a message instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for params in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    message = _("Dữ liệu gửi lên có ký tự không hợp lệ. Vui lòng nhập lại.")
                    return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and ``private``, ``Expires`` in the past) on every page and
    download the application answers: they carry personal data or lead to it, and must stay out
    of shared caches, proxies and the browser's disk cache (personal data policy 7). Static files
    never get here: WhiteNoise answers them first, with long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
