#!/usr/bin/env python3
"""Checks the English translation catalogue (locale/en/LC_MESSAGES/django.po and .mo).

1. Complete: every entry of django.po is translated and none is fuzzy; ``msgfmt --check-format``
   accepts it (placeholders such as ``%(name)s`` agree between the Vietnamese and the English).
2. Compiled: the committed django.mo holds the same catalogue as the one compilemessages makes
   from django.po now (both parsed and compared entry by entry, not byte by byte).
3. Up to date: every translatable string of the source (Python and templates) is in django.po —
   ``makemessages`` runs on a temporary copy of the source and its message ids are compared.
   Entries no longer in the source are only reported (the next makemessages marks them obsolete).

Needs GNU gettext (``apt-get install gettext``; ``make check-catalogue`` installs it when it may).
Run: ``make check-catalogue`` or ``.venv/bin/python scripts/check_catalogue.py``. Exit status 1
with one line per problem. To fix the catalogue: docs/development.md, "Layout and language".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale") / "en" / "LC_MESSAGES"
PO, MO = ROOT / CATALOGUE / "django.po", ROOT / CATALOGUE / "django.mo"
# The options of `make messages` (Makefile).
MAKEMESSAGES = ["makemessages", "-l", "en", "--ignore=.venv", "--ignore=var"]
# Not copied for makemessages: no translatable source in them (and .venv/var are ignored anyway).
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "var", "locale", "node_modules", "__pycache__", "*.pyc", ".pytest_cache",
    ".ruff_cache", "test-results", "results", "*.sqlite3*", "*.pdf", "*.ttf", "*.xlsx",
)
SHOWN = 40  # problems printed


def key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def label(k: tuple[str, str, str]) -> str:
    context, msgid, plural = k
    text = repr(msgid if len(msgid) <= 70 else msgid[:67] + "...")
    return (f"[{context}] " if context else "") + text + (" (plural)" if plural else "")


def listed(problems: list[str], what: str, items: list[str]) -> None:
    """One problem per item (the first SHOWN of them printed, then how many more)."""
    problems += [f"{what}: {item}" for item in items]


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        sys.exit(f"check_catalogue: {name} not found: install GNU gettext (apt-get install gettext)")
    return path


def complete(po: polib.POFile) -> list[str]:
    problems: list[str] = []
    listed(problems, "untranslated", [label(key(e)) for e in po.untranslated_entries()])
    listed(problems, "fuzzy", [label(key(e)) for e in po.fuzzy_entries()])
    return problems


def messages(mo: polib.MOFile) -> dict:
    """The catalogue of a compiled file: header and every message with its translation(s)."""
    found = {("", "", ""): tuple(sorted(mo.metadata.items()))}
    for entry in mo:
        found[key(entry)] = (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
    return found


def compiled(tmp: Path) -> tuple[list[str], dict | None]:
    """msgfmt as compilemessages runs it, into a temporary file, compared with django.mo."""
    fresh = tmp / "django.mo"
    result = subprocess.run([gettext_tool("msgfmt"), "--check-format", "-o", str(fresh), str(PO)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return [f"msgfmt --check-format: {line}" for line in result.stderr.splitlines() if line.strip()], None
    expected = messages(polib.mofile(str(fresh)))
    if not MO.exists():
        return [f"{MO.relative_to(ROOT)} is missing: run compilemessages"], expected
    committed = messages(polib.mofile(str(MO)))
    if committed == expected:
        return [], expected
    differing = sorted(k for k in expected.keys() | committed.keys() if expected.get(k) != committed.get(k))
    problems: list[str] = []
    listed(problems, "django.mo differs from django.po (run compilemessages)",
           [label(k) if k != ("", "", "") else "the header" for k in differing])
    return problems, expected


def extracted(tmp: Path) -> set[tuple[str, str, str]]:
    """The message ids makemessages finds in a copy of the source."""
    gettext_tool("xgettext")
    copy = tmp / "source"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCE, symlinks=True)
    (copy / "locale").mkdir()
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES, "--verbosity=0"], cwd=copy,
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"check_catalogue: makemessages failed:\n{result.stdout}{result.stderr}")
    po = polib.pofile(str(copy / CATALOGUE / "django.po"))
    return {key(e) for e in po if not e.obsolete}


def main() -> int:
    po = polib.pofile(str(PO))
    with tempfile.TemporaryDirectory(prefix="check-catalogue-") as tmp:
        problems = complete(po)
        compile_problems, _ = compiled(Path(tmp))
        problems += compile_problems
        in_source = extracted(Path(tmp))
    in_catalogue = {key(e) for e in po if not e.obsolete}
    missing = sorted(in_source - in_catalogue)
    listed(problems, "in the source but not in django.po (run makemessages and translate)", [label(k) for k in missing])
    stale = sorted(in_catalogue - in_source)
    if stale:
        print(f"check_catalogue: note: {len(stale)} entries of django.po are no longer in the source "
              "(makemessages will mark them obsolete)", file=sys.stderr)
    for problem in problems[:SHOWN]:
        print(f"check_catalogue: {problem}", file=sys.stderr)
    if len(problems) > SHOWN:
        print(f"check_catalogue: … and {len(problems) - SHOWN} more", file=sys.stderr)
    if problems:
        print(f"check_catalogue: {len(problems)} problems in {PO.relative_to(ROOT)} (docs/development.md, 'Layout and language')",
              file=sys.stderr)
        return 1
    print(f"check_catalogue: {len(in_catalogue)} messages, all translated, compiled, and none missing from the source")
    return 0


if __name__ == "__main__":
    sys.exit(main())
