"""Vietnamese number formatting shared by every app: dot thousands separators, money in đồng."""

from __future__ import annotations


def thousands(n) -> str:
    """34020 → '34.020'."""
    return f"{int(n):,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """1500000 → '1.500.000 đ'."""
    return thousands(amount) + " đ"
