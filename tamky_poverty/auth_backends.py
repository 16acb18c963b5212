"""Login throttling (django-axes) in front of Django's ModelBackend."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login attempt while its user name and address are locked out.

    Every login through the web (the login page, the admin login) carries a request and is
    throttled. ``authenticate()`` called without a request (the test client's ``login()``,
    a management command) cannot be attributed to an address, so it is not counted here and
    the next backend decides as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempted_username(request, credentials) -> str:
    """The user name django-axes records, cut to the length of a user name (a 5,000-character
    "user name" must not break the attempt log)."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = getattr(request, "POST", {}).get("username")
    return (name or "")[:150]
