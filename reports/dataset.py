"""The shape every report takes: one dataset, drawn by three renderers (HTML, PDF, XLSX) that
only draw it. A dataset holds everything printed — headings, rows, totals, signature — so the
three formats always show the same numbers in the same order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


def _text(value):
    """A label marked for translation lazily becomes text when the dataset is built (in the
    language of the moment): the renderers (openpyxl, reportlab) take text, not lazy objects."""
    return str(value) if isinstance(value, Promise) else value


@dataclass
class HeaderCell:
    """One cell of the (possibly multi-row) table heading; spans merge cells in Excel/HTML/PDF."""

    text: str
    colspan: int = 1
    rowspan: int = 1

    def __post_init__(self):
        self.text = _text(self.text)


@dataclass
class Column:
    key: str
    kind: str = "text"  # text | int | money | percent | date
    width: float = 12  # Excel column width (characters); HTML/PDF use it proportionally


@dataclass
class Row:
    cells: list[Any]
    style: str = ""  # "" | "group" (a heading row inside the table) | "subtotal" | "total"
    # Households behind the numbers of this row (traceability), optional.
    household_ids: list[int] | None = None
    # Drill-down parameters per column index (e.g. {3: {"unit": 7, "indicator": "water"}}): the
    # HTML preview links those numbers to the list of households behind them.
    drill: dict[int, dict[str, Any]] | None = None

    def __post_init__(self):
        self.cells = [_text(c) for c in self.cells]


@dataclass
class Dataset:
    code: str  # e.g. "PL01", "MONTHLY"
    title: str  # bold caps title
    subtitle: str = ""  # e.g. "(Kèm theo Kế hoạch ... năm 2025)"
    table_title: str = ""  # the heading of the main table when the report has numbered sections
    header_rows: list[list[HeaderCell]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    landscape: bool = False
    # Signature block: "preparer" (NGƯỜI LẬP BIỂU, tables) or "authority" (TM. ỦY BAN NHÂN DÂN…)
    signature: str = "preparer"
    show_recipients: bool = False
    place_date: dt.date | None = None
    notes: list[str] = field(default_factory=list)  # paragraphs after the table (narrative)
    sections: list[Dataset] = field(default_factory=list)  # further tables of the same report
    parameters: dict[str, Any] = field(default_factory=dict)  # year, month, unit… as chosen

    def __post_init__(self):
        self.title, self.subtitle, self.table_title = _text(self.title), _text(self.subtitle), _text(self.table_title)
        self.notes = [_text(n) for n in self.notes]
