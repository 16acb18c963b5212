"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's
``live_server``. Never a downloaded browser (no ``playwright install``).

- Outside CI a machine without ``/usr/bin/chromium`` skips these tests with a clear reason; in CI
  (``CI=true``) a missing browser is a failure.
- A failing test leaves a screenshot in ``var/screenshots/<test>.png``.
- Every page records Content-Security-Policy violations (``securitypolicyviolation`` events and
  console errors); the ``page`` fixture fails the test when there was any.
- ``assert_accessible(page)`` runs the vendored axe-core (``vendor/axe-core``, never downloaded
  at test time) on the page as it is and fails on violations of serious or critical impact
  (contrast below 4.5:1, unlabelled fields, ARIA references to missing ids, …).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")

# Collects CSP violations in the page (an init script is not subject to the page's CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture(scope="module", autouse=True)
def _allow_async_unsafe():
    """Playwright's sync API runs an event loop in this thread while the live server serves from
    another: Django must allow database access (os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]). Set
    only while a browser-test module runs (the browser is module-scoped too), so the other tests
    — e.g. ``check --deploy`` in a subprocess — never inherit it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _browser_missing_reason() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests"


@pytest.fixture(scope="module")
def browser(_allow_async_unsafe):
    reason = _browser_missing_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """CSP violations and console errors seen while a test browsed."""

    def __init__(self):
        self.csp: list[str] = []
        self.console_errors: list[str] = []

    def on_console(self, message):
        if message.type == "error":
            text = message.text
            if "Content Security Policy" in text or "Refused to" in text:
                self.csp.append(text)
            else:
                self.console_errors.append(text)


def _new_page(browser, request, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True,
                                  base_url=live_server.url)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    problems = PageProblems()
    page.on("console", problems.on_console)
    page.problems = problems
    visited: list[str] = []
    page.visited = visited

    def remember(frame):
        if frame == page.main_frame:
            visited.append(frame.url)
            try:  # collect violations of the page we are leaving behind
                problems.csp.extend(frame.evaluate("window.__cspViolations || []"))
            except Exception:  # noqa: BLE001 (the page is navigating)
                pass

    page.on("framenavigated", remember)
    return context, page


def _finish(page, context, request, suffix: str = ""):
    node = request.node
    failed = getattr(node, "rep_call", None) is not None and node.rep_call.failed
    if failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name) + suffix
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 (a crashed page cannot be photographed)
            pass
    try:
        page.problems.csp.extend(page.evaluate("window.__cspViolations || []"))
    except Exception:  # noqa: BLE001
        pass
    context.close()
    if not failed:
        csp = sorted(set(page.problems.csp))
        assert not csp, f"Content-Security-Policy violations: {csp}"


@pytest.fixture
def page(browser, request, live_server):
    context, page = _new_page(browser, request, live_server, DESKTOP)
    yield page
    _finish(page, context, request)


@pytest.fixture
def phone_page(browser, request, live_server):
    context, page = _new_page(browser, request, live_server, PHONE)
    yield page
    _finish(page, context, request)


@pytest.fixture
def new_page(browser, request, live_server):
    """Factory for more pages (a second user in the same test)."""
    made = []

    def make(viewport=None):
        context, page = _new_page(browser, request, live_server, viewport or DESKTOP)
        made.append((context, page))
        return page

    yield make
    for number, (context, page) in enumerate(made, start=2):
        _finish(page, context, request, suffix=f"-page{number}")


def login(page, username: str, password: str):
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "/dang-nhap/" not in page.url, f"login as {username} failed"


_AXE_SOURCE: list[str] = []

# Runs axe on the document and returns its violations in a plain form.
AXE_RUN = """
async (options) => {
  const result = await window.axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}
"""


def axe_violations(page, *, impacts=AXE_FAILING_IMPACTS, disable: tuple[str, ...] = ()):
    """The accessibility violations axe-core finds on the page as it is now, of the given
    impacts. axe is evaluated through the DevTools protocol (like Playwright's own scripts), so
    the page's Content-Security-Policy neither blocks it nor is loosened for it."""
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE_JS.read_text(encoding="utf-8"))
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE_SOURCE[0] + "\n;undefined")
    options = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    found = page.evaluate(AXE_RUN, options)
    return [v for v in found if v["impact"] in impacts]


def accessibility_problems(page, *, disable: tuple[str, ...] = (), where: str = "") -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, as readable lines
    (empty when there is none). For a test that checks several pages and fails once at the end."""
    violations = axe_violations(page, disable=disable)
    if not violations:
        return []
    lines = [f"{where or page.url}: {len(violations)} accessibility violation(s)"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            summary = " ".join(node["summary"].split())[:300]
            lines.append(f"    {node['target']}: {summary}")
    return lines


def assert_accessible(page, *, disable: tuple[str, ...] = (), where: str = ""):
    """Fail when axe-core finds a serious or critical accessibility violation on the page
    (call it once the page shows what is to be checked: an open form, an error summary, …)."""
    lines = accessibility_problems(page, disable=disable, where=where)
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def confirm(page, *texts: str):
    """Answer the page's confirmation dialog (``data-confirm``, static/js/app.js: what cannot be
    undone asks once): it must be open and show ``texts`` (the question, the summary); then its
    confirming button is pressed."""
    from playwright.sync_api import expect

    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    for text in texts:
        expect(dialog).to_contain_text(text)
    dialog.locator("[data-confirm-accept]").click()
