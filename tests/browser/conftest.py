"""Browser journeys: the real app served on 127.0.0.1, driven by headless Chromium (Debian's).

* The app runs in-process in a background thread (werkzeug, threaded) on a free port, on a
  fresh migrated database per test, with CSRF on so the real forms are exercised.
* Test data is seeded through the services (`server.session()`), never through SQL.
* Every page a visitor sees is checked (`Visitor.check`): the answer's status, exactly one
  <h1>, a label on every visible field, text alternatives on images and SVG charts, no console
  error or failed request, no horizontal overflow at 390 px. Each check saves a full-page
  screenshot at a desktop width and at 390 px under test-artifacts/screenshots/ (printed at the
  end of the run). Page problems are gathered per journey and raised together at its end as
  `PageProblems`, so a journey always runs through its whole flow first.

Chromium: /usr/bin/chromium (Debian's package; `.ci/run` installs it when it is missing). Never
`playwright install`. In CI (CI=true) a missing browser fails the run; elsewhere it skips.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from govern import create_app
from govern.extensions import db
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import region_account
from govern.members import service as members
from govern.regions import service as regions
from tests.conftest import TEST_PASSWORD, base_config, new_database_url
from tests.funding import buy_rsc

CHROMIUM = Path(os.environ.get("GOVERN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = TEST_PASSWORD
# axe-core, vendored from npm with its licence (tests/browser/vendor/axe-core/README.md): the
# accessibility rules a page is checked against in `Visitor.accessibility`.
AXE = ROOT / "tests" / "browser" / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


# Pages are fully loaded when the tests look at them: a short wait is plenty, and a failing
# expectation (an xfail waiting for an app fix) does not hold the run up.
expect.set_options(timeout=2_000)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


# --- the browser ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's chromium, headless, with these flags."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


_taken: dict = {}


@pytest.fixture(scope="session")
def screenshot_root():
    """A fresh screenshot folder per run; its path is printed at the end of the run."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    _taken["root"] = SCREENSHOTS
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    root = _taken.get("root")
    if root is not None:
        count = sum(1 for _ in root.rglob("*.png"))
        terminalreporter.write_sep("-", f"browser screenshots ({count}): {root}")


@pytest.fixture(scope="session")
def base_url():
    """Pages are opened by full URL on the live server (see `Visitor.open`)."""
    return None


# --- the app, served -----------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    password: str = PASSWORD


class LiveServer:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url
        self.region_id: int | None = None

    @contextmanager
    def session(self):
        """The database session of a fresh app context, for seeding through the services."""
        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()

    def region(self, name: str = "Riverside") -> int:
        with self.session() as session:
            self.region_id = regions.create_region(session, name, utcnow()).id
        return self.region_id

    def member(self, name: str, email: str | None = None, *, board: bool = False, locality: str = "") -> Person:
        email = email or f"{name.split()[0].lower()}@example.org"
        with self.session() as session:
            joined = members.join(session, email=email, name=name, password=PASSWORD, region_id=self.region_id,
                                  locality=locality, board=board, now=utcnow())
            return Person(joined.id, joined.name, joined.email)

    def fill_pool(self, person: Person, usd_minor: int = 10000) -> int:
        """Fill the capital pool without payroll: the person buys RSC at par, the exchange rate
        drops to 0.5, they buy again and the spread stays in the pool; the rate is back to 1 after.
        With the default 100.00 USD, the pool holds 100.00 RSC."""
        with self.session() as session:
            member = members.get_member(session, person.id)
            now = utcnow()
            for rate in ("0.5", "1"):
                buy_rsc(session, member, usd_minor * 2, now)
                regions.set_parameter(session, self.region_id, "exchange_rate", rate, cause_type="test",
                                      cause_id=None, now=now)
            return region_account(session, self.region_id, CAPITAL_POOL).balance


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def server(schema, tmp_path):
    """The real app on a fresh migrated database, served on 127.0.0.1 at a free port."""
    app = create_app({**base_config(new_database_url(schema, tmp_path)), "WTF_CSRF_ENABLED": True,
                      "GOVERN_MIN_VOTING_SECONDS": 1, "GOVERN_OUTBOX_DIR": str(tmp_path / "outbox")})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{httpd.server_port}")
    finally:
        httpd.shutdown()
        thread.join(10)
        httpd.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- visitors and the checks on every page ---------------------------------------------------

class PageProblems(AssertionError):
    """Pages that broke the accessibility or layout basics, gathered over a journey."""


