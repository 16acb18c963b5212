"""Cached figures that every visit would otherwise recompute (the dashboard), shared by every web
process through Django's cache (the database by default, Redis with REDIS_URL).

One generation number stands for "the register as it is now": every write that can change a
figure bumps it (model signals connected by the app that caches, plus an explicit call after
bulk writes such as the import), and every cached value's key includes it, so a write shows at
once and old entries simply expire."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "figures:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted)
        cache.set(GENERATION_KEY, 2, timeout=None)


def figures_changed(**_signal_kwargs) -> None:
    """The register changed: cached figures are stale once the change is committed (and now,
    for readers inside the same transaction)."""
    _bump()
    transaction.on_commit(_bump)


def connect(*models) -> None:
    """Bump the generation whenever a row of these models is saved or deleted."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in models:
        uid = f"figures-{model._meta.label_lower}"
        post_save.connect(figures_changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(figures_changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(figures_changed, sender=field.remote_field.through,
                                dispatch_uid=f"{uid}-{field.name}-m2m", weak=False)


# How long a request waits for figures another process is computing (then computes them itself),
# and how often it looks.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05


def cached(name: str, parts: tuple, compute: Callable[[], Any], timeout: int | None = None) -> Any:
    """``compute()``, cached under ``name`` and ``parts`` for the current generation.

    Computed once however many ask at the same moment: the first to miss takes a marker with
    ``cache.add`` (atomic in the database and in Redis) and computes; the others wait for its
    result instead of computing the same figures beside it. When 50 users arrived at once on a
    cold cache, five computations of the city dashboard at once held both web workers for 7 s
    (bench/README.md, "Issue 17")."""
    key = key_for(name, parts)
    value = cache.get(key)
    if value is not None:
        return value
    marker = f"{key}:computing"
    if not cache.add(marker, True, timeout=int(WAIT_SECONDS) + 1):
        value = _wait_for(key, marker)
        if value is not None:
            return value
    try:
        value = compute()
        cache.set(key, value, settings.CACHE_SECONDS if timeout is None else timeout)
    finally:
        cache.delete(marker)
    return value


def key_for(name: str, parts: tuple) -> str:
    """The cache key of ``name`` and ``parts`` in the current generation."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"figures:{name}:{generation()}:{digest}"


def _wait_for(key: str, marker: str) -> Any:
    """The value another process is computing, once it is stored; None if that process gave up
    (its marker is gone without a value) or took longer than WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        value = cache.get(key)
        if value is not None or cache.get(marker) is None:
            return value
    return None
