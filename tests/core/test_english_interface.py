"""The English interface shows no Vietnamese but data (issue 18 item 5).

Each demo role walks the demo city's pages in English (the language switch's cookie): every page
reached by a link from the dashboard, one per view (files and downloads left out), and the
admin's pages for the administrator. On each page, the visible text and the labels a screen
reader reads (aria-label, title, placeholder, alt) are split into words; a word with a
Vietnamese letter (ă, ê, ơ, đ, ạ…) must belong to a piece of data (a phrase stored in the
database: names, addresses, units, notes, history; or a translation itself, such as the example
"Nguyễn Văn An"). What remains is text written in code or templates that did not go through
the catalogue.

Two tests, one walk:
- ``test_every_text_of_the_main_pages_is_marked_for_translation`` answers "is every string
  marked?": a marked string that the English catalogue does not translate yet is shown as its
  Vietnamese text without diacritics (a pseudo-translation), so the test passes as soon as the
  string is marked, whatever the state of ``locale/``.
- ``test_the_english_catalogue_covers_the_main_pages`` answers "is the English interface
  complete?" with the committed catalogue as it is: it fails while a marked string waits for its
  translation (``make messages``, translate, compile). ``make check-catalogue`` checks the
  catalogue file itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import trans_real

ROLES = ["canbo.anphu", "canbo.ttyt", "tnmt", "quantri"]
MAX_VIEWS_PER_ROLE = 150
# Files, downloads and actions reached by a link: not pages.
SKIPPED_VIEWS = {
    "logout", "set_language", "household_io:template", "household_io:export", "household_io:export_full",
    "jobs:download", "jobs:row", "reports:bundle_xlsx", "campaigns:document", "campaigns:certificate",
    "admin:logout", "admin:jsi18n", "admin:view_on_site", "admin:autocomplete",
}
FILE_FORMATS = re.compile(r"(^|&)format=(pdf|xlsx|csv|docx)")
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
WORD = re.compile(r"\w+")


def vietnamese(word: str) -> bool:
    """A word with a letter outside ASCII (Vietnamese letters carry marks; đ has none)."""
    return any(ord(ch) > 127 and unicodedata.category(ch).startswith("L") for ch in word)


def strip_marks(text: str) -> str:
    """The pseudo-translation: the Vietnamese text without its diacritics (case and placeholders
    kept, so that ``%(name)s`` still formats)."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text.replace("đ", "d").replace("Đ", "D"))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """Visible text nodes and read-out attributes of a page, and its links. Scripts and styles
    are not read, nor what is declared Vietnamese (``lang="vi"``: an official document shown in
    the page, whose wording is prescribed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.links: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, not read)

    @property
    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in ("script", "style", "template") or (tag != "html" and (attrs.get("lang") or "").startswith("vi"))
        if tag not in VOID:
            self._open.append((tag, hidden))
        if hidden or self._hidden:
            return
        for name in READ_ATTRIBUTES & attrs.keys():
            if attrs[name]:
                self.pieces.append(attrs[name])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_endtag(self, tag):
        if any(t == tag for t, _hidden in self._open):
            while self._open and self._open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data.strip())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


class Data:
    """Every phrase of the database with a Vietnamese letter (every table, histories included),
    and every English translation: indexed by first word, to cover the words of a page that
    belong to one."""

    def __init__(self, extra=()):
        self.by_first: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for model in apps.get_models():
            fields = [f.attname for f in model._meta.concrete_fields
                      if isinstance(f, models.CharField | models.TextField | models.JSONField)]
            if not fields:
                continue
            for row in model._base_manager.values_list(*fields).iterator():
                for value in row:
                    for text in _strings(value):
                        self.add(text)
        for model in apps.get_models():  # a form's initial value from a model default is data too
            for f in model._meta.concrete_fields:
                if isinstance(f.default, str):
                    self.add(f.default)
        for text in extra:
            self.add(text)

    def add(self, text: str) -> None:
        if text and vietnamese(text):
            words = tuple(w.casefold() for w in WORD.findall(str(text)))
            if words:
                self.by_first[words[0]].add(words)

    def leftovers(self, piece: str) -> list[str]:
        """The Vietnamese words of ``piece`` that no phrase of the data covers. A piece cut short
        ("Dịch vụ viễn thô…") is covered by the start of a phrase."""
        words = [w.casefold() for w in WORD.findall(piece)]
        cut = piece.rstrip().endswith("…")
        covered = [False] * len(words)
        for i, word in enumerate(words):
            candidates = set(self.by_first.get(word, ()))
            if cut and i == len(words) - 1:
                candidates |= {p for first, ps in self.by_first.items() if first.startswith(word) for p in ps}
            for phrase in candidates:
                end = i + len(phrase)
                if tuple(words[i:end]) == phrase:
                    covered[i:end] = [True] * len(phrase)
                elif cut and end >= len(words) and tuple(words[i:-1]) == phrase[:len(words) - 1 - i] \
                        and phrase[len(words) - 1 - i].startswith(words[-1]):
                    covered[i:] = [True] * (len(words) - i)
        return [w for w, c in zip(words, covered, strict=True) if not c and vietnamese(w) and w != "đ"]