_PAGE_CHECKS = r"""() => {
  const problems = [];
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '') + (el.type ? `[type=${el.type}]` : '');
  const textOf = ids => (ids || '').split(/\s+/).filter(Boolean)
    .map(id => (document.getElementById(id) || {textContent: ''}).textContent.trim()).join(' ').trim();

  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`${h1s.length} <h1> elements, want exactly one`);

  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) || !visible(el)) continue;
    const named = [...(el.labels || [])].some(label => label.textContent.trim())
      || (el.getAttribute('aria-label') || '').trim() || textOf(el.getAttribute('aria-labelledby'));
    if (!named) {
      const twins = el.id ? document.querySelectorAll(`[id="${CSS.escape(el.id)}"]`).length : 0;
      problems.push(`${describe(el)} has no label` + (twins > 1 ? ` (its id is used ${twins} times, so `
        + `<label for="${el.id}"> names only the first)` : ''));
    }
  }
  for (const img of document.querySelectorAll('img, input[type=image]')) {
    if (!img.hasAttribute('alt')) problems.push(`${describe(img)} (${img.getAttribute('src')}) has no alt text`);
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden=true]')) continue;
    const title = svg.querySelector(':scope > title');
    const name = (svg.getAttribute('aria-label') || '').trim() || textOf(svg.getAttribute('aria-labelledby'))
      || (title ? title.textContent.trim() : '');
    if (svg.getAttribute('role') !== 'img' || !name) {
      problems.push(`an <svg> without role="img" and a text alternative (<title> or aria-label): `
        + svg.outerHTML.slice(0, 80));
    }
  }
  return problems;
}"""

_OVERFLOW = r"""(limit) => {
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return null;
  const clipped = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > limit + 0.5
    && !clipped(el));
  const leaves = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const right = el => Math.round(el.getBoundingClientRect().right);
  return {width, culprits: leaves.slice(0, 5).map(el => `${name(el)} reaches ${right(el)}px`
    + ` ("${(el.textContent || '').trim().slice(0, 40)}")`)};
}"""


