"""The rules of the review procedure, as pure functions over plain values (no database).

- The schedule of the annual review and the 15-day deadline of an application (DOMAIN.md §2).
- The order of the procedure's steps: what is done, what can be done now, and what is missing
  (``campaign_steps``, ``decision_blockers``).
- The impact of a standard on a household from what is known about it (``outlook``): a review
  made under another standard lacks some of the new indicators, and each unknown indicator can
  go either way, so a household is *certainly*, *possibly* or *not* poor (near-poor) — never a
  guess presented as a result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.classification import AREA_LABELS, AVERAGE, NEAR_POOR, NONE, POOR, StandardLike, thresholds
from tamky_poverty.formatting import format_vnd

# --- schedule and deadlines ------------------------------------------------------------------

SCHEDULE_START = (9, 1)  # 1 September (QĐ 24/2021/QĐ-TTg, DOMAIN.md §2)
SCHEDULE_END = (12, 14)  # 14 December
MEETING_MIN_AGREEMENT = Decimal("50")  # a village meeting needs ≥ 50 % agreement
APPLICATION_DEADLINE_DAYS = 15  # a regular review's decision within 15 days of the application


def default_schedule(review_year: int) -> tuple[dt.date, dt.date, dt.date]:
    """(start, end, effective date of the list) of the annual review carried out in ``review_year``."""
    return (dt.date(review_year, *SCHEDULE_START), dt.date(review_year, *SCHEDULE_END),
            dt.date(review_year + 1, 1, 1))


def within(day: dt.date, start: dt.date, end: dt.date) -> bool:
    return start <= day <= end


def meeting_passes(agreement_percent: Decimal | float | int | None) -> bool:
    return agreement_percent is not None and Decimal(str(agreement_percent)) >= MEETING_MIN_AGREEMENT


def application_deadline(received_on: dt.date) -> dt.date:
    return received_on + dt.timedelta(days=APPLICATION_DEADLINE_DAYS)


def application_overdue(received_on: dt.date, day: dt.date, is_open: bool = True) -> bool:
    """An open application is overdue from the day after its deadline."""
    return is_open and day > application_deadline(received_on)


def days_left(received_on: dt.date, day: dt.date) -> int:
    """Days until the deadline (negative: days overdue)."""
    return (application_deadline(received_on) - day).days


def percent_text(value) -> str:
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


def village_label(village: str) -> str:
    return village or _("(không ghi thôn/khối phố)")


# --- the order of the steps ------------------------------------------------------------------

DONE, OPEN, LOCKED = "done", "open", "locked"
STAGES = ("surveying", "meeting", "posting", "ready", "decided")
STAGE_LABELS = {
    "surveying": gettext_lazy("Đang khảo sát"),
    "meeting": gettext_lazy("Đang họp thôn"),
    "posting": gettext_lazy("Đang niêm yết"),
    "ready": gettext_lazy("Chờ quyết định"),
    "decided": gettext_lazy("Đã có quyết định"),
}


@dataclass(frozen=True)
class VillageFacts:
    village: str
    households: int
    surveyed: int
    approved: int  # households approved by a meeting of ≥ 50 % (the village's latest meeting)
    last_meeting_on: dt.date | None = None
    last_meeting_percent: Decimal | None = None


@dataclass(frozen=True)
class CampaignFacts:
    start: dt.date
    end: dt.date
    households: int
    surveyed: int
    villages: tuple[VillageFacts, ...] = ()
    posting_start: dt.date | None = None
    posting_end: dt.date | None = None
    complaints_open: int = 0
    decided_on: dt.date | None = None

    @property
    def approved(self) -> int:
        return sum(v.approved for v in self.villages)

    @property
    def villages_approved(self) -> int:
        return sum(1 for v in self.villages if v.households and v.approved == v.households)


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    state: str  # done | open | locked
    missing: tuple[str, ...] = ()


def village_missing(v: VillageFacts) -> list[str]:
    """Why a village's households are not (all) approved by its meeting."""
    name = village_label(v.village)
    if v.surveyed < v.households:
        return [_("%(name)s: còn %(x)s hộ chưa khảo sát, chưa thể họp") % {"name": name, "x": v.households - v.surveyed}]
    if v.last_meeting_on is None:
        return [_("%(name)s: chưa họp bình xét") % {"name": name}]
    if not meeting_passes(v.last_meeting_percent):
        return [_("%(name)s: hội nghị ngày %(last_meeting_on)s chỉ có %(percent_text)s %% đồng ý (cần ít nhất %(percent_text2)s %%), phải họp lại") % {"name": name, "last_meeting_on": f"{v.last_meeting_on:%d/%m/%Y}", "percent_text": percent_text(v.last_meeting_percent), "percent_text2": percent_text(MEETING_MIN_AGREEMENT)}]
    if v.approved < v.households:
        return [_("%(name)s: %(x)s hộ chưa được hội nghị bình xét (bổ sung sau ngày %(last_meeting_on)s), phải họp lại") % {"name": name, "x": v.households - v.approved, "last_meeting_on": f"{v.last_meeting_on:%d/%m/%Y}"}]
    return []