def _view_name(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(settings.STATIC_URL):
        return None
    if FILE_FORMATS.search(parts.query):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIPPED_VIEWS or name.endswith(("_delete", "delete_view", "history_form_view")):
        return None
    # one page per view, and per report or document code ("reports:report PL01")
    codes = [str(v) for v in match.kwargs.values() if isinstance(v, str) and not str(v).isdigit()]
    return " ".join([name, *codes])


def walk(username: str) -> dict[str, tuple[str, list[str]]]:
    """The role's pages in English, one per view: {view name: (url, text pieces)}."""
    from tamky_poverty.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    start = ["/"] + (["/quan-tri/"] if username == "quantri" else [])
    queue, seen, pages = list(start), set(), {}
    while queue and len(pages) < MAX_VIEWS_PER_ROLE:
        url = queue.pop(0)
        name = _view_name(url)
        if name is None or name in seen:
            continue
        seen.add(name)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        pages[name] = (url, parser.pieces)
        queue.extend(parser.links)
    return pages


def _english_translations() -> list[str]:
    catalog = trans_real.translation("en")._catalog
    return [value for _key, value in catalog.items() if isinstance(value, str)]


def _report(pages_by_role, data: Data) -> list[str]:
    problems = []
    for role, pages in pages_by_role.items():
        for name, (url, pieces) in pages.items():
            for piece in pieces:
                left = data.leftovers(piece)
                if left:
                    problems.append(f"{role} {name} {url}: {piece[:120]!r} ({' '.join(left)})")
    return sorted(set(problems))


@pytest.fixture
def pseudo_english(monkeypatch):
    """A marked string without an English translation is shown without diacritics."""
    cls = trans_real.DjangoTranslation
    original_gettext, original_ngettext = cls.gettext, cls.ngettext

    def gettext(self, message):
        result = original_gettext(self, message)
        if translation.get_language() == "en" and result == message and vietnamese(message):
            # pgettext looks up "context\x04message" and answers the raw message when that fails
            return strip_marks(message.split("\x04", 1)[-1])
        return result

    def ngettext(self, singular, plural, n):
        result = original_ngettext(self, singular, plural, n)
        if translation.get_language() == "en" and result in (singular, plural) and vietnamese(result):
            return strip_marks(result)
        return result

    monkeypatch.setattr(cls, "gettext", gettext)
    monkeypatch.setattr(cls, "ngettext", ngettext)


def _walk_all() -> dict:
    return {role: walk(role) for role in ROLES}


def test_every_text_of_the_main_pages_is_marked_for_translation(demo_city, pseudo_english):
    pages = _walk_all()
    assert sum(len(p) for p in pages.values()) > 60, "the walk reached too few pages to mean anything"
    assert {"households:list", "households:detail", "households:review", "dashboard",
            "reports:catalogue", "reports:report PL01"} <= set(pages["tnmt"])
    assert any(name.startswith("admin:") for name in pages["quantri"])
    problems = _report(pages, Data(_english_translations()))
    assert not problems, "Vietnamese text not marked for translation:\n" + "\n".join(problems)


def test_the_english_catalogue_covers_the_main_pages(demo_city):
    """Fails while a marked string waits for its English translation (the lead translates)."""
    pages = _walk_all()
    problems = _report(pages, Data(_english_translations()))
    assert not problems, "Vietnamese text in the English interface:\n" + "\n".join(problems)


def test_the_check_finds_an_unmarked_string():
    """The check itself: data is covered, Vietnamese UI text is not, pseudo-translations pass."""
    data = Data.__new__(Data)
    data.by_first = defaultdict(set)
    data.add("Nguyễn Văn An")
    data.add("12 Lê Lợi")
    assert data.leftovers("Head: Nguyễn Văn An, 12 Lê Lợi — 1.500.000 đ") == []
    assert data.leftovers("Chủ hộ: Nguyễn Văn An") == ["chủ", "hộ"]
    assert data.leftovers("Nguyễn Vă…") == [] and data.leftovers("Chủ…") == ["chủ"]
    assert data.leftovers(strip_marks("Chủ hộ: Nguyễn Văn An")) == []
    assert strip_marks("Đã khoá %(n)d tài khoản.") == "Da khoa %(n)d tai khoan."
    parser = _Text()
    parser.feed('<html lang="en"><p title="Tìm">Xin chào<br><script>var a = "bỏ qua";</script></p>'
                '<div lang="vi"><p>Độc lập<img alt="Ảnh"></p><a href="/x/">y</a></div><a href="/ho/">x</a>')
    assert parser.pieces == ["Tìm", "Xin chào", "x"] and parser.links == ["/ho/"]


def test_what_is_recorded_stays_vietnamese_whatever_the_officers_language(ward_officer, ref, pseudo_english):
    """The explanation and its area basis are stored with the decision: written in Vietnamese
    even when the officer works in English (the page shows them as data)."""
    import datetime as dt

    from households import services
    from tests.factories import household_with_head

    household = household_with_head(ref.an_phu, code="EN-1", head_name="Lê Văn Tám")
    with translation.override("en"):
        assessment = services.assessment_record(
            actor=ward_officer, household=household, kind="annual", year=2025, income_per_capita=1_000_000,
            indicators={"employment": True, "nutrition": True, "telecom": True},
            decision_number="7/QĐ", decision_date=dt.date(2025, 1, 5),
        )
        english = services.classification.classify(ref.nd07, "urban", 1_000_000, ["a", "b", "c"]).explanation
    assert assessment.explanation.startswith("Thu nhập bình quân 1.000.000 đ/người/tháng ≤ chuẩn thành thị")
    assert "khu vực thành thị" in assessment.explanation
    assert not english.startswith("Thu nhập")  # the same text on a page in English is translated


def test_the_import_preview_in_english_is_marked(ward_officer, ref, pseudo_english):
    """The import's messages (file, cells, rows, households) in the English preview: what is
    left Vietnamese is the file's own content and its format (headings, the lists' values)."""
    import io

    from django.urls import reverse

    from households.io import columns as C
    from tests.households.io_helpers import child_row, head_row, workbook_bytes

    rows = [
        head_row(date_of_birth="31/02/1980", citizen_id="12345"),
        child_row(sex="Không rõ", relation="Con"),
        head_row(code="AP-002", full_name="Trần Thị Cúc", citizen_id="049170005678", relation="Con"),
        head_row(code="AP-003", full_name="Lê Văn Ba", citizen_id="049170005679", floor_area_m2="nhiều"),
    ]
    client = Client()
    client.force_login(ward_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("household_io:import"), {"file": io.BytesIO(workbook_bytes(rows))},
                           format="multipart")
    assert response.status_code in (200, 400)
    parser = _Text()
    parser.feed(response.content.decode())
    file_texts = [str(v) for row in rows for v in row.values()]
    file_format = C.HEADINGS + [label for column in C.COLUMNS for label in column.labels]
    data = Data([*_english_translations(), *file_texts, *file_format])
    problems = [f"{piece!r} ({' '.join(left)})" for piece in parser.pieces if (left := data.leftovers(piece))]
    assert "không tồn tại" not in " ".join(parser.pieces)  # not a Vietnamese page by mistake
    assert sum(piece.startswith(": ") for piece in parser.pieces) >= 5, parser.pieces  # the errors, one a line
    assert not problems, "Vietnamese text not marked in the import preview:\n" + "\n".join(problems)
