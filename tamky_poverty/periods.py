"""The reporting period (issue 18 item 2): one month and its year, chosen once and carried by the
dashboard, the report pages, the forms and the links.

- The rule (pure): :func:`last_complete_month` — the default period is the last month that has
  ended on ``today`` (on 30/11/2026 it is 10/2026; on 01/12/2026 it is 11/2026).
- The edge (:func:`reporting_period`): a page reached with ``?period=YYYY-MM`` (the period picker,
  or any link made with ``Period.query``) records that choice in the session; otherwise the
  session's choice; otherwise the default, computed from today. Views call it for their default
  year and month; the context processor gives every template ``reporting_period``.
Explicit ``year``/``month`` parameters of a page still win on that page (a link to December
2025 shows December 2025) without changing the period chosen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

PARAM = "period"
SESSION_KEY = "reporting_period"
MIN_YEAR, MAX_YEAR = 2000, 2100
_FORMAT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$|^\s*(\d{1,2})/(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self):
        if not (MIN_YEAR <= self.year <= MAX_YEAR and 1 <= self.month <= 12):
            raise ValueError(f"not a reporting period: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text) -> Period | None:
        """``2025-12`` or ``12/2025``; None when the text is no valid period."""
        match = _FORMAT.match(str(text or ""))
        if not match:
            return None
        year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        try:
            return cls(int(year), int(month))
        except ValueError:
            return None

    @property
    def key(self) -> str:
        """``2025-12``: the value of the ``period`` parameter and of the session."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def query(self) -> str:
        """``period=2025-12``, for links."""
        return f"{PARAM}={self.key}"

    @property
    def label(self) -> str:
        """``tháng 12/2025``."""
        return _("tháng %(m)02d/%(y)d") % {"m": self.month, "y": self.year}

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


def last_complete_month(today: dt.date) -> Period:
    """The last month that has ended on ``today``: the default reporting period."""
    return Period(today.year, today.month).previous()


def recent_periods(today: dt.date, *, count: int = 36, chosen: Period | None = None) -> list[Period]:
    """The periods the picker offers: the last ``count`` complete months, newest first, plus the
    chosen one when it is older or newer."""
    out, period = [], last_complete_month(today)
    for _i in range(count):
        out.append(period)
        if period.year == MIN_YEAR and period.month == 1:
            break
        period = period.previous()
    if chosen is not None and chosen not in out:
        out.append(chosen)
        out.sort(reverse=True)
    return out


def reporting_period(request) -> Period:
    """The period of this request (the edge: reads the parameter, the session and today)."""
    cached = getattr(request, "_reporting_period", None)
    if cached is not None:
        return cached
    session = getattr(request, "session", None)
    chosen = Period.parse(request.GET.get(PARAM)) if hasattr(request, "GET") else None
    if chosen is not None and session is not None:
        session[SESSION_KEY] = chosen.key
    if chosen is None and session is not None:
        chosen = Period.parse(session.get(SESSION_KEY))
    period = chosen or last_complete_month(timezone.localdate())
    request._reporting_period = period
    return period
