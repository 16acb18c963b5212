"""Uploaded household lists awaiting the officer's confirmation.

Between the preview and the click on "confirm" the file waits in the default storage (the one
every web process and machine shares, like the jobs' files), under ``imports/pending/``, named by
a random token kept in the officer's session. Confirming *claims* it: ``cache.add`` on the shared
cache (the database or Redis) is atomic, so of two requests sent by a double click only one gets
the file; the other finds nothing to claim. A file nobody confirmed is removed a day later by the
next upload's sweep."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

DIR = "imports/pending"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE = dt.timedelta(hours=24)


def _path(token: str) -> str:
    return f"{DIR}/{token}.xlsx"


def store(data: bytes) -> str:
    """Keep ``data`` until it is claimed or swept; its token."""
    token = secrets.token_urlsafe(24)
    saved = default_storage.save(_path(token), ContentFile(data))
    if saved != _path(token):  # the storage renamed it: a token taken twice cannot happen; refuse
        default_storage.delete(saved)
        raise RuntimeError("pending upload name collision")
    return token


def exists(token: str) -> bool:
    return bool(TOKEN_RE.match(token or "")) and default_storage.exists(_path(token))


def read(token: str) -> bytes | None:
    """The file's bytes, left waiting (a preview shown again); None if it is gone."""
    if not TOKEN_RE.match(token or ""):
        return None
    try:
        with default_storage.open(_path(token), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def claim(token: str) -> bytes | None:
    """The file's bytes, for this caller alone, and the file removed; None if it was claimed by
    another request, discarded, swept or never stored."""
    if not TOKEN_RE.match(token or ""):
        return None
    if not cache.add(f"household-import:claimed:{token}", True, timeout=int(MAX_AGE.total_seconds())):
        return None
    try:
        with default_storage.open(_path(token), "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return None
    default_storage.delete(_path(token))
    return data


def discard(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        default_storage.delete(_path(token))


def sweep(now: dt.datetime) -> int:
    """Remove the files left waiting longer than a day before ``now``; how many."""
    if not default_storage.exists(DIR):
        return 0
    removed = 0
    for name in default_storage.listdir(DIR)[1]:
        path = f"{DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < now - MAX_AGE:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return removed


def waiting() -> list[str]:
    """The tokens of the files waiting (for tests and the operations page)."""
    if not default_storage.exists(DIR):
        return []
    return sorted(name.removesuffix(".xlsx") for name in default_storage.listdir(DIR)[1])
