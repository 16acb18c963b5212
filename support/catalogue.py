"""The support catalogue, read from its rows (``support.models.SupportKind`` and ``QuotaGroup``,
loaded from ``fixtures/reference.json`` and editable in the admin): which kinds of support address
which deprivation indicator, in the order they are suggested, and which agency the 2025 plan puts
in charge of each kind (section III of the plan). Data, not logic: a new kind is a new row.
``UNIT_UBND`` stands for the UBND of the household's own unit (resolved per household)."""

from __future__ import annotations

from dataclasses import dataclass

from support.models import UNIT_UBND, SupportKind

__all__ = ["UNIT_UBND", "Catalogue", "load"]


@dataclass(frozen=True)
class Catalogue:
    kinds: dict[str, SupportKind]

    def kinds_for_indicator(self, code: str) -> tuple[str, ...]:
        """The kinds that address indicator ``code``, in the order they are suggested."""
        ranked = sorted((k.indicators[code], k.position, k.code) for k in self.kinds.values()
                        if code in (k.indicators or {}))
        return tuple(c for *_rank, c in ranked)

    def agency_codes_for_kind(self, kind: str) -> tuple[str, tuple[str, ...]]:
        """(lead agency code, coordinating agency codes) of ``kind``; unknown: the unit's UBND."""
        row = self.kinds.get(kind)
        if row is None:
            return UNIT_UBND, ()
        return row.lead_agency or UNIT_UBND, tuple(row.coordinating_agencies or ())

    def label(self, kind: str) -> str:
        row = self.kinds.get(kind)
        return str(row) if row is not None else kind


def load(codes=None) -> Catalogue:
    """The catalogue (one query); only the kinds ``codes`` when given."""
    rows = SupportKind.objects.all()
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    return Catalogue({k.code: k for k in rows})
