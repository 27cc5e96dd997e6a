"""The app in a real browser: Debian's Chromium driven by Playwright, against `flask run`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PG_URL

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
    # The browser sees the same pages whatever the database; once is enough.
    pytest.mark.skipif(bool(PG_URL), reason="browser tests run in the SQLite pass"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """A development server on its own database, migrated and seeded as `make run` does."""
    db_file = tmp_path_factory.mktemp("live") / "live.db"
    env = {**os.environ, "FLASK_APP": "app", "TRACKER_CONFIG": "development",
           "DATABASE_URL": f"sqlite:///{db_file}", "SECRET_KEY": "browser-test",
           # The cheapest password hashes, as in the other tests: seeding the demo users with
           # the production cost would take most of this module's time.
           "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_KIB": "8", "ARGON2_PARALLELISM": "1"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.console_errors = errors
    yield pg
    context.close()


def _log_in(page, server, email="admin@demo.jitri.cn"):
    page.goto(server + "/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo-password-2026")
    page.click("button.primary")
    if page.locator("input[name=code]").count():  # the demo admin's second factor (README)
        import pyotp

        from tracker.demo import DEMO_TOTP_SECRET

        page.fill("input[name=code]", pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.click("button.primary")


def test_admin_logs_in_in_chinese_switches_to_english_and_fixes_a_typo(page, server, tmp_path):
    _log_in(page, server)
    assert "欢迎" in page.inner_text("main")
    page.click("text=English")
    assert "Welcome" in page.inner_text("main")
    page.click("nav.main-nav >> text=Enterprises")
    page.click("text=New enterprise")
    page.fill("input[name=name]", "无锡测试科技有限公司")
    page.fill("input[name=uscc]", "91350100M000100Y44")
    page.click("button.primary")
    error = page.inner_text(".field.has-error")
    assert "check character" in error
    assert page.input_value("input[name=name]") == "无锡测试科技有限公司"
    page.fill("input[name=uscc]", "91350100M000100Y43")
    page.click("button.primary")
    assert "Saved." in page.inner_text("main")
    assert "无锡测试科技有限公司" in page.inner_text("h1")
    page.screenshot(path=os.environ.get("SCREENSHOT_DIR", str(tmp_path)) + "/enterprise.png",
                    full_page=True)
    refused = [e for e in page.console_errors if "Content Security Policy" in e or "404" in e]
    assert not refused, refused  # nothing refused by the CSP, no missing asset


def test_observer_menu_has_no_admin_pages(page, server):
    _log_in(page, server, "observer@demo.jitri.cn")
    menu = page.inner_text("nav.main-nav")
    assert "Users" not in menu and "用户" not in menu
    assert "Audit trail" in menu or "审计" in menu
    page.goto(server + "/admin/users/")
    assert "403" in page.inner_text("h1")


def test_logout_returns_to_the_login_page(page, server):
    _log_in(page, server, "pm@demo.jitri.cn")
    page.click("header >> button.link")
    assert page.url.endswith("/login")