def posting_missing(f: CampaignFacts, day: dt.date) -> list[str]:
    if f.posting_start is None:
        return [_("Chưa niêm yết công khai danh sách")]
    out = []
    if day <= f.posting_end:
        out.append(_("Đang niêm yết đến hết ngày %(posting_end)s") % {"posting_end": f"{f.posting_end:%d/%m/%Y}"})
    if f.complaints_open:
        out.append(_("Còn %(complaints_open)s khiếu nại chưa giải quyết") % {"complaints_open": f.complaints_open})
    return out


def campaign_steps(f: CampaignFacts, day: dt.date) -> list[Step]:
    """The five steps with their state on ``day`` and what each still misses. A step is open
    only when the steps before it allow it (surveys and meetings go village by village; the
    posting needs every village approved; the decision needs the posting over and every
    complaint resolved)."""
    decided = f.decided_on is not None
    survey_missing = [] if f.households else [_("Chưa có hộ nào trong danh sách rà soát")]
    if f.households and f.surveyed < f.households:
        survey_missing.append(_("Còn %(x)s hộ chưa khảo sát") % {"x": f.households - f.surveyed})
    survey_done = f.households > 0 and not survey_missing

    meeting_missing = [m for v in f.villages for m in village_missing(v)]
    meetings_done = f.households > 0 and not meeting_missing
    any_village_ready = any(v.households and v.surveyed == v.households for v in f.villages)

    post_missing = posting_missing(f, day) if meetings_done else [_("Chưa thể niêm yết: các thôn chưa họp xong")]
    posting_done = meetings_done and not post_missing

    steps = [
        Step("survey", _("Khảo sát hộ (Phiếu A, B)"), DONE if survey_done or decided
             else (LOCKED if f.posting_start else OPEN), tuple(survey_missing)),
        Step("meeting", _("Họp bình xét ở thôn, khối phố"), DONE if meetings_done or decided
             else (OPEN if any_village_ready and not f.posting_start else LOCKED), tuple(meeting_missing)),
        Step("posting", _("Niêm yết công khai, giải quyết khiếu nại"), DONE if posting_done or decided
             else (OPEN if meetings_done else LOCKED), tuple(post_missing)),
        Step("decision", _("Quyết định công nhận danh sách"), DONE if decided
             else (OPEN if posting_done else LOCKED),
             () if decided or posting_done else (_("Chưa đủ điều kiện: hoàn thành các bước trên trước"),)),
    ]
    return steps


def campaign_stage(f: CampaignFacts, day: dt.date) -> str:
    if f.decided_on is not None:
        return "decided"
    steps = {s.code: s for s in campaign_steps(f, day)}
    if steps["decision"].state == OPEN:
        return "ready"
    if f.posting_start is not None:
        return "posting"
    if f.households and f.surveyed == f.households:
        return "meeting"
    return "surveying"


