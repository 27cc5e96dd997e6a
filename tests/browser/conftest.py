"""The app in a real browser: Debian's Chromium driven by Playwright, against `flask run`.

Each test process that runs browser tests starts one development server, on a database of its
own, and one Chromium (session scope); each test gets a fresh browser context (its own cookies).
Under xdist both workers start with the browser tests (the scheduler of tests/conftest.py), so
two servers and two Chromiums run side by side: set BROWSER_PORT to choose their ports (the
worker gwN serves on BROWSER_PORT + N), else each takes a free one.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from sqlalchemy.engine import make_url

from tests.browser.checks import AXE, AXE_SHA256
from tests.conftest import PG_URL, copy_of_head, drop_database
from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent.parent


# CI sets this (.ci/run): there a browser test that is skipped fails instead.
REQUIRED = os.environ.get("BROWSER_TESTS_REQUIRED") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    ours = [item for item in items if here in item.path.parents]
    if PG_URL:
        # The pages' shape (the walks, a phone, print) is the same whatever the database: those
        # run in the SQLite pass only, and are not collected in the PostgreSQL one (deselected,
        # not skipped). The journeys change data through the app, whose statements differ by
        # database: they run in both passes, their server on the pass's database (`server`).
        shape_only = [item for item in ours if item.path.name != "test_journeys.py"]
        config.hook.pytest_deselected(items=shape_only)
        items[:] = [item for item in items if item not in shape_only]
        ours = [item for item in ours if item not in shape_only]
    for item in ours:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.skipif(
            not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"))


def _port() -> int:
    if os.environ.get("BROWSER_PORT"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        return int(os.environ["BROWSER_PORT"]) + int(worker.removeprefix("gw"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    env: dict[str, str]  # what the server runs with: a `flask` command on its database too
    log: Path  # what it wrote (its request log and tracebacks)


SERVERS: dict[str, Server] = {}


def flask_command(server: str, *args: str, **env: str) -> str:
    """Run `flask *args` on the database of the server at `server`; its output."""
    done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, check=True,
                          env={**SERVERS[server].env, **env}, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="session")
def server(app, tmp_path_factory) -> Iterator[str]:
    """A development server on its own database, seeded as `make run` does. The database is
    a copy of the run's as the migrations left it (tests/conftest.py:copy_of_head), which is
    what `flask db upgrade` makes of an empty one: a file on SQLite; on PostgreSQL
    (TEST_DATABASE_URL) a database of its own beside the suite's, dropped after."""
    live = tmp_path_factory.mktemp("live")
    if PG_URL:
        base = make_url(app.config["DATABASE_URL"])
        database = base.set(database=f"{base.database}_live").render_as_string(
            hide_password=False)
    else:
        database = f"sqlite:///{live / 'live.db'}"
    copy_of_head(database)
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FLASK_APP": "app", "TRACKER_CONFIG": "development",
           "DATABASE_URL": database, "SECRET_KEY": "browser-test",
           "BASE_URL": url,  # the links of the e-mails the journeys receive
           # The cheapest password hashes, as in the other tests: seeding the demo users with
           # the production cost would take most of the browser tests' time.
           "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = live / "server.log"
    proc = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT,
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    SERVERS[url] = Server(env=env, log=log)
    # A loaded machine takes long to import the app: over a minute at a load of 18 on two
    # cores (suite11's run). Waiting longer costs nothing when it answers sooner.
    deadline = time.monotonic() + 300
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert proc.poll() is None, "flask run exited"
            assert time.monotonic() < deadline, "flask run did not answer within five minutes"
            time.sleep(0.2)  # polling for the port: no fixed wait
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    drop_database(database)  # PostgreSQL's; the SQLite file goes with the run's tmp


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "axe.min.js is not the vendored one"
    return source.decode()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.console_errors = errors
    yield pg
    context.close()


def log_in(page, server, email="admin@demo.jitri.cn"):
    if (server, email) in _signed_in:  # an account with a second factor: its session again
        page.context.add_cookies(_signed_in[(server, email)])
        page.goto(server + "/")
        if not page.locator("input[name=email]").count():
            return
    page.goto(server + "/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    # Each click waits for the page it leads to: asked at once, a slow machine's old page still
    # has no code field and the second factor is skipped (the walk then signs in as no one).
    with page.expect_navigation():
        page.click("button.primary")
    if page.locator("input[name=code]").count():  # a second factor (README, demo logins)
        page.fill("input[name=code]", _fresh_code(email))
        with page.expect_navigation():
            page.click("button.primary")
        _signed_in[(server, email)] = page.context.cookies()


# The app refuses a code of a time step it has already accepted from that account (a replay),
# and a step lasts 30 s: the browser tests sign each such account in once and reuse its session
# in later contexts (a test that signs out ends it, and the next one signs in again with a fresh
# code). The demo's admin and committee member share the key, not the steps they used.
_signed_in: dict[tuple[str, str], list] = {}
_last_step: dict[str, int] = {}


def _fresh_code(email: str) -> str:
    """The demo key's code for `email`, from a time step that account has not used (waiting
    for the next step when this one is spent)."""
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    step = int(time.time()) // totp.interval
    if step <= _last_step.get(email, -1):
        time.sleep((_last_step[email] + 1) * totp.interval - time.time() + 0.05)
        step = int(time.time()) // totp.interval
    _last_step[email] = step
    return totp.at(step * totp.interval)


# Where a failing journey leaves what it saw (CI keeps test-results/: README, "Browser tests").
RESULTS = Path(os.environ.get("TEST_RESULTS", ROOT / "test-results"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRED and report.skipped and Path(__file__).parent in item.path.parents:
        report.outcome = "failed"
        report.longrepr = f"a browser test may not be skipped in CI: {report.longrepr}"
    item.stash.setdefault(REPORTS, {})[report.when] = report


REPORTS = pytest.StashKey[dict]()


@pytest.fixture
def journey(request: pytest.FixtureRequest, browser, server, axe_source):
    """The people of one journey, each in a browser of their own (tests/browser/journeys.py).
    When the test fails, each one's screen and page and the server's log of the test are kept
    under test-results/journeys/<test>/."""
    from tests.browser.journeys import Journey

    log = SERVERS[server].log
    start = log.stat().st_size
    trip = Journey(browser, server, axe_source)
    try:
        yield trip
        call = request.node.stash.get(REPORTS, {}).get("call")
        if call is None or call.failed:
            where = RESULTS / "journeys" / re.sub(r"[^\w.-]+", "_", request.node.name)
            trip.keep(where)
            with log.open("rb") as f:
                f.seek(start)
                (where / "server.log").write_bytes(f.read())
    finally:
        trip.close()
