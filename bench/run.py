#!/usr/bin/env python
"""Benchmark harness (issue 9). Run by hand, never by CI:

    .venv/bin/python bench/run.py                       # 100,000 households on var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tamky_bench .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --households 20000 --only list,detail,review

It migrates the configured database, loads the reference data, builds a synthetic register of
the chosen size FAST (bulk_create, no audit history; a separate generator from the demo), then
measures with the Django test client, repeated: household list (filters and a diacritics-
insensitive search), detail page, review save, the report exports (PL01–PL09, year movements,
monthly report as XLSX and PDF) and the XLSX import of 10,000 households (our importer and
django-import-export's row-by-row baseline). Each row of the table: median and p95 wall time,
query count, peak Python memory (tracemalloc, one extra run).

The register is built once per database (households with codes ``B…``); recorded decisions
can never be deleted, so to rebuild use a fresh database (delete var/bench.sqlite3 or drop the
PostgreSQL database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamky_poverty.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import OuterRef, Subquery  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

YEAR = 2025
EFFECTIVE = dt.date(2025, 1, 1)
CHUNK = 2000


# --- Synthetic register -------------------------------------------------------------------------

def build_register(n: int, seed: int = 9, out=print) -> None:
    from citydata import demo
    from households.models import (
        Assessment,
        Deprivation,
        Household,
        Indicator,
        Member,
        PovertyStandard,
    )
    from households.text import search_text_of
    from support.models import SupportAction
    from tamky_poverty.models import AdministrativeUnit, Agency

    have = Household.objects.filter(code__startswith="B").count()
    if have >= n:
        out(f"register: {have:,} bench households already present")
        return
    if have:
        raise SystemExit(f"{have:,} bench households exist (< {n:,}); use a fresh database")
    rng = random.Random(seed)
    units = list(AdministrativeUnit.objects.filter(valid_to__isnull=False).order_by("code"))
    standard = PovertyStandard.objects.get(code="ND07-2021")
    indicators = list(Indicator.objects.filter(standard=standard).order_by("number"))
    agencies = list(Agency.objects.all())
    classes = ["poor"] * 25 + ["near_poor"] * 25 + ["average"] * 20 + ["none"] * 30
    groups = ["orphan", "dependants_school", "dependants_social", "no_labour", "no_labour", "other"]
    kinds = ["livelihood", "housing_repair", "housing_new", "sponsorship", "health_insurance",
             "job_placement", "nutrition", "loan", "education"]
    sizes = [1] * 10 + [2] * 15 + [3] * 25 + [4] * 25 + [5] * 15 + [6] * 10
    started = time.perf_counter()
    serial = 0
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        households, member_rows, plans = [], [], []
        for i in range(start, start + count):
            unit = units[i % len(units)]
            cls = rng.choice(classes)
            members = []
            fam = rng.choice(demo.FAMILY)
            for k in range(rng.choice(sizes)):
                sex = rng.choice(["male", "female"])
                age = rng.randint(30, 80) if k == 0 else rng.randint(0, 85)
                born = dt.date(2024 - age, 1, 2) + dt.timedelta(days=rng.randrange(360))
                serial += 1
                middle = rng.choice(demo.MIDDLE_MALE if sex == "male" else demo.MIDDLE_FEMALE)
                given = rng.choice(demo.GIVEN_MALE if sex == "male" else demo.GIVEN_FEMALE)
                members.append(dict(
                    full_name=f"{fam if k == 0 or rng.random() < 0.7 else rng.choice(demo.FAMILY)} {middle} {given}",
                    sex=sex, date_of_birth=born, relation="head" if k == 0 else rng.choice(["spouse", "child", "parent"]),
                    citizen_id=f"0{(serial % 96) + 1:02d}{serial:09d}"[-12:] if age >= 14 else None,
                    has_health_insurance=rng.random() > 0.2,
                    schooling="attending" if 3 <= age < 16 else "na",
                ))
            code = f"B{i:07d}"
            village = f"Khối phố {rng.randint(1, 12)}"
            address = f"{rng.randint(1, 999)} {rng.choice(demo.STREETS)}"
            households.append(Household(
                unit=unit, code=code, village=village, address=address,
                group=rng.choice(groups) if cls == "poor" else "other", current_class=cls, current_standard=standard,
                floor_area_m2=rng.randint(10, 120), search_text=search_text_of([m["full_name"] for m in members], [code, village, address]),
                registered_exit_year=YEAR if rng.random() < 0.01 else None,
            ))
            member_rows.append(members)
            plans.append((cls, unit))
        Household.objects.bulk_create(households)
        Member.objects.bulk_create(
            [Member(household=h, **m) for h, ms in zip(households, member_rows, strict=True) for m in ms]
        )
        assessments = []
        for h, (cls, unit) in zip(households, plans, strict=True):
            assessments.append(Assessment(
                household=h, kind="annual", year=YEAR, standard=standard, unit=unit, area_kind=unit.area_kind,
                income_per_capita=rng.randint(600, 4000) * 1000, result_class=cls, previous_class="none",
                movement={"poor": "new_poor", "near_poor": "new_near_poor"}.get(cls, "outside"),
                explanation="Dữ liệu thử tải (bench).", decision_number="1/QĐ-UBND",
                decision_date=dt.date(2024, 12, 20), effective_date=EFFECTIVE,
            ))
        Assessment.objects.bulk_create(assessments)
        deprivations = []
        for a in assessments:
            k = rng.randint(3, 6) if a.result_class == "poor" else rng.randint(0, 2)
            chosen = set(rng.sample(range(12), k))
            deprivations.extend(Deprivation(assessment=a, indicator=ind, deprived=j in chosen)
                                for j, ind in enumerate(indicators))
        Deprivation.objects.bulk_create(deprivations, batch_size=5000)
        Household.objects.filter(id__in=[h.id for h in households]).update(
            current_assessment=Subquery(Assessment.objects.filter(household=OuterRef("pk")).values("id")[:1])
        )
        actions = []
        for h, (cls, _unit) in zip(households, plans, strict=True):
            if cls in ("poor", "near_poor") and rng.random() < 0.2:
                status = rng.choice(["planned", "planned", "in_progress", "completed"])
                actions.append(SupportAction(
                    household=h, kind_id=rng.choice(kinds), household_class=cls, description="Hỗ trợ (bench)",
                    lead_agency=rng.choice(agencies), plan_year=YEAR, amount=rng.randint(1, 60) * 1_000_000,
                    status=status, completed_date=dt.date(2025, 6, 1) if status == "completed" else None,
                ))
        SupportAction.objects.bulk_create(actions)
        done = start + count
        if done % (CHUNK * 10) == 0 or done == n:
            out(f"register: {done:,}/{n:,} households ({time.perf_counter() - started:.0f} s)")


# --- Measuring ----------------------------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, times, queries, peak_mb, note=""):
        times = sorted(times)
        median = statistics.median(times)
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        self.rows.append((name, len(times), median * 1000, p95 * 1000, queries, peak_mb, note))
        print(f"  {name:<46} n={len(times):<3} median {median * 1000:9.1f} ms  p95 {p95 * 1000:9.1f} ms  "
              f"queries {queries!s:<7} peak {peak_mb:7.1f} MB {note}", flush=True)

    def markdown(self) -> str:
        lines = ["| measurement | runs | median ms | p95 ms | queries | peak MB | note |",
                 "|---|---:|---:|---:|---:|---:|---|"]
        for name, n, med, p95, q, mb, note in self.rows:
            lines.append(f"| {name} | {n} | {med:,.1f} | {p95:,.1f} | {q} | {mb:,.1f} | {note} |")
        return "\n".join(lines)


def measure(table: Table, name: str, fn, repeat: int, warmup: int = 1, note: str = "") -> None:
    for _ in range(warmup):
        fn()
    times, counts = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        counts.add(len(ctx.captured_queries))
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    queries = "/".join(str(c) for c in sorted(counts))
    table.add(name, times, queries, peak, note)


def ok(response, expected=200):
    if response.status_code != expected:
        raise AssertionError(f"{response.status_code} for {response.request['PATH_INFO']}")
    return response


def bench_pages(table: Table, repeat: int) -> None:
    from django.contrib.auth import get_user_model

    from households.models import Household
    from households.services import suggestions_for
    from tamky_poverty.models import AdministrativeUnit

    User = get_user_model()
    tnmt, _ = User.objects.get_or_create(username="bench.tnmt", defaults={"role": "tnmt_reviewer"})
    an_phu = AdministrativeUnit.objects.get(name="An Phú", valid_to__isnull=False)
    ward, _ = User.objects.get_or_create(username="bench.anphu", defaults={"role": "ward_officer", "unit": an_phu})
    city, officer = Client(), Client()
    city.force_login(tnmt)
    officer.force_login(ward)
    url = reverse("households:list")
    cases = [
        ("list: all, 25 rows (TNMT)", city, {}),
        ("list: all, 100 rows, page 50 (TNMT)", city, {"per_page": 100, "page": 50}),
        ("list: unit + poor + group (TNMT)", city, {"unit": an_phu.pk, "current_class": "poor", "group": "no_labour"}),
        ("list: deprived on health insurance (TNMT)", city, {"indicator": "health_insurance", "current_class": "poor"}),
        ("list: search “nguyễn thị hương” (TNMT)", city, {"q": "nguyễn thị hương"}),
        ("list: search “NGUYEN VAN HUNG” (TNMT)", city, {"q": "NGUYEN VAN HUNG"}),
        ("list: search by household code (TNMT)", city, {"q": "B0054321"}),
        ("list: own unit, 25 rows (ward officer)", officer, {}),
        ("list: own unit, search “trần” (ward officer)", officer, {"q": "trần"}),
    ]
    for name, client, params in cases:
        measure(table, name, lambda c=client, p=params: ok(c.get(url, p)), repeat)

    measure(table, "dashboard (TNMT, whole city)", lambda: ok(city.get(reverse("dashboard"))), repeat)
    measure(table, "dashboard (ward officer)", lambda: ok(officer.get(reverse("dashboard"))), repeat)
    measure(table, "support actions list (TNMT)", lambda: ok(city.get(reverse("support:list"))), repeat)

    ids = list(Household.objects.filter(code__startswith="B").order_by("?").values_list("id", flat=True)[:repeat + 2])
    it = iter(ids * 3)
    measure(table, "detail page (TNMT)", lambda: ok(city.get(reverse("households:detail", args=[next(it)]))), repeat)
    measure(table, "review form (GET)", lambda: ok(city.get(reverse("households:review", args=[next(it)]))), repeat)

    def review_post():
        household = Household.objects.get(pk=next(it))
        # As the view does: the suggestions of the day the decision takes effect (members' ages).
        suggestions = suggestions_for(household, dt.date(2026, 1, 1))
        data = {"kind": "regular", "year": 2026, "income_per_capita": "1.200.000", "decision_number": "99/QĐ-UBND",
                "decision_date": "01/01/2026", "effective_date": "01/01/2026", "notes": "bench"}
        for code, s in suggestions.items():
            if s.deprived:
                data[f"ind_{code}"] = "on"
        for code in ("telecom", "water", "latrine"):
            data[f"ind_{code}"] = "on"
        ok(city.post(reverse("households:review", args=[household.pk]), data), 302)

    measure(table, "review save (POST, redirect)", review_post, repeat)


def bench_reports(table: Table, repeat: int, formats) -> None:
    try:
        from reports import datasets
        from reports.documents import default_issuer
        from reports.output import render_dataset
    except ImportError:
        print("  reports: not available, skipped")
        return
    for code, spec in datasets.REPORTS.items():
        month = 6 if spec.uses_month else None
        for fmt in formats:
            def run(code=code, fmt=fmt, month=month):
                ds = datasets.build(datasets.SYSTEM, code, datasets.Params(year=YEAR, month=month))
                content, _ = render_dataset(ds, fmt, default_issuer(ds))
                return content
            content = run()
            rows = len(datasets.build(datasets.SYSTEM, code, datasets.Params(year=YEAR, month=month)).rows)
            measure(table, f"report {code} {fmt.upper()} (city)", run, repeat, warmup=0,
                    note=f"{rows:,} rows, {len(content) / 1024:,.0f} KB")
    if "pdf" in formats:
        bench_pdf_scaling(table, repeat)


def longest_list():
    from reports import datasets

    sizes = {code: len(datasets.build(datasets.SYSTEM, code, datasets.Params(year=YEAR)).rows)
             for code in datasets.LIST_REPORTS}
    code = max(sizes, key=sizes.get)
    return datasets.build(datasets.SYSTEM, code, datasets.Params(year=YEAR))


PLAIN_TABLE = """<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Liberation Serif"; src: url("{font}LiberationSerif-Regular.ttf"); }}
@font-face {{ font-family: "Liberation Serif"; font-weight: bold; src: url("{font}LiberationSerif-Bold.ttf"); }}
@page {{ size: A4 landscape; margin: 20mm 15mm 20mm 30mm; }}
html {{ font-family: "Liberation Serif"; font-size: 9.5pt; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 3pt; }}
thead {{ display: table-header-group; }}
</style></head><body><table><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table></body></html>"""


def plain_weasyprint_table(ds) -> bytes:
    """The same table as a bare WeasyPrint document: the same heading rows (texts, spans), column
    widths, cell texts and font, with the engine's default (auto) table layout and no official
    header, title, page numbers, signature or style classes — the engine's own cost for this
    table. (Without the widths and headings it lays the text out on fewer, wider lines: 5 pages
    for 145 rows instead of 9, which is not the same table.)"""
    from html import escape

    import weasyprint

    from reports.formatting import fmt
    from reports.pdf import STATIC_DIR

    kinds = [c.kind for c in ds.columns]
    total = sum(c.width for c in ds.columns) or 1
    cols = "".join(f'<col style="width: {c.width * 100 / total:.2f}%">' for c in ds.columns)
    head = "".join("<tr>" + "".join(f'<th colspan="{h.colspan}" rowspan="{h.rowspan}">{escape(h.text)}</th>'
                                    for h in hrow) + "</tr>" for hrow in ds.header_rows)
    body = "".join("<tr>" + "".join(f"<td>{escape(fmt(v, kinds[i] if i < len(kinds) else 'text'))}</td>"
                                    for i, v in enumerate(row.cells)) + "</tr>" for row in ds.rows)
    html = PLAIN_TABLE.format(font=STATIC_DIR.resolve().as_uri() + "/fonts/", cols=cols, head=head, body=body)
    return weasyprint.HTML(string=html).write_pdf()


def _cpu_seconds(fn) -> float:
    """CPU time of ``fn`` in this process, after a full garbage collection: on this shared VM the
    wall time of the same render varied by ±30 % from run to run, its CPU time by a few percent."""
    gc.collect()
    t = time.process_time()
    fn()
    return time.process_time() - t


def bench_pdf_scaling(table: Table, repeat: int = 3) -> None:
    """PDF time against the number of rows, for the longest list report, side by side with a
    plain WeasyPrint table of the same columns, texts and font: the project's own overhead is the
    ratio, and it must stay flat (within 1.2×) as the list grows. The two are rendered in turn,
    ``repeat`` times each, and the medians of their CPU times compared, so a change in the
    machine's load between them does not pass for overhead (one wall-clock run each gave
    1.00–1.25× on the idle machine, three gave 1.17–1.42×)."""
    import copy

    from reports.documents import default_issuer as settings_for
    from reports.pdf import render_pdf

    full = longest_list()
    settings_ = settings_for(full)
    plain_table(full)  # warm the fonts once
    for n in (max(1, len(full.rows) // d) for d in (8, 4, 2, 1)):
        ds = copy.copy(full)
        ds.rows = full.rows[:n]
        ours_times, plain_times = [], []
        for _ in range(repeat):
            ours_times.append(_cpu_seconds(lambda: render_pdf(ds, settings_)))  # noqa: B023 (called at once)
            plain_times.append(_cpu_seconds(lambda: plain_weasyprint_table(ds)))  # noqa: B023
        ours, plain = statistics.median(ours_times), statistics.median(plain_times)
        table.add(f"report {full.code} PDF, first {n:,} rows (CPU time)", ours_times, "-", 0.0,
                  note=f"{ours * 1000 / n:.1f} ms/row; plain WeasyPrint table {plain * 1000 / n:.1f} ms/row "
                       f"({plain:.1f} s) → overhead {ours / plain:.2f}×")


def plain_table(ds) -> None:
    import copy

    small = copy.copy(ds)
    small.rows = ds.rows[:20]
    plain_weasyprint_table(small)


# --- Jobs: long documents in the background -------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def bench_jobs(table: Table, processes_list=(1, 2), engines=("reportlab", "weasyprint")) -> None:
    """The city's longest list as a background job, end to end through the real path: the PDF
    link answers with a job (302), ``run_workers`` renders its parts in N worker processes, the
    file is downloaded from “Tài liệu của tôi”. Reported: the request's own time, the time until
    the file is ready and until its first byte arrives, each worker's peak memory, and a
    household list request answered while the PDF renders (the web worker stays free). Then
    the same document once final: its second download comes from storage."""
    import signal
    import subprocess

    from django.contrib.auth import get_user_model

    from jobs.models import Job

    User = get_user_model()
    tnmt, _ = User.objects.get_or_create(username="bench.tnmt", defaults={"role": "tnmt_reviewer"})
    client = Client()
    client.force_login(tnmt)
    full = longest_list()
    url = reverse("reports:report", args=[full.code])
    t = time.perf_counter()
    from reports.documents import default_issuer as settings_for
    from reports.pdf import render_pdf

    render_pdf(full, settings_for(full))
    serial = time.perf_counter() - t
    table.add(f"{full.code} PDF ({len(full.rows):,} rows) in one process, in the request (before)", [serial], "-", 0.0)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    for engine, processes in [(e, p) for e in engines for p in processes_list]:
        env["JOBS_WORKERS"] = str(processes)
        env["PDF_LIST_ENGINE"] = engine
        supervisor = subprocess.Popen([sys.executable, "-m", "django", "run_workers", "--processes", str(processes)],
                                      cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)  # the workers start and poll the queue
            Job.objects.all().delete()
            t0 = time.perf_counter()
            response = client.get(url, {"year": YEAR, "format": "pdf"})
            request_s = time.perf_counter() - t0
            assert response.status_code == 302, response.status_code
            job = Job.objects.get()
            list_times = []
            while True:
                job.refresh_from_db()
                if job.status in ("done", "failed"):
                    break
                t = time.perf_counter()
                ok(client.get(reverse("households:list")))
                list_times.append(time.perf_counter() - t)
                time.sleep(0.05)
            ready = time.perf_counter() - t0
            assert job.status == "done", job.error
            t = time.perf_counter()
            download = client.get(reverse("jobs:download", args=[job.pk]))
            next(iter(download.streaming_content))
            first_byte = time.perf_counter() - t0
            peaks = [_peak_rss_mb(p) for p in _children(supervisor.pid)]
            label = f"{full.code} PDF job ({engine}), {processes} worker process(es)"
            table.add(f"{label}: request → redirect", [request_s], "-", 0.0,
                      note=f"{max(1, job.parts_total)} part(s)")
            table.add(f"{label}: ready", [ready], "-",
                      max(peaks, default=0.0), note=f"first byte of the file at {first_byte:.2f} s; "
                      f"peak = largest worker max RSS; {len(list_times)} list requests while it rendered: "
                      f"median {statistics.median(list_times or [0]) * 1000:.0f} ms, "
                      f"max {max(list_times or [0]) * 1000:.0f} ms")
        finally:
            supervisor.send_signal(signal.SIGTERM)
            try:
                supervisor.wait(timeout=60)
            except subprocess.TimeoutExpired:
                supervisor.kill()
    Job.objects.all().delete()
    bench_final_document(table, client, tnmt)


def bench_final_document(table: Table, client, tnmt) -> None:
    """An approved monthly report: rendered and stored at its first download, served from
    storage at the second (budget: under 100 ms). In a transaction that is rolled back."""
    from reports import services
    from reports.models import StoredDocument
    from tamky_poverty.models import AdministrativeUnit

    an_phu = AdministrativeUnit.objects.get(name="An Phú", valid_to__isnull=False)
    User = type(tnmt)
    ward, _ = User.objects.get_or_create(username="bench.anphu", defaults={"role": "ward_officer", "unit": an_phu})
    with transaction.atomic():
        report = services.monthly_report_prepare(actor=ward, unit=an_phu, year=YEAR, month=6, difficulties="",
                                                 proposals="")
        services.monthly_report_submit(actor=ward, report=report)
        services.monthly_report_approve(actor=tnmt, report=report, comment="")
        url = reverse("reports:report", args=["MONTHLY"])
        query = {"year": YEAR, "month": 6, "unit": an_phu.pk, "format": "pdf"}
        t = time.perf_counter()
        ok(client.get(url, query))
        first = time.perf_counter() - t
        times = []
        for _ in range(20):
            t = time.perf_counter()
            b"".join(ok(client.get(url, query)).streaming_content)
            times.append(time.perf_counter() - t)
        stored = StoredDocument.objects.get()
        table.add("approved monthly report PDF, downloads 2–21 (from storage)", times, "-", 0.0,
                  note=f"first download (rendered, stored) {first * 1000:.0f} ms")
        stored.file.delete(save=False)
        transaction.set_rollback(True)


def make_import_file(path: Path, households: int, prefix: str) -> int:
    from openpyxl import Workbook

    from citydata import demo
    from households.io import columns as C

    rng = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(C.DATA_SHEET)
    ws.append(C.HEADINGS)
    keys = [c.key for c in C.COLUMNS]
    rows = 0
    unit_names = [u[0] for u in demo.UNITS]
    unit_codes = [u[1] for u in demo.UNITS]
    for i in range(households):
        u = i % len(unit_names)
        fam = rng.choice(demo.FAMILY)
        for k in range(rng.choice([1, 2, 3, 3, 4, 4, 5])):
            sex = rng.choice(["male", "female"])
            age = rng.randint(30, 80) if k == 0 else rng.randint(1, 80)
            born = dt.date(2024 - age, 1, 2) + dt.timedelta(days=rng.randrange(360))
            name = f"{fam} {rng.choice(demo.MIDDLE_MALE if sex == 'male' else demo.MIDDLE_FEMALE)} " \
                   f"{rng.choice(demo.GIVEN_MALE if sex == 'male' else demo.GIVEN_FEMALE)}"
            values = {
                "unit_code": unit_codes[u], "unit_name": unit_names[u], "code": f"{prefix}{i:06d}",
                "village": "Khối phố 3", "address": f"{i} Hùng Vương", "full_name": name,
                "sex": "Nam" if sex == "male" else "Nữ", "date_of_birth": born.strftime("%d/%m/%Y"),
                "citizen_id": f"099{rows:09d}" if age >= 14 else "",
                "relation": "Chủ hộ" if k == 0 else "Con",
            }
            ws.append([values.get(key, "") for key in keys])
            rows += 1
    wb.save(path)
    return rows


def bench_import(table: Table, households: int, baseline_households: int) -> None:
    try:
        from bench.baseline import baseline_import
        from households.io.importer import import_file
    except ImportError:
        print("  import: importer not available, skipped")
        return
    from django.contrib.auth import get_user_model

    admin, _ = get_user_model().objects.get_or_create(
        username="bench.admin", defaults={"role": "administrator", "is_superuser": True, "is_staff": True})
    tmp = Path(tempfile.mkdtemp())

    def timed(fn):
        # No tracemalloc here (it slows the import several times): the peak is the process's
        # maximum resident set size so far (an upper bound for this step).
        t = time.perf_counter()
        with transaction.atomic():
            result = fn()
            transaction.set_rollback(True)  # leave the register as it was
        elapsed = time.perf_counter() - t
        return elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result

    path = tmp / "import.xlsx"
    rows = make_import_file(path, households, "N")
    elapsed, peak, report = timed(lambda: import_file(path, actor=admin, today=timezone.localdate(), dry_run=False,
                                                      filename="bench"))
    if not report.ok:
        print("  import refused:", report.file_message, [str(p) for p in report.problems[:5]])
        return
    table.add(f"import {households:,} households ({rows:,} rows), ours", [elapsed], "-", peak,
              note="peak = process max RSS")
    if baseline_households:
        base_path = path if baseline_households == households else tmp / "baseline.xlsx"
        base_rows = rows if base_path == path else make_import_file(base_path, baseline_households, "N")
        ours = elapsed
        if base_path != path:
            ours, _, _ = timed(lambda: import_file(base_path, actor=admin, today=timezone.localdate(), dry_run=False,
                                             filename="bench"))
        b_elapsed, b_peak, _ = timed(lambda: baseline_import(base_path, actor=admin, dry_run=False))
        table.add(f"import {baseline_households:,} households ({base_rows:,} rows), django-import-export default",
                  [b_elapsed], "-", b_peak, note=f"ours on the same file {ours:.1f} s → {b_elapsed / ours:.1f}× faster")


# The load test's figures before issue 17, on this kind of machine (2 CPUs, PostgreSQL, 100,000
# households; bench/README.md "Issue 17"), printed beside today's: 50 users, no pause: 17–27
# requests/s, p95 2.5–3.9 s; pausing 2.5–7.5 s: p95 ~950 ms.
LOAD_BEFORE_NO_PAUSE = "before issue 17: 17–27 req/s, p95 2,500–3,900 ms"
LOAD_BEFORE_PAUSED = "before issue 17: p95 ~950 ms"


def bench_load(table: Table, workers_list=(2, 4), seconds: int = 120) -> None:
    """The load test (``bench/load.py``: gunicorn with the production settings, 50 locust users
    on loopback) on the same register: users pausing 2.5–7.5 s between pages (the whole run, the
    arrival when they all start within two seconds, the steady state after it), then with no
    pause for the requests per second of 2 and of 4 gunicorn worker processes."""
    import importlib.util

    # Only looked for: importing locust monkey-patches threading (gevent), which breaks this process.
    if importlib.util.find_spec("locust") is None:
        print("load: skipped (pip install -r bench/requirements.txt for locust)")
        return
    from bench import load

    def rows(label, result, note=""):
        times = result["times"]
        arrival, steady = load.split_phases(times, result["warmup"])
        rate = f"{result['rate']:.1f} req/s, {result['failures']} failed"
        table.add(f"{label}: all requests", [ms / 1000 for _, _, ms in times], "-", 0.0,
                  note=f"{rate}; {note}".rstrip("; "))
        table.add(f"{label}: arrival (first {result['warmup']:.0f} s)", [ms / 1000 for ms in arrival], "-", 0.0)
        table.add(f"{label}: steady state", [ms / 1000 for _, ms in steady], "-", 0.0)

    paused = load.run(load.parse(["--think", "5", "--seconds", str(seconds)]))
    rows("load, 50 users pausing 2.5–7.5 s, gunicorn 2 workers", paused, LOAD_BEFORE_PAUSED)
    for workers in workers_list:
        result = load.run(load.parse(["--seconds", str(seconds), "--workers", str(workers)]))
        table.add(f"load, 50 users, no pause, gunicorn {workers} workers: all requests",
                  [ms / 1000 for _, _, ms in result["times"]], "-", 0.0,
                  note=f"{result['rate']:.1f} req/s = {result['rate'] / workers:.1f} per worker process, "
                       f"{result['failures']} failed; " + (LOAD_BEFORE_NO_PAUSE if workers == 2 else "CPU-bound: "
                       "gunicorn, PostgreSQL and locust share the 2 CPUs"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="runs per page measurement")
    parser.add_argument("--report-repeat", type=int, default=3)
    parser.add_argument("--report-formats", default="xlsx,pdf")
    parser.add_argument("--import-households", type=int, default=10_000)
    parser.add_argument("--baseline-households", type=int, default=None,
                        help="size of the file for the row-by-row baseline (default: the same file)")
    parser.add_argument("--only", default="pages,reports,import,jobs,load",
                        help="comma list of pages,reports,import,scaling,jobs,load (build: only build the register)")
    parser.add_argument("--load-seconds", type=int, default=120, help="length of each load test")
    parser.add_argument("--job-engines", default="reportlab,weasyprint",
                        help="PDF engines of the long-list job measurement (PDF_LIST_ENGINE)")
    parser.add_argument("--job-workers", default="1,2", help="worker processes to run the job with")
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))

    db = settings.DATABASES["default"]
    print(f"database: {connection.vendor} {db.get('NAME')}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1 / 5 / 15 min)")
    call_command("migrate", verbosity=0)
    from citydata.reference_data import load_reference

    load_reference()
    build_register(args.households)
    if connection.vendor == "postgresql":
        # What autovacuum does on a live server after bulk writes: statistics for the planner and
        # the visibility map that lets the list's count and the indicator filter read only indexes.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        # What a large import does after it commits (SQLite gathers no statistics by itself).
        from tamky_poverty.db import refresh_statistics

        refresh_statistics()
    from households.models import Household, Member
    from support.models import SupportAction

    print(f"register: {Household.objects.count():,} households, {Member.objects.count():,} members, "
          f"{SupportAction.objects.count():,} support actions")
    table = Table()
    if "import" in only:
        # First, while the process is fresh: its peak memory is the process's maximum RSS, and
        # after the PDF reports the heap is larger and the import measurably slower.
        baseline = args.import_households if args.baseline_households is None else args.baseline_households
        bench_import(table, args.import_households, baseline)
    if "pages" in only:
        bench_pages(table, args.repeat)
    if "reports" in only:
        bench_reports(table, args.report_repeat, args.report_formats.split(","))
    elif "scaling" in only:
        bench_pdf_scaling(table, args.report_repeat)
    if "jobs" in only:
        bench_jobs(table, tuple(int(n) for n in args.job_workers.split(",")), tuple(args.job_engines.split(",")))
    if "load" in only:
        bench_load(table, seconds=args.load_seconds)
    text = table.markdown()
    print()
    print(f"load average at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1 / 5 / 15 min)")
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
