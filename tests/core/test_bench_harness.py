"""The benchmark harness (``bench/run.py``) stays runnable: it is run by hand, never by CI, so a
change to a signature it calls would otherwise be found only when someone measures (the reports
section had stopped a whole run after ``render_dataset`` took the issuer). Here every section
that needs no server runs once on a small synthetic register, through the same functions."""

from __future__ import annotations

import importlib.util
import os
from unittest import mock

import pytest


@pytest.fixture
def bench(ref):
    # bench/run.py defaults DATABASE_URL for its own runs; the test's environment is left as it was.
    with mock.patch.dict(os.environ):
        from bench import run
    return run


def test_the_harness_builds_a_register_and_measures_pages_and_reports(bench):
    from households.models import Household
    from reports import datasets

    bench.build_register(120, out=lambda *_: None)
    assert Household.objects.filter(code__startswith="B").count() == 120

    table = bench.Table()
    bench.bench_pages(table, repeat=1)
    bench.bench_reports(table, 1, ["xlsx"])
    bench.bench_pdf_scaling(table, 1)
    names = [row[0] for row in table.rows]
    assert "dashboard (TNMT, whole city)" in names
    assert "review save (POST, redirect)" in names
    assert {f"report {code} XLSX (city)" for code in datasets.REPORTS} <= set(names)
    scaling = [row for row in table.rows if row[0].endswith("rows (CPU time)")]
    assert len(scaling) == 4
    assert all("overhead" in row[-1] for row in scaling)


def test_the_load_section_turns_a_run_into_rows(bench, monkeypatch):
    """``bench_load`` reads the load test's own request times: the whole run, the arrival and
    the steady state, and the requests per second with each number of workers."""
    from bench import load

    real_find_spec = importlib.util.find_spec  # locust is a bench requirement, not the app's: say it is there
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: object() if name == "locust" else real_find_spec(name, *args))

    times = [(1000.0 + i * 0.1, "dashboard", 10.0 + (500 if i < 5 else 0)) for i in range(100)]
    runs = []

    def fake_run(args):
        runs.append((args.think, args.workers))
        return {"times": times, "warmup": 2.0, "rate": 50.0 * args.workers, "failures": 0, "text": ""}

    monkeypatch.setattr(load, "run", fake_run)
    table = bench.Table()
    bench.bench_load(table, workers_list=(2, 4), seconds=10)
    assert runs == [(5.0, 2), (0.0, 2), (0.0, 4)]
    rows = {row[0]: row for row in table.rows}
    paused = "load, 50 users pausing 2.5–7.5 s, gunicorn 2 workers"
    assert rows[f"{paused}: all requests"][1] == 100
    assert rows[f"{paused}: arrival (first 2 s)"][1] == 20
    assert rows[f"{paused}: arrival (first 2 s)"][3] == pytest.approx(510.0)  # p95 in ms
    assert rows[f"{paused}: steady state"][3] == pytest.approx(10.0)
    assert "200.0 req/s = 50.0 per worker process" in rows["load, 50 users, no pause, gunicorn 4 workers: all requests"][-1]
