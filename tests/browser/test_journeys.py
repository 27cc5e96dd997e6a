"""Journeys in a real browser (tests/browser/conftest.py): signing in, switching language,
fixing a refused field, the menu a role sees, signing out."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from tests.browser.conftest import flask_command, log_in
from tests.browser.journeys import set_language
from tests.gates.helpers import PDF
from tests.reminders.conftest import SmtpServer
from tracker.demo import DEMO_PASSWORD


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


PM, HQ, CHAIR = "pm@demo.jitri.cn", "admin@demo.jitri.cn", "evaluator2@demo.jitri.cn"
# The panel: Anna Evans reads English, the others Chinese (tracker/demo.py).
PANEL = [("evaluator@demo.jitri.cn", "en", "Your scores were submitted"),
         (CHAIR, "zh_CN", "您的评分已提交"),
         ("evaluator3@demo.jitri.cn", "zh_CN", "您的评分已提交")]


def fill_proposal(page, title: str) -> None:
    page.fill("input[name=title]", title)
    page.fill("textarea[name=summary]", "面向工业现场的低功耗无线传感芯片")
    page.fill("input[name=field]", "集成电路")
    page.fill("input[name=trl_now]", "4")
    page.fill("input[name=trl_target]", "6")
    page.fill("input[name=start_date]", "2027-01-01")
    page.fill("input[name=end_date]", "2028-12-31")
    page.fill("input[name=budget_total]", "800000")
    for n, (line, amount) in enumerate([("设备费", "500000"), ("材料费", "300000")]):
        page.fill(f"input[name=budget_lines-{n}-category]", line)
        page.fill(f"input[name=budget_lines-{n}-amount]", amount)


def score(page, recommendation: str) -> None:
    """Every must-meet criterion met, every should-meet 4 of 5, and the recommendation."""
    form = page.locator("form[action$='/scores']")
    for name in dict.fromkeys(form.locator("input[type=radio]").evaluate_all(
            "els => els.map(e => e.name)")):
        form.locator(f"input[name={name}][value='1']").check()
    for box in form.locator("input[type=number]").all():
        box.fill("4")
    form.locator("select[name=recommendation]").select_option(recommendation)
    form.locator("button[type=submit]").click()


def test_a_proposal_through_gate_one_to_a_condition_confirmed(journey, tmp_path):
    """The PM (Chinese) proposes with budget lines and a real PDF and submits; HQ names a panel;
    three evaluators declare and score, one in English; the chair records CONDITIONAL GO with a
    condition; the PM marks it met and HQ confirms it."""
    title = "低功耗无线传感芯片"
    proposal = tmp_path / "项目申报书.pdf"
    proposal.write_bytes(PDF)

    pm = journey.as_(PM, "zh_CN")
    journey.go(pm, "/projects/new")
    fill_proposal(pm, title)
    pm.click("main button.primary")
    assert "已保存" in pm.inner_text("main")
    project = urlsplit(pm.url).path
    lines = pm.locator("table:has-text('设备费')").inner_text()
    assert "¥500,000.00" in lines and "材料费" in lines and "¥800,000.00" in lines
    pm.set_input_files("form[action$='/deliverables'] input[name=file]", proposal)
    pm.click("form[action$='/deliverables'] button")
    assert "已上传" in pm.inner_text("main")
    journey.check(pm)
    pm.click("form[action$='/submit'] button")
    assert "项目申报书已提交" in pm.inner_text("main")
    assert "立项评审" in pm.inner_text("main")
    code = pm.inner_text("h1 code")  # the project's number, given at submission
    journey.check(pm)

    hq = journey.as_(HQ, "zh_CN")
    journey.go(hq, "/gates/awaiting")
    journey.check(hq)
    hq.click(f"main tr:has-text('{code}') a")
    hq.click("main a[href$='/panel']")
    journey.check(hq)
    hq.select_option("select[name=evaluator_ids]", label=["Anna Evans", "刘洋", "赵磊"])
    hq.select_option("select[name=chair_id]", label="刘洋")
    hq.click("form:has(select[name=evaluator_ids]) button[type=submit]")
    hq.wait_for_selector("main >> text=评审组已组建")  # the review's page, once it has loaded
    review = urlsplit(hq.url).path

    for email, locale, submitted in PANEL:
        evaluator = journey.as_(email, locale)
        journey.go(evaluator, "/my/reviews")
        evaluator.click(f"main a[href='{review}']")
        evaluator.wait_for_url(f"**{review}")  # the review's page, before asking what it holds
        evaluator.wait_for_selector("main h1")
        if evaluator.locator("form[action$='/declare']").count():  # not declared by a walk
            evaluator.locator("input[name=conflict][value=no]").check()
            evaluator.click("form[action$='/declare'] button")
        evaluator.wait_for_selector("form[action$='/scores']")  # the page after declaring
        journey.check(evaluator)
        score(evaluator, "conditional_go")
        assert submitted in evaluator.inner_text("main")
        journey.check(evaluator)
    assert "Proposal document: 项目申报书.pdf" in journey.people[PANEL[0][0]].inner_text("main")

    chair = journey.as_(CHAIR, "zh_CN")
    journey.go(chair, review)
    decide = chair.locator("form[action$='/decide']")
    decide.locator("select[name=outcome]").select_option("conditional_go")
    decide.locator("input[name=conditions-0-text]").fill("签订合作企业配套资金协议")
    decide.locator("select[name=conditions-0-owner_id]").select_option(label="李强")
    decide.locator("input[name=conditions-0-due_date]").fill("2027-02-28")
    decide.locator("button[type=submit]").click()
    assert "决定已记录" in chair.inner_text("main")
    journey.check(chair)

    journey.go(pm, "/")
    assert "签订合作企业配套资金协议" in pm.inner_text("main")  # on the PM's home page
    journey.go(pm, project)
    assert "合同科研" in pm.inner_text("main")
    pm.fill("form[action$='/met'] textarea[name=evidence]", "配套资金协议已签订，见附件")
    pm.click("form[action$='/met'] button")
    journey.check(pm)

    journey.go(hq, project)
    hq.click("form[action$='/confirm'] button:has-text('确认销项')")
    assert "附加条件已销项" in hq.inner_text("main")
    row = hq.locator("tr:has-text('签订合作企业配套资金协议')").inner_text()
    assert "已销项" in row and "配套资金协议已签订" in row
    journey.check(hq)
    assert not journey.problems, journey.problems


def tab_to(page, selector: str, most: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def type_date(page, selector: str, year: str, month: str, day: str) -> None:
    """A date typed into its field's parts, each moving on to the next when full: in the order
    of the browser's own language (Playwright's Chromium runs in en-US, whatever the page's
    language: month, day, year)."""
    tab_to(page, selector)
    page.keyboard.type(month + day + year)


def test_the_pm_proposes_and_submits_with_the_keyboard_alone(journey, tmp_path):
    """The first journey's part of the PM without a mouse: sign in, find the new proposal from
    the menu, fill it in, save, upload the proposal document, submit (Tab, typing and Enter
    only; the file picked in the system's dialog is handed over by Playwright)."""
    proposal = tmp_path / "申报书.pdf"
    proposal.write_bytes(PDF)
    pm = journey.new_page("pm", "zh_CN")
    journey.go(pm, "/login")
    type_into(pm, "input[name=email]", PM)
    type_into(pm, "input[name=password]", DEMO_PASSWORD)
    pm.keyboard.press("Enter")
    pm.wait_for_selector("nav.main-nav")
    set_language(pm, journey.server, "zh_CN")  # the account's language, whatever a test left
    tab_to(pm, "nav.main-nav a[href='/projects/']")
    pm.keyboard.press("Enter")
    pm.wait_for_url("**/projects/")
    tab_to(pm, "main a[href='/projects/new']")
    pm.keyboard.press("Enter")
    pm.wait_for_url("**/projects/new")
    type_into(pm, "input[name=title]", "键盘申报的检测平台")
    type_into(pm, "input[name=field]", "机器视觉")
    type_into(pm, "input[name=trl_now]", "3")
    type_into(pm, "input[name=trl_target]", "5")
    type_date(pm, "input[name=start_date]", "2027", "03", "01")
    type_date(pm, "input[name=end_date]", "2028", "02", "29")
    type_into(pm, "input[name=budget_total]", "300000")
    type_into(pm, "input[name=budget_lines-0-category]", "测试费")
    type_into(pm, "input[name=budget_lines-0-amount]", "300000")
    tab_to(pm, "main form button.primary")
    pm.keyboard.press("Enter")
    pm.wait_for_selector("form[action$='/deliverables']")
    saved = pm.inner_text("main")
    assert "已保存" in saved and "¥300,000.00" in saved and "2027年3月1日 – 2028年2月29日" in saved
    # The file field reached with Tab; the file itself is picked in the system's dialog, which
    # is not the app's page (headless Chromium opens none): Playwright hands the file over.
    tab_to(pm, "form[action$='/deliverables'] input[name=file]")
    pm.locator("form[action$='/deliverables'] input[name=file]").set_input_files(proposal)
    tab_to(pm, "form[action$='/deliverables'] button")
    pm.keyboard.press("Enter")
    pm.wait_for_selector("form[action$='/submit']")
    assert "申报书.pdf" in pm.inner_text("main")
    tab_to(pm, "form[action$='/submit'] button")
    pm.keyboard.press("Enter")
    pm.wait_for_selector("h1 code")
    assert "项目申报书已提交" in pm.inner_text("main")
    journey.check(pm)
    assert not journey.problems, journey.problems


def test_a_director_finds_the_institutes_overdue_payment_from_home(journey):
    """The robotics institute's director (Chinese) sees on their home page the payment their
    institute's contract is owed past its date, and follows it to the contract's instalment."""
    director = journey.as_("director@demo.jitri.cn", "zh_CN")
    journey.go(director, "/")
    assert "本研究所逾期的回款" in director.inner_text("main")
    owed = director.locator("main li:has-text('液压节能控制技术开发合同')").inner_text()
    assert "已逾期" in owed and "¥960,000.00" in owed
    journey.check(director)
    director.click("main a:has-text('液压节能控制技术开发合同')")
    assert "/contracts/" in director.url
    instalment = director.locator("tr:has-text('2026年3月2日')").inner_text()
    assert "¥960,000.00" in instalment and "¥0.00" in instalment  # nothing received yet
    journey.check(director)
    assert not journey.problems, journey.problems


def test_a_reminder_past_the_due_date_leads_after_login_to_the_milestone(journey):
    """The PM plans a milestone; time moves past its due date: the scheduler's scan and send
    (`flask reminders scan --as-of`, `flask reminders send`) mail the reminder to an SMTP server
    started here; its link, opened in a browser not signed in, leads after login to the
    milestone."""
    pm = journey.as_(PM, "zh_CN")
    journey.go(pm, "/projects/1/milestones/new")
    pm.fill("input[name=title]", "中试线安装调试")
    pm.fill("input[name=due_date]", "2027-03-31")
    pm.click("main button.primary")
    assert "中试线安装调试" in pm.inner_text("h1")
    milestone = urlsplit(pm.url).path
    journey.check(pm)

    smtp = SmtpServer()  # tests/reminders/conftest.py's
    smtp.start()
    try:
        flask_command(journey.server, "reminders", "scan", "--as-of", "2027-04-02")
        flask_command(journey.server, "reminders", "send", MAIL_SERVER="127.0.0.1",
                      MAIL_PORT=str(smtp.port))
    finally:
        smtp.stop()
    bodies = [m.get_body(("plain",)).get_content() for to, m in smtp.received if PM in to]
    ours = [b for b in bodies if "中试线安装调试" in b]
    assert ours, f"no reminder of the milestone among {len(smtp.received)} messages"
    links = [link for body in ours for link in re.findall(r"https?://\S+", body)
             if urlsplit(link).path == milestone]
    assert links and links[0].startswith(journey.server), ours

    reader = journey.new_page("pm, from the e-mail", "zh_CN")
    reader.goto(links[0])
    reader.fill("input[name=email]", PM)
    reader.fill("input[name=password]", DEMO_PASSWORD)
    reader.click("button.primary")
    assert urlsplit(reader.url).path == milestone
    assert "中试线安装调试" in reader.inner_text("h1")
    journey.check(reader)
    assert not journey.problems, journey.problems
