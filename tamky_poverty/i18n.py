"""Language selection: Vietnamese unless the user chose English with the switch in the menu.

Django's ``LocaleMiddleware`` would follow the browser's Accept-Language header, so an officer
whose browser is set to English would get a half-expected English interface; here only the
language cookie (set by the switch, ``/i18n/setlang/``) changes the language."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The language chosen for this request must not outlive it: the thread goes on to serve
        # other users and to build reports and exports outside requests, all in Vietnamese.
        translation.deactivate()
        return response