def decision_blockers(f: CampaignFacts, decision_date: dt.date, effective_date: dt.date,
                      list_effective: dt.date, day: dt.date) -> list[str]:
    """Everything that stops the chairman's decision dated ``decision_date`` (recorded on
    ``day``) from being recorded; empty when it may be."""
    out: list[str] = []
    if f.decided_on is not None:
        return [_("Đợt rà soát đã có quyết định ngày %(decided_on)s") % {"decided_on": f"{f.decided_on:%d/%m/%Y}"}]
    if not f.households:
        out.append(_("Chưa có hộ nào trong danh sách rà soát"))
    if f.surveyed < f.households:
        out.append(_("Còn %(x)s hộ chưa khảo sát") % {"x": f.households - f.surveyed})
    out += [m for v in f.villages if v.surveyed == v.households for m in village_missing(v)]
    if f.posting_start is None:
        out.append(_("Chưa niêm yết công khai danh sách"))
    else:
        if decision_date <= f.posting_end:
            out.append(_("Quyết định phải sau khi kết thúc niêm yết (ngày %(posting_end)s)") % {"posting_end": f"{f.posting_end:%d/%m/%Y}"})
        if f.complaints_open:
            out.append(_("Còn %(complaints_open)s khiếu nại chưa giải quyết") % {"complaints_open": f.complaints_open})
    if decision_date > day:
        out.append(_("Ngày quyết định không được ở tương lai"))
    if not within(decision_date, f.start, f.end):
        out.append(_("Ngày quyết định phải trong thời gian rà soát (%(start)s – %(end)s)") % {"start": f"{f.start:%d/%m/%Y}", "end": f"{f.end:%d/%m/%Y}"})
    if effective_date < decision_date:
        out.append(_("Ngày có hiệu lực không được trước ngày quyết định"))
    if effective_date.year != list_effective.year or effective_date < list_effective:
        out.append(_("Ngày có hiệu lực phải từ ngày %(list_effective)s đến hết năm %(year)s (năm của danh sách và của chuẩn nghèo đã dùng khi khảo sát)") % {"list_effective": f"{list_effective:%d/%m/%Y}", "year": list_effective.year})
    return out


# --- the impact of a standard ----------------------------------------------------------------

CERTAIN, POSSIBLE, NOT = "certain", "possible", "not"
STATUS_LABELS = {CERTAIN: gettext_lazy("Chắc chắn"), POSSIBLE: gettext_lazy("Có thể"), NOT: gettext_lazy("Không")}
CLASS_NAMES = {POOR: gettext_lazy("hộ nghèo"), NEAR_POOR: gettext_lazy("hộ cận nghèo"), AVERAGE: gettext_lazy("hộ có mức sống trung bình"),
               NONE: gettext_lazy("không thuộc diện")}

# How a household's place in one list changes (before → under the standard).
STAYS, LEAVES, ENTERS, MAY_LEAVE, MAY_ENTER, OUTSIDE = (
    "stays", "leaves", "enters", "may_leave", "may_enter", "outside")
CHANGE_LABELS = {
    STAYS: gettext_lazy("Ở lại danh sách"), LEAVES: gettext_lazy("Ra khỏi danh sách"), ENTERS: gettext_lazy("Vào danh sách"),
    MAY_LEAVE: gettext_lazy("Có thể ra khỏi danh sách"), MAY_ENTER: gettext_lazy("Có thể vào danh sách"), OUTSIDE: gettext_lazy("Ngoài danh sách"),
}
PRIORITY_LABELS = {
    1: gettext_lazy("Khảo sát trước: kết quả chưa chắc chắn"),
    2: gettext_lazy("Khảo sát để xác nhận: kết quả thay đổi"),
    3: gettext_lazy("Không thay đổi"),
}


@dataclass(frozen=True)
class RecordedIndicator:
    """An indicator as the latest review recorded it."""

    deprived: bool
    overridden: bool = False  # the officer decided against the member-data suggestion


