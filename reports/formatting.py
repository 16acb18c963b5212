"""How the three renderers print one value of a dataset (the same text everywhere)."""

from __future__ import annotations

import datetime as dt

from tamky_poverty.formatting import thousands


def fmt(value, kind: str = "text") -> str:
    """Text of a cell: integers and money with dot thousands separators, percentages with a
    decimal comma (two places), dates dd/mm/yyyy, nothing for None."""
    if value is None or value == "":
        return ""
    if kind in ("int", "money") and isinstance(value, (int, float)):
        return thousands(round(value))
    if kind == "percent" and isinstance(value, (int, float)):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def place_date(place: str, day: dt.date) -> str:
    """'Tam Kỳ, ngày 05 tháng 02 năm 2025' (NĐ 30/2020: leading zeros below 10)."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def draft_place_date(place: str) -> str:
    """The date line of a document not yet issued: left blank, as on a printed form."""
    return f"{place}, ngày … tháng … năm …"


def number_line(issuer, issued) -> str:
    """'Số: 12/BC-UBND' for an issued document; 'Số:     /BC-UBND' for a draft."""
    if issued is not None and issued.reference:
        return f"Số: {issued.reference}"
    return f"Số: \u2003\u2003/{issuer.symbol}"


def issued_place_date(issuer, issued) -> str:
    """The place-date line of a document: its own date, or blank (a draft) — never today."""
    if issued is not None and issued.issue_date:
        return place_date(issuer.place, issued.issue_date)
    return draft_place_date(issuer.place)


def rate(part: int, whole: int | None) -> float | None:
    """Percentage of ``part`` in ``whole`` (None when the denominator is unknown)."""
    if not whole:
        return None
    return round(part * 100 / whole, 2)
