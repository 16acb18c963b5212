"""Login throttling (django-axes) in front of Django's ModelBackend: the backend, the client's
address behind a trusted proxy, and the two lockout limits (user + address, address)."""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum


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


# --- The client's address behind a reverse proxy --------------------------------------------------

def _networks(spec: str):
    out = []
    for item in spec.split(","):
        item = item.strip()
        if item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ImproperlyConfigured(f"TRUSTED_PROXIES: “{item}” is not an address or network.") from None
    return out


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The address a request came from (django-axes ``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``, unless it is one of ``TRUSTED_PROXIES`` (the reverse proxy in front of the
    app): then the header ``CLIENT_IP_HEADER`` set by that proxy (``X-Real-IP`` in docs/operations.md's
    nginx example) gives it. A list header (``X-Forwarded-For: client, proxy1, proxy2``) is read
    from the right, skipping trusted proxies, so an address the client wrote itself at the left
    is never believed. A request that did not come through a trusted proxy keeps its own address
    whatever headers it carries."""
    remote = request.META.get("REMOTE_ADDR") or ""
    networks = _networks(settings.TRUSTED_PROXIES)
    if not _trusted(remote, networks):
        return remote or None
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    for candidate in reversed([part.strip() for part in request.META.get(header, "").split(",")]):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            break  # not an address: stop at the proxy's own
        if not _trusted(candidate, networks):
            return candidate
    return remote


class LoginAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler with two limits instead of one:

    - ``AXES_FAILURE_LIMIT`` wrong passwords for one user name **from one address** lock that
      combination (``AXES_LOCKOUT_PARAMETERS``): someone elsewhere cannot lock a user out;
    - ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address, whatever the user names, lock
      that address (password spraying), for the same cool-off."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address:
            from_address = (AccessAttempt.objects.filter(ip_address=address,
                                                         attempt_time__gte=get_cool_off_threshold(request))
                            .aggregate(n=Sum("failures_since_start"))["n"] or 0)
            if from_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
                return max(failures, get_failure_limit(request, credentials))
        return failures
