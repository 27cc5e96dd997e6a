"""Journeys in a real browser (tests/browser/conftest.py): signing in, switching language,
fixing a refused field, the menu a role sees, signing out."""

from __future__ import annotations

import os

from tests.browser.conftest import log_in


def test_admin_logs_in_in_chinese_switches_to_english_and_fixes_a_typo(page, server, tmp_path):
    log_in(page, server)
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
    log_in(page, server, "observer@demo.jitri.cn")
    menu = page.inner_text("nav.main-nav")
    assert "Users" not in menu and "用户" not in menu
    assert "Audit trail" in menu or "审计" in menu
    page.goto(server + "/admin/users/")
    assert "403" in page.inner_text("h1")


def test_logout_returns_to_the_login_page(page, server):
    log_in(page, server, "pm@demo.jitri.cn")
    page.click("header >> button.link")
    assert page.url.endswith("/login")