@dataclass(frozen=True)
class Knowledge:
    deprived: frozenset[str]
    not_deprived: frozenset[str]
    unknown: frozenset[str]


def known_indicators(codes: Iterable[str], recorded: Mapping[str, RecordedIndicator],
                     suggestions: Mapping[str, bool]) -> Knowledge:
    """What is known of each indicator of a standard (``codes``) for one household.

    - An indicator member data can give (``suggestions``, with ages on the standard's date) is
      known from it — unless the latest review overrode the suggestion and the data still
      disagrees with the officer, when it is unknown (either could be right).
    - Otherwise the latest review's value, when the review had that indicator.
    - Otherwise unknown (e.g. an indicator the old standard did not have)."""
    deprived, clear, unknown = set(), set(), set()
    for code in codes:
        suggestion = suggestions.get(code)
        rec = recorded.get(code)
        if suggestion is not None:
            if rec is not None and rec.overridden and rec.deprived != suggestion:
                unknown.add(code)
                continue
            value = suggestion
        elif rec is not None:
            value = rec.deprived
        else:
            unknown.add(code)
            continue
        (deprived if value else clear).add(code)
    return Knowledge(frozenset(deprived), frozenset(clear), frozenset(unknown))


@dataclass(frozen=True)
class Outlook:
    """What a standard makes of a household, from what is known."""

    classes: frozenset[str]  # every class still possible
    poor: str  # certain | possible | not
    near_poor: str
    deprived_min: int
    deprived_max: int
    income: int | None
    explanation: str
    source: str = ""  # where the facts come from (review, survey, decision)

    @property
    def listed(self) -> str:
        inside = self.classes & {POOR, NEAR_POOR}
        if not inside:
            return NOT
        return CERTAIN if inside == self.classes else POSSIBLE

    @property
    def certain_class(self) -> str | None:
        return next(iter(self.classes)) if len(self.classes) == 1 else None

    @property
    def label(self) -> str:
        if self.certain_class:
            return _("Chắc chắn: %(x)s") % {"x": CLASS_NAMES[self.certain_class]}
        names = [str(CLASS_NAMES[c]) for c in (POOR, NEAR_POOR, AVERAGE, NONE) if c in self.classes]
        return _("Có thể: %(classes)s") % {"classes": _(" hoặc ").join(names)}

    def status(self, cls: str) -> str:
        return self.poor if cls == POOR else self.near_poor


def _status(cls: str, classes: frozenset[str]) -> str:
    if cls not in classes:
        return NOT
    return CERTAIN if classes == {cls} else POSSIBLE


def _names(codes: Iterable[str], names: Mapping[str, str] | None) -> str:
    names = names or {}
    return ", ".join(sorted(names.get(c, c) for c in codes))


