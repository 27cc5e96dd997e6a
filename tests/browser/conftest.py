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
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from tests.browser.checks import AXE, AXE_SHA256
from tests.conftest import PG_URL, head_template
from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.skipif(
                not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"))
            # The browser sees the same pages whatever the database; once is enough.
            item.add_marker(pytest.mark.skipif(
                bool(PG_URL), reason="browser tests run in the SQLite pass"))


def _port() -> int:
    if os.environ.get("BROWSER_PORT"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        return int(os.environ["BROWSER_PORT"]) + int(worker.removeprefix("gw"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(app, tmp_path_factory) -> Iterator[str]:
    """A development server on its own database, seeded as `make run` does. The database is a
    copy of the suite's as the migrations left it (tests/conftest.py:head_template), which is
    what `flask db upgrade` makes of an empty one."""
    db_file = tmp_path_factory.mktemp("live") / "live.db"
    shutil.copyfile(head_template(app.config["DATABASE_URL"]), db_file)
    env = {**os.environ, "FLASK_APP": "app", "TRACKER_CONFIG": "development",
           "DATABASE_URL": f"sqlite:///{db_file}", "SECRET_KEY": "browser-test",
           # The cheapest password hashes, as in the other tests: seeding the demo users with
           # the production cost would take most of the browser tests' time.
           "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _port()
    proc = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded machine takes long to import the app
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert proc.poll() is None, "flask run exited"
            assert time.monotonic() < deadline, "flask run did not answer within a minute"
            time.sleep(0.2)  # polling for the port: no fixed wait
    yield url
    proc.terminate()
    proc.wait(timeout=10)


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
    page.click("button.primary")
    if page.locator("input[name=code]").count():  # the demo admin's second factor (README)
        page.fill("input[name=code]", _fresh_code())
        page.click("button.primary")
        _signed_in[(server, email)] = page.context.cookies()


# The app refuses a code of a time step it has already accepted (a replay), and a step lasts
# 30 s: the browser tests sign the admin in once and reuse that session in later contexts (a
# test that signs out ends it, and the next one signs in again with a fresh code).
_signed_in: dict[tuple[str, str], list] = {}
_last_step = [-1]


def _fresh_code() -> str:
    """The demo admin's code, from a time step not used before (waiting for the next step when
    this one is spent)."""
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    step = int(time.time()) // totp.interval
    if step <= _last_step[0]:
        time.sleep((_last_step[0] + 1) * totp.interval - time.time() + 0.05)
        step = int(time.time()) // totp.interval
    _last_step[0] = step
    return totp.at(step * totp.interval)
