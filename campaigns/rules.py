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
    return village or "(không ghi thôn/khối phố)"


# --- the order of the steps ------------------------------------------------------------------

DONE, OPEN, LOCKED = "done", "open", "locked"
STAGES = ("surveying", "meeting", "posting", "ready", "decided")
STAGE_LABELS = {
    "surveying": "Đang khảo sát",
    "meeting": "Đang họp thôn",
    "posting": "Đang niêm yết",
    "ready": "Chờ quyết định",
    "decided": "Đã có quyết định",
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
        return [f"{name}: còn {v.households - v.surveyed} hộ chưa khảo sát, chưa thể họp"]
    if v.last_meeting_on is None:
        return [f"{name}: chưa họp bình xét"]
    if not meeting_passes(v.last_meeting_percent):
        return [f"{name}: hội nghị ngày {v.last_meeting_on:%d/%m/%Y} chỉ có "
                f"{percent_text(v.last_meeting_percent)} % đồng ý (cần ít nhất "
                f"{percent_text(MEETING_MIN_AGREEMENT)} %), phải họp lại"]
    if v.approved < v.households:
        return [f"{name}: {v.households - v.approved} hộ chưa được hội nghị bình xét (bổ sung sau ngày "
                f"{v.last_meeting_on:%d/%m/%Y}), phải họp lại"]
    return []


def posting_missing(f: CampaignFacts, day: dt.date) -> list[str]:
    if f.posting_start is None:
        return ["Chưa niêm yết công khai danh sách"]
    out = []
    if day <= f.posting_end:
        out.append(f"Đang niêm yết đến hết ngày {f.posting_end:%d/%m/%Y}")
    if f.complaints_open:
        out.append(f"Còn {f.complaints_open} khiếu nại chưa giải quyết")
    return out


def campaign_steps(f: CampaignFacts, day: dt.date) -> list[Step]:
    """The five steps with their state on ``day`` and what each still misses. A step is open
    only when the steps before it allow it (surveys and meetings go village by village; the
    posting needs every village approved; the decision needs the posting over and every
    complaint resolved)."""
    decided = f.decided_on is not None
    survey_missing = [] if f.households else ["Chưa có hộ nào trong danh sách rà soát"]
    if f.households and f.surveyed < f.households:
        survey_missing.append(f"Còn {f.households - f.surveyed} hộ chưa khảo sát")
    survey_done = f.households > 0 and not survey_missing

    meeting_missing = [m for v in f.villages for m in village_missing(v)]
    meetings_done = f.households > 0 and not meeting_missing
    any_village_ready = any(v.households and v.surveyed == v.households for v in f.villages)

    post_missing = posting_missing(f, day) if meetings_done else ["Chưa thể niêm yết: các thôn chưa họp xong"]
    posting_done = meetings_done and not post_missing

    steps = [
        Step("survey", "Khảo sát hộ (Phiếu A, B)", DONE if survey_done or decided
             else (LOCKED if f.posting_start else OPEN), tuple(survey_missing)),
        Step("meeting", "Họp bình xét ở thôn, khối phố", DONE if meetings_done or decided
             else (OPEN if any_village_ready and not f.posting_start else LOCKED), tuple(meeting_missing)),
        Step("posting", "Niêm yết công khai, giải quyết khiếu nại", DONE if posting_done or decided
             else (OPEN if meetings_done else LOCKED), tuple(post_missing)),
        Step("decision", "Quyết định công nhận danh sách", DONE if decided
             else (OPEN if posting_done else LOCKED),
             () if decided or posting_done else ("Chưa đủ điều kiện: hoàn thành các bước trên trước",)),
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
        return [f"Đợt rà soát đã có quyết định ngày {f.decided_on:%d/%m/%Y}"]
    if not f.households:
        out.append("Chưa có hộ nào trong danh sách rà soát")
    if f.surveyed < f.households:
        out.append(f"Còn {f.households - f.surveyed} hộ chưa khảo sát")
    out += [m for v in f.villages if v.surveyed == v.households for m in village_missing(v)]
    if f.posting_start is None:
        out.append("Chưa niêm yết công khai danh sách")
    else:
        if decision_date <= f.posting_end:
            out.append(f"Quyết định phải sau khi kết thúc niêm yết (ngày {f.posting_end:%d/%m/%Y})")
        if f.complaints_open:
            out.append(f"Còn {f.complaints_open} khiếu nại chưa giải quyết")
    if decision_date > day:
        out.append("Ngày quyết định không được ở tương lai")
    if not within(decision_date, f.start, f.end):
        out.append(f"Ngày quyết định phải trong thời gian rà soát ({f.start:%d/%m/%Y} – {f.end:%d/%m/%Y})")
    if effective_date < decision_date:
        out.append("Ngày có hiệu lực không được trước ngày quyết định")
    if effective_date.year != list_effective.year or effective_date < list_effective:
        out.append(f"Ngày có hiệu lực phải từ ngày {list_effective:%d/%m/%Y} đến hết năm {list_effective.year} "
                   "(năm của danh sách và của chuẩn nghèo đã dùng khi khảo sát)")
    return out


# --- the impact of a standard ----------------------------------------------------------------

CERTAIN, POSSIBLE, NOT = "certain", "possible", "not"
STATUS_LABELS = {CERTAIN: "Chắc chắn", POSSIBLE: "Có thể", NOT: "Không"}
CLASS_NAMES = {POOR: "hộ nghèo", NEAR_POOR: "hộ cận nghèo", AVERAGE: "hộ có mức sống trung bình",
               NONE: "không thuộc diện"}

# How a household's place in one list changes (before → under the standard).
STAYS, LEAVES, ENTERS, MAY_LEAVE, MAY_ENTER, OUTSIDE = (
    "stays", "leaves", "enters", "may_leave", "may_enter", "outside")
CHANGE_LABELS = {
    STAYS: "Ở lại danh sách", LEAVES: "Ra khỏi danh sách", ENTERS: "Vào danh sách",
    MAY_LEAVE: "Có thể ra khỏi danh sách", MAY_ENTER: "Có thể vào danh sách", OUTSIDE: "Ngoài danh sách",
}
PRIORITY_LABELS = {
    1: "Khảo sát trước: kết quả chưa chắc chắn",
    2: "Khảo sát để xác nhận: kết quả thay đổi",
    3: "Không thay đổi",
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
            return f"Chắc chắn: {CLASS_NAMES[self.certain_class]}"
        names = [CLASS_NAMES[c] for c in (POOR, NEAR_POOR, AVERAGE, NONE) if c in self.classes]
        return "Có thể: " + " hoặc ".join(names)

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
    known_text = (f"thiếu hụt {low} chỉ số đã biết ({_names(deprived, names)})" if low
                  else "không thiếu hụt chỉ số nào đã biết")
    unknown_text = f"chưa có thông tin {len(unknown)} chỉ số ({_names(unknown, names)})" if unknown else ""
    if income is None:
        classes = set(listed) | ({AVERAGE} if average_upper is not None else set()) | {NONE}
        explanation = (f"Chưa có thu nhập từ lần rà soát nào ({standard.name}, khu vực {area}): "
                       "có thể thuộc bất kỳ diện nào, cần khảo sát.")
    elif income <= threshold:
        classes = listed
        head = f"Thu nhập {format_vnd(income)} ≤ chuẩn {area} {format_vnd(threshold)} ({standard.name}), {known_text}"
        if unknown_text:
            head += f", {unknown_text}"
        if classes == {POOR}:
            tail = f"chắc chắn là hộ nghèo (đã đủ {cutoff} chỉ số)."
        elif classes == {NEAR_POOR}:
            tail = (f"chắc chắn là hộ cận nghèo (dù thiếu hụt mọi chỉ số chưa biết vẫn dưới {cutoff})."
                    if unknown else f"chắc chắn là hộ cận nghèo (dưới {cutoff} chỉ số).")
        else:
            need = cutoff - low
            tail = (f"là hộ nghèo nếu thiếu hụt thêm ít nhất {need} trong các chỉ số chưa biết, "
                    "nếu không là hộ cận nghèo.")
        explanation = f"{head}: {tail}"
    elif average_upper is not None and income <= average_upper:
        classes = {AVERAGE}
        explanation = (f"Thu nhập {format_vnd(income)} trên chuẩn {area} {format_vnd(threshold)} nhưng "
                       f"≤ {format_vnd(average_upper)} ({standard.name}): hộ có mức sống trung bình, "
                       "không thuộc hộ nghèo, cận nghèo.")
    else:
        classes = {NONE}
        explanation = (f"Thu nhập {format_vnd(income)} trên chuẩn {area} {format_vnd(threshold)} "
                       f"({standard.name}): không thuộc hộ nghèo, cận nghèo.")
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