def outlook(standard: StandardLike, area_kind: str, income: int | None, deprived: Iterable[str],
            unknown: Iterable[str] = (), names: Mapping[str, str] | None = None,
            source: str = "") -> Outlook:
    """The classes ``standard`` can give a household in ``area_kind`` whose income is ``income``
    (None: unknown), deprived on ``deprived`` and with no information on ``unknown``.

    Each unknown indicator can go either way, so the count of deprivations lies between the
    known count and the known count plus the unknown ones; an unknown income allows every class.
    A class is *certain* when it is the only one possible."""
    deprived, unknown = frozenset(deprived), frozenset(unknown) - frozenset(deprived)
    low, high = len(deprived), len(deprived) + len(unknown)
    threshold, average_upper = thresholds(standard, area_kind)
    cutoff = standard.deprivation_cutoff
    listed = set()
    if high >= cutoff:
        listed.add(POOR)
    if low < cutoff:
        listed.add(NEAR_POOR)
    area = AREA_LABELS[area_kind]
    known_text = (_("thiếu hụt %(low)s chỉ số đã biết (%(names)s)") % {"low": low, "names": _names(deprived, names)} if low
                  else _("không thiếu hụt chỉ số nào đã biết"))
    unknown_text = _("chưa có thông tin %(len)s chỉ số (%(names)s)") % {"len": len(unknown), "names": _names(unknown, names)} if unknown else ""
    if income is None:
        classes = set(listed) | ({AVERAGE} if average_upper is not None else set()) | {NONE}
        explanation = (_("Chưa có thu nhập từ lần rà soát nào (%(name)s, khu vực %(area)s): có thể thuộc bất kỳ diện nào, cần khảo sát.") % {"name": standard.name, "area": area})
    elif income <= threshold:
        classes = listed
        head = _("Thu nhập %(format_vnd)s ≤ chuẩn %(area)s %(format_vnd2)s (%(name)s), %(known_text)s") % {"format_vnd": format_vnd(income), "area": area, "format_vnd2": format_vnd(threshold), "name": standard.name, "known_text": known_text}
        if unknown_text:
            head += f", {unknown_text}"
        if classes == {POOR}:
            tail = _("chắc chắn là hộ nghèo (đã đủ %(cutoff)s chỉ số).") % {"cutoff": cutoff}
        elif classes == {NEAR_POOR}:
            tail = (_("chắc chắn là hộ cận nghèo (dù thiếu hụt mọi chỉ số chưa biết vẫn dưới %(cutoff)s).") % {"cutoff": cutoff}
                    if unknown else _("chắc chắn là hộ cận nghèo (dưới %(cutoff)s chỉ số).") % {"cutoff": cutoff})
        else:
            need = cutoff - low
            tail = (_("là hộ nghèo nếu thiếu hụt thêm ít nhất %(need)s trong các chỉ số chưa biết, nếu không là hộ cận nghèo.") % {"need": need})
        explanation = f"{head}: {tail}"
    elif average_upper is not None and income <= average_upper:
        classes = {AVERAGE}
        explanation = (_("Thu nhập %(format_vnd)s trên chuẩn %(area)s %(format_vnd2)s nhưng ≤ %(format_vnd3)s (%(name)s): hộ có mức sống trung bình, không thuộc hộ nghèo, cận nghèo.") % {"format_vnd": format_vnd(income), "area": area, "format_vnd2": format_vnd(threshold), "format_vnd3": format_vnd(average_upper), "name": standard.name})
    else:
        classes = {NONE}
        explanation = (_("Thu nhập %(format_vnd)s trên chuẩn %(area)s %(format_vnd2)s (%(name)s): không thuộc hộ nghèo, cận nghèo.") % {"format_vnd": format_vnd(income), "area": area, "format_vnd2": format_vnd(threshold), "name": standard.name})
    if source:
        explanation = f"{source}. {explanation}"
    classes = frozenset(classes)
    return Outlook(classes=classes, poor=_status(POOR, classes), near_poor=_status(NEAR_POOR, classes),
                   deprived_min=low, deprived_max=high, income=income, explanation=explanation, source=source)


def decided_outlook(result_class: str, explanation: str, source: str) -> Outlook:
    """A decision already made under the standard: its class is the result, not a forecast."""
    classes = frozenset({result_class})
    return Outlook(classes=classes, poor=_status(POOR, classes), near_poor=_status(NEAR_POOR, classes),
                   deprived_min=0, deprived_max=0, income=None,
                   explanation=f"{source}: {explanation}", source=source)


def list_change(in_list_before: bool, status: str) -> str:
    """How a household's place in one list changes: ``status`` is certain/possible/not under the
    new standard."""
    if in_list_before:
        return {CERTAIN: STAYS, POSSIBLE: MAY_LEAVE, NOT: LEAVES}[status]
    return {CERTAIN: ENTERS, POSSIBLE: MAY_ENTER, NOT: OUTSIDE}[status]


def survey_priority(class_before: str, o: Outlook) -> int:
    """1: the result is uncertain (survey first); 2: it is certain and moves the household into,
    out of or between the lists; 3: certain and no list changes."""
    if o.certain_class is None:
        return 1
    listed = {POOR, NEAR_POOR}
    if o.certain_class != class_before and (o.certain_class in listed or class_before in listed):
        return 2
    return 3
