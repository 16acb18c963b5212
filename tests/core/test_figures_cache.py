"""The figures cache computes a stale value once, however many requests miss it together."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache

from tamky_poverty import figures_cache


@pytest.fixture(autouse=True)
def memory_cache(settings):
    """A process-wide cache that threads share without a database transaction in between."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "figures-cache-test"}}
    cache.clear()
    yield
    cache.clear()


def _slow_compute(calls: list, seconds: float = 0.3):
    def compute():
        calls.append(1)
        time.sleep(seconds)
        return {"poor": 191}
    return compute


def test_requests_arriving_together_compute_the_figures_once():
    calls, results = [], []
    threads = [threading.Thread(target=lambda: results.append(
        figures_cache.cached("dashboard", ("city",), _slow_compute(calls)))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(calls) == 1
    assert results == [{"poor": 191}] * 6


def test_a_write_while_computing_is_not_hidden_by_the_marker(db):
    calls = []
    assert figures_cache.cached("dashboard", ("city",), _slow_compute(calls, 0)) == {"poor": 191}
    figures_cache.figures_changed()
    assert figures_cache.cached("dashboard", ("city",), lambda: {"poor": 192}) == {"poor": 192}


def test_a_waiter_computes_itself_when_the_other_gives_up():
    marker = figures_cache.key_for("dashboard", ("city",)) + ":computing"
    cache.add(marker, True)  # somebody else is computing ...
    threading.Timer(0.2, lambda: cache.delete(marker)).start()  # ... and gives up without a value
    calls = []
    assert figures_cache.cached("dashboard", ("city",), _slow_compute(calls, 0)) == {"poor": 191}
    assert calls == [1] and cache.get(marker) is None


def test_the_wait_is_bounded(monkeypatch):
    monkeypatch.setattr(figures_cache, "WAIT_SECONDS", 0.3)
    cache.add(figures_cache.key_for("dashboard", ("city",)) + ":computing", True)  # never goes away
    started = time.monotonic()
    assert figures_cache.cached("dashboard", ("city",), lambda: {"poor": 1}) == {"poor": 1}
    assert 0.3 <= time.monotonic() - started < 2