class Shots:
    """Numbered screenshots of one test, at the desktop width and at 390 px."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def paths(self, who: str, step: str) -> tuple[Path, Path]:
        self.count += 1
        stem = f"{self.count:02d}-{_slug(who)}-{_slug(step)}"
        return self.folder / f"{stem}-desktop.png", self.folder / f"{stem}-390.png"


def _slug(text: str, length: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:length]


class Visitor:
    """One person in one browser context: every page they reach is checked and photographed."""

    def __init__(self, journey: "Journey", context, who: str):
        self.journey = journey
        self.context = context
        self.who = who
        self.base = journey.server.url
        self.errors: list[str] = []
        self.status: int | None = None
        self.error_documents: set[str] = set()
        context.route(lambda url: not url.startswith(self.base + "/"), self._refuse)
        context.set_default_timeout(10_000)
        self.page = context.new_page()
        self.page.set_viewport_size(DESKTOP)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught script error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _refuse(self, route):
        self.errors.append(f"request outside the app refused: {route.request.url}")
        route.abort()

    def _failed(self, request):
        if request.failure != "net::ERR_ABORTED":  # cancelled by the next navigation, not broken
            self.errors.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _console(self, message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and where in self.error_documents:
            return  # Chromium logs a page's own 4xx; `check` asserts the status it expects
        self.errors.append(f"console error: {message.text} {where}".strip())

    def _response(self, response):
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.status = response.status
            if response.status >= 400:
                self.error_documents.add(response.url)
        elif response.status >= 400:
            self.errors.append(f"{response.status} for {request.method} {response.url}")

    # -- moving around --

    def open(self, path: str, step: str, *, status: int = 200):
        self.page.goto(self.base + path)
        return self.check(step, status=status)

    def follow(self, target, step: str, *, status: int = 200):
        """Click a link or a submit button (a locator) and check the page it leads to."""
        with self.page.expect_navigation():
            target.click()
        return self.check(step, status=status)

    def submit(self, button_name: str, step: str, *, status: int = 200):
        return self.follow(self.page.get_by_role("button", name=button_name, exact=True), step, status=status)

    def link(self, name: str, step: str, *, status: int = 200, exact: bool = True):
        return self.follow(self.page.get_by_role("link", name=name, exact=exact).first, step, status=status)

    def accessibility(self, step: str) -> list[str]:
        """Run axe-core on the page shown (at the desktop width, then at 390 px) and gather its
        serious and critical violations as page problems; returns them."""
        page = self.page
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe_source())  # evaluated, not a <script>: the app's CSP allows no inline script
        found = []
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            found += [f"axe {v} (at {size['width']} px)" for v in page.evaluate(_AXE_RUN, list(SERIOUS))]
        page.set_viewport_size(DESKTOP)
        where = f"{step} ({page.url.removeprefix(self.base)}, {self.who})"
        self.journey.problems += [f"{where}: {problem}" for problem in found]
        self.journey.axe_pages += 1
        return found

    def flash(self) -> str:
        return " ".join(self.page.locator(".flash").all_inner_texts())

    def figure(self, term: str) -> str:
        """The value next to a term in a <dl class="figures"> or <dl class="facts">."""
        dd = self.page.locator(f"xpath=//dt[normalize-space()={_xpath_literal(term)}]/following-sibling::dd[1]").first
        # the figure itself, without the <small> note a figure may carry under it
        return dd.evaluate("dd => [...dd.childNodes].filter(n => !(n.nodeType === 1 && n.tagName === 'SMALL'))"
                           ".map(n => n.textContent).join('').trim()")

    # -- the checks --

    def check(self, step: str, *, status: int = 200):
        """Check the page now shown, photograph it at both widths. A wrong status fails at once
        (the journey cannot go on); page problems are gathered for the end of the journey."""
        page = self.page
        page.wait_for_load_state("load")
        desktop, phone = self.journey.shots.paths(self.who, step)
        where = f"{step} ({page.url.removeprefix(self.base)}, {self.who})"
        problems = list(page.evaluate(_PAGE_CHECKS))
        page.screenshot(path=desktop, full_page=True)
        page.set_viewport_size(PHONE)
        try:
            overflow = page.evaluate(_OVERFLOW, PHONE["width"])
            page.screenshot(path=phone, full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)
        if overflow:
            problems.append(f"wider than the 390 px screen ({overflow['width']} px): "
                            + "; ".join(overflow["culprits"]))
        problems += self.errors
        self.errors.clear()
        self.journey.problems += [f"{where}: {problem}" for problem in problems]
        if self.status != status:
            shown = " ".join(page.locator("main .flash, main h1, main p.error").all_inner_texts())[:300]
            raise AssertionError(f"{where}: answered {self.status}, want {status}; the page says: {shown}")
        return page


_AXE_RUN = r"""async (impacts) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => impacts.includes(v.impact)).map(v =>
    `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


_axe_text: list[str] = []


def _axe_source() -> str:
    if not _axe_text:
        _axe_text.append(AXE.read_text(encoding="utf-8"))
    return _axe_text[0]


def _xpath_literal(text: str) -> str:
    return f'"{text}"' if '"' not in text else "concat('" + text.replace("'", "',\"'\",'") + "')"


@dataclass
class Journey:
    server: LiveServer
    new_context: object
    shots: Shots
    problems: list[str] = field(default_factory=list)
    axe_pages: int = 0

    def visitor(self, who: str = "visitor", **context_args) -> Visitor:
        return Visitor(self, self.new_context(**context_args), who)

    def member(self, person: Person, **context_args) -> Visitor:
        """A browser context logged in as this person, through the login form."""
        visitor = self.visitor(person.name, **context_args)
        visitor.open("/login", "log in")
        visitor.page.get_by_label("Email").fill(person.email)
        visitor.page.get_by_label("Password").fill(person.password)
        visitor.submit("Log in", "dashboard after logging in")
        return visitor

    def assert_pages_fine(self) -> None:
        if self.problems:
            raise PageProblems("pages with problems:\n  " + "\n  ".join(self.problems))


@pytest.fixture
def journey(server, new_context, screenshot_root, request):
    """Visitors on the live server. The page problems they met are raised when the test's own
    steps have passed (see `pytest_runtest_call`)."""
    folder = screenshot_root / _slug(request.node.originalname, 120)
    folder.mkdir(parents=True, exist_ok=True)
    return Journey(server, new_context, Shots(folder))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a journey's own steps pass, fail it with the page problems met on the way, so that
    they fail the test itself (and a reported app bug can be marked xfail(raises=PageProblems))."""
    trip = getattr(item, "funcargs", {}).get("journey")
    try:
        result = yield
    except BaseException as error:
        if trip is not None and trip.problems:
            error.add_note("Page problems met before this failure:\n  " + "\n  ".join(trip.problems))
        raise
    if trip is not None:
        trip.assert_pages_fine()
    return result


def closes_in(minutes: int = 10) -> str:
    """A `datetime-local` value (UTC, as the form says) some minutes from now."""
    return (utcnow() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")
