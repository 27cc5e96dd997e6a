"""Journeys in a real browser (tests/browser/conftest.py): signing in, switching language,
fixing a refused field, the menu a role sees, signing out; and the work of issue #18's users, each
in their language: a proposal through gate 1 (and with the keyboard alone), a milestone returned
and accepted, a reminder's link, a director's overdue payment, the committee's money converted
at a round. Each person waits for the page a step leads to before reading it."""

from __future__ import annotations

import csv
import os
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.browser.conftest import flask_command, log_in
from tests.browser.journeys import set_language
from tests.factories import uscc_for
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


def shanghai_today() -> date:
    """Today where the organisation is (the app's dates are in Asia/Shanghai, the default)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


PM, HQ, CHAIR = "pm@demo.jitri.cn", "admin@demo.jitri.cn", "evaluator2@demo.jitri.cn"
DIRECTOR = "director@demo.jitri.cn"
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
    # The default template's rows: 设备费 (equipment), 业务费 (operations), ...
    page.fill("input[name=budget_lines-0-amount]", "500000")
    page.fill("input[name=budget_lines-1-amount]", "300000")


def score(page, recommendation: str) -> None:
    """Every must-meet criterion met, every should-meet 4 of 5, and the recommendation."""
    form = page.locator("form[action$='/scores']")
    for name in dict.fromkeys(form.locator("input[type=radio]").evaluate_all(
            "els => els.map(e => e.name)")):
        form.locator(f"input[name={name}][value='1']").check()
    for box in form.locator("input[inputmode=numeric]").all():
        box.fill("4")
    form.locator("select[name=recommendation]").select_option(recommendation)
    form.locator("button[type=submit]").click()


def test_a_proposal_through_gate_one_to_a_condition_confirmed(journey, tmp_path):
    """The PM (Chinese) proposes with budget lines and a real PDF and submits; the institute's
    director endorses it from their start page, with an opinion; HQ names a panel;
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
    assert "¥500,000.00" in lines and "业务费" in lines and "¥800,000.00" in lines
    pm.set_input_files("form[action$='/deliverables'] input[name=file]", proposal)
    pm.click("form[action$='/deliverables'] button")
    assert "已上传" in pm.inner_text("main")
    journey.check(pm)
    pm.click("form[action$='/submit'] button")
    assert "申报书已提交研究所审批" in pm.inner_text("main")
    journey.check(pm)

    director = journey.as_(DIRECTOR, "zh_CN")
    journey.go(director, "/")
    director.click(f"main li:has-text('{title}') a[href^='/approvals/']")
    director.fill("textarea[name=opinion]", "技术路线清楚，同意申报。")
    director.click("button[value=endorse]")
    director.wait_for_selector("main >> text=已同意：报送总部。")
    assert "技术路线清楚，同意申报。" in director.inner_text("main")
    journey.check(director)

    journey.go(pm, project)
    assert "立项评审" in pm.inner_text("main")
    assert "技术路线清楚，同意申报。" in pm.inner_text("main")  # the signed opinion
    code = pm.inner_text("h1 code")  # the project's number, given once the director endorsed
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
    with pm.expect_navigation():  # the project's page again, with what was marked
        pm.click("form[action$='/met'] button")
    assert "已标记为满足" in pm.inner_text("main")
    journey.check(pm)

    journey.go(hq, project)
    hq.click("form[action$='/confirm'] button:has-text('确认销项')")
    assert "附加条件已销项" in hq.inner_text("main")
    row = hq.locator("tr:has-text('签订合作企业配套资金协议')").inner_text()
    assert "已销项" in row and "配套资金协议已签订" in row
    journey.check(hq)
    assert not journey.problems, journey.problems


def tab_to(page, selector: str, most: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus. While a page is being
    replaced nothing has it (`activeElement` is null: seen on a loaded machine)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
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
    type_into(pm, "input[name=budget_lines-1-amount]", "300000")  # 业务费, of the default
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
    assert "申报书已提交研究所审批" in pm.inner_text("main")
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


def shows(page, message: str) -> None:
    """Wait for the page a step leads to, known by its flash message (a form sent back to the
    same address loads a new page at the same URL: the address alone does not say it loaded)."""
    page.wait_for_selector(f"p.flash:has-text('{message}')")


def open_link(page, text: str, within: str = "") -> str:
    """Follow the link of `main` that reads `text` (or the link of the `within` element that
    reads it: a table's row); the path it led to, once loaded."""
    link = page.locator(f"main {within}:has-text('{text}') a" if within
                        else f"main a:has-text('{text}')").first
    path = urlsplit(link.get_attribute("href")).path
    link.click()
    page.wait_for_url(f"**{path}")
    page.wait_for_selector("main h1")
    return path


def listed(page, heading: str) -> str:
    """What the list under the home page's `heading` holds ("" when the page has no such list)."""
    items = page.locator(f"main h3:text-is('{heading}') + ul")
    return items.inner_text() if items.count() else ""


def test_a_milestone_returned_with_a_comment_then_accepted(journey, tmp_path):
    """The PM (Chinese) plans two milestones on the project under way, posts progress on the
    first with a real evidence file and submits it; HQ assigns a reviewer, who returns it with a
    comment; the PM reads the comment on their home page's milestone, posts again and
    resubmits; the reviewer accepts it. Each finds the next step from their home page."""
    first, second = "液压样机台架试验", "中试线节能验证"
    report = tmp_path / "台架试验报告.pdf"
    report.write_bytes(PDF)
    due = shanghai_today() + timedelta(days=20)

    pm = journey.as_(PM, "zh_CN")
    journey.go(pm, "/")
    project = open_link(pm, "智能挖掘机液压节能控制系统", within="tr")
    for title, days in ((first, 20), (second, 60)):
        journey.go(pm, project)
        pm.click("main a:has-text('制定里程碑')")
        pm.wait_for_url(f"**{project}/milestones/new")
        journey.check(pm)
        pm.fill("input[name=title]", title)
        pm.fill("textarea[name=deliverable]", "试验报告与原始数据")
        pm.fill("input[name=due_date]", (shanghai_today() + timedelta(days=days)).isoformat())
        pm.click("main button.primary")
        shows(pm, "里程碑已制定")
        assert title in pm.inner_text("h1")
        assert "已计划" in pm.inner_text(".heading")
    journey.go(pm, project)
    planned = pm.inner_text("main")
    assert first in planned and second in planned
    milestone = open_link(pm, first)
    assert f"{due.year}年{due.month}月{due.day}日" in pm.inner_text("dl.facts")

    pm.fill("form[action$='/update'] input[name=percent]", "60")
    pm.fill("form[action$='/update'] textarea[name=note]", "台架已搭建，常温工况试验完成。")
    pm.set_input_files("form[action$='/update'] input[name=files]", report)
    pm.click("form[action$='/update'] button.primary")
    shows(pm, "进展更新已发布")
    progress = pm.inner_text("ul.timeline")
    assert "60%" in progress and "常温工况试验完成" in progress
    evidence = pm.locator("ul.timeline a:has-text('台架试验报告.pdf')").get_attribute("href")
    assert pm.request.get(journey.server + evidence).body() == PDF  # the very file
    journey.check(pm)
    pm.click("form[action$='/submit'] button")
    shows(pm, "已提交评审")
    assert "已提交" in pm.inner_text(".heading")
    assert "尚未指派：由总部指派" in pm.inner_text("dl.facts")  # the reviewer, to come
    journey.check(pm)

    hq = journey.as_(HQ, "zh_CN")
    journey.go(hq, "/")
    assert first in listed(hq, "已提交但尚无评审人的里程碑")
    assert open_link(hq, first) == milestone
    journey.check(hq)
    hq.select_option("form[action$='/reviewer'] select[name=reviewer_id]", label="刘洋")
    hq.click("form[action$='/reviewer'] button.primary")
    shows(hq, "已指派评审人")
    assert "刘洋" in hq.inner_text("dl.facts")

    evaluator = journey.as_(CHAIR, "zh_CN")  # 刘洋
    journey.go(evaluator, "/")
    assert first in listed(evaluator, "待评审的里程碑")
    assert open_link(evaluator, first) == milestone
    evidence = evaluator.locator("ul.timeline a:has-text('台架试验报告.pdf')").get_attribute("href")
    assert evaluator.request.get(journey.server + evidence).body() == PDF  # theirs to read
    journey.check(evaluator)
    review = evaluator.locator("form[action$='/review']")
    review.locator("select[name=decision]").select_option("return")
    review.locator("textarea[name=comment]").fill("缺少高温工况数据，请补充后重新提交。")
    review.locator("button.primary").click()
    shows(evaluator, "已退回修改")
    # The reviewer stays on the milestone they answered, with nothing more to do on it, and
    # its evidence is no longer theirs to read (Milestone.reads_evidence)
    assert urlsplit(evaluator.url).path == milestone
    assert evaluator.locator("form[action$='/review']").count() == 0
    assert evaluator.request.get(journey.server + evidence).status in (403, 404)
    journey.go(evaluator, "/")
    assert first not in listed(evaluator, "待评审的里程碑")  # back with the PM
    journey.check(evaluator)

    journey.go(pm, "/")
    returned = listed(pm, "已退回修改")
    assert first in returned and second not in returned
    assert open_link(pm, first) == milestone
    assert "进行中" in pm.inner_text(".heading")
    history = pm.inner_text("ol.timeline")
    assert "刘洋" in history and "缺少高温工况数据，请补充后重新提交。" in history
    journey.check(pm)
    pm.fill("form[action$='/update'] input[name=percent]", "100")
    pm.fill("form[action$='/update'] textarea[name=note]", "已补充高温工况试验数据。")
    more = tmp_path / "高温工况试验数据.pdf"
    more.write_bytes(PDF)
    pm.set_input_files("form[action$='/update'] input[name=files]", more)
    pm.click("form[action$='/update'] button.primary")
    shows(pm, "进展更新已发布")
    progress = pm.inner_text("ul.timeline")
    assert "高温工况试验数据.pdf" in progress and "台架试验报告.pdf" in progress
    pm.click("form[action$='/submit'] button")
    shows(pm, "已提交评审")

    journey.go(evaluator, "/")
    assert open_link(evaluator, first) == milestone
    assert "已补充高温工况试验数据" in evaluator.inner_text("ul.timeline")
    review = evaluator.locator("form[action$='/review']")
    review.locator("select[name=decision]").select_option("accept")
    review.locator("textarea[name=comment]").fill("数据完整，同意验收。")
    review.locator("button.primary").click()
    shows(evaluator, "已验收通过")
    assert urlsplit(evaluator.url).path == milestone
    journey.go(evaluator, "/")
    assert first not in listed(evaluator, "待评审的里程碑")

    journey.go(pm, milestone)
    assert "已验收" in pm.inner_text(".heading")
    assert "100%" in pm.inner_text("dl.facts")
    history = pm.inner_text("ol.timeline")
    assert "缺少高温工况数据" in history and "数据完整，同意验收。" in history
    assert not pm.locator("form[action$='/submit']").count()  # nothing left to submit
    journey.check(pm)
    journey.go(pm, "/")
    assert first not in listed(pm, "已退回修改")
    assert not journey.problems, journey.problems


COMMITTEE = "committee@demo.jitri.cn"  # 陈静


def import_rows(server: str, kind: str, folder, rows: list[dict[str, str]]) -> None:
    """Rows brought in by `flask import KIND` as the HQ admin, as a network does on day one."""
    path = folder / f"{kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    flask_command(server, "import", kind, str(path), "--as", HQ)


def day(d: date) -> str:
    """A date as the Chinese pages write it."""
    return f"{d.year}年{d.month}月{d.day}日"


def test_the_committee_funds_converts_at_a_round_and_hq_sees_the_stake(journey, tmp_path):
    """The investment committee (Chinese) records an allocation-investment agreement and a
    tranche released by a milestone, pays it once the milestone's reviewer has accepted it,
    records the spin-off company with its founders and its series A, and converts at that
    round through the confirmation step: domain.md's worked example (the issue's, as in
    tests/funding/test_worked_example.py), 10,000,000 CNY at 12.00 a share less 20 % buying
    1,041,666 shares, 7.99 % of the company. HQ's dashboard then shows the stake.

    The project comes in through `flask import` at the investment decision (gates 1 and 2
    passed), with a milestone submitted to 刘洋: what the other journeys walk through already."""
    today = shanghai_today()
    start, code = today - timedelta(days=600), f"JITRI-{(today - timedelta(days=560)).year}-0917"
    title, field, milestone = "谐波减速器精密加工工艺", "精密传动", "样机通过客户验证"
    # HQ's list of technical fields gains the project's, which the import classifies it by.
    hq = journey.as_(HQ, "zh_CN")
    journey.go(hq, "/admin/fields/new")
    hq.fill("input[name=code]", "PT")
    hq.fill("input[name=name]", field)
    hq.fill("input[name=name_en]", "Precision transmission")
    hq.click("main form button.primary")
    hq.wait_for_url("**/admin/fields/")
    import_rows(journey.server, "projects", tmp_path, [{
        "code": code, "title": title, "field": field, "type": "allocation_investment",
        "institute_id": "JITRI-RB", "pm_id": PM, "trl_now": "6", "trl_target": "8",
        "budget_total": "12000000", "budget_lines": "设备费: 7000000; 劳务费: 5000000",
        "start_date": start.isoformat(), "end_date": (today + timedelta(days=500)).isoformat(),
        "phase": "investment_decision",
        "gates_passed_on": f"1: {start + timedelta(days=40)}; 2: {start + timedelta(days=400)}"}])
    import_rows(journey.server, "milestones", tmp_path, [{
        "project_id": code, "title": milestone, "phase": "investment_decision",
        "deliverable": "客户验证报告", "due_date": (today + timedelta(days=20)).isoformat(),
        "state": "submitted", "submitted_on": (today - timedelta(days=2)).isoformat(),
        "percent_complete": "100", "reviewer_id": CHAIR}])

    committee = journey.as_(COMMITTEE, "zh_CN")
    journey.go(committee, "/projects/?q=" + code)
    project = open_link(committee, title)
    committee.click("main a:has-text('资金、股权与衍生公司')")
    committee.wait_for_url(f"**{project}/funding")
    funding = project + "/funding"
    journey.check(committee)
    committee.click("main a:has-text('登记拨投协议')")
    committee.wait_for_url(f"**{funding}/agreement")
    journey.check(committee)
    committee.fill("input[name=committed]", "10000000")
    committee.fill("input[name=discount_pct]", "20")
    committee.fill("input[name=qualifying_round_min]", "20000000")
    committee.fill("input[name=signed_on]", (today - timedelta(days=90)).isoformat())
    committee.fill("input[name=conversion_deadline]", (today + timedelta(days=700)).isoformat())
    committee.click("main button.primary")
    shows(committee, "拨投协议已登记")
    facts = committee.inner_text("dl.facts")
    assert "¥10,000,000.00" in facts and "20.00%" in facts and "¥20,000,000.00" in facts
    committee.click("main a:has-text('新增拨付批次')")
    committee.wait_for_url("**/tranches/new")
    journey.check(committee)
    committee.fill("input[name=amount]", "10000000")
    committee.select_option("select[name=condition]", "milestone")
    committee.select_option("select[name=milestone_id]", label=milestone)
    committee.click("main button.primary")
    shows(committee, "拨付批次已添加")
    tranche = committee.locator(f"main tr:has-text('{milestone}')").inner_text()
    assert f"里程碑“{milestone}”验收通过" in tranche and "暂不可拨付" in tranche
    assert "已提交" in tranche  # why: the milestone waits for its review
    assert not committee.locator("main a:has-text('登记拨付')").count()
    journey.check(committee)

    evaluator = journey.as_(CHAIR, "zh_CN")
    journey.go(evaluator, "/")
    assert milestone in listed(evaluator, "待评审的里程碑")
    open_link(evaluator, milestone)
    review = evaluator.locator("form[action$='/review']")
    review.locator("select[name=decision]").select_option("accept")
    review.locator("textarea[name=comment]").fill("客户验证报告齐全，同意验收。")
    review.locator("button.primary").click()
    shows(evaluator, "已验收通过")

    journey.go(committee, funding)
    tranche = committee.locator(f"main tr:has-text('{milestone}')")
    assert "可拨付" in tranche.inner_text() and "暂不可拨付" not in tranche.inner_text()
    tranche.locator("a:has-text('登记拨付')").click()
    committee.wait_for_url("**/disburse")
    journey.check(committee)
    committee.fill("input[name=amount]", "10000000")
    committee.fill("input[name=reference]", "总部拨付-2026-017")
    committee.click("main button.primary")
    committee.wait_for_selector("section.preview")  # the confirmation step: nothing written
    preview = committee.inner_text("section.preview")
    assert "¥10,000,000.00" in preview and "登记前请核对" in preview
    journey.check(committee)
    committee.click("section.preview button[name=confirmed]")
    shows(committee, "拨付已登记")
    assert "已支付" in committee.locator(f"main tr:has-text('{milestone}')").inner_text()
    assert "总部拨付-2026-017" in committee.inner_text("main")

    committee.click("main a:has-text('登记公司')")
    committee.wait_for_url("**/companies/new**")
    journey.check(committee)
    company = "苏州精传智能装备有限公司"
    registered = today - timedelta(days=60)
    committee.fill("input[name=name]", company)
    committee.fill("input[name=uscc]", uscc_for(917_917))
    committee.fill("input[name=registered_on]", registered.isoformat())
    committee.fill("input[name=registered_capital]", "10000000")
    committee.fill("input[name=legal_representative]", "李强")
    assert committee.locator("select[name=project_ids] option:checked").inner_text() \
        .startswith(code)  # the project it was recorded from
    committee.click("main button.primary")
    shows(committee, "公司已登记")
    journey.check(committee)

    committee.click("main a[href$='/incorporate']")
    committee.wait_for_url("**/incorporate")
    assert committee.input_value("input[name=on_date]") == registered.isoformat()
    committee.fill("input[name=total_shares]", "10000000")
    founders = [("研发团队", "team", "7000000", "ip"),
                ("智能制造与机器人研究所", "institute", "2000000", "ip"),
                ("员工激励池", "incentive_pool", "1000000", "cash")]
    for n, (holder, kind, shares, paid_with) in enumerate(founders):
        committee.fill(f"input[name=holdings-{n}-name]", holder)
        committee.select_option(f"select[name=holdings-{n}-kind]", kind)
        committee.fill(f"input[name=holdings-{n}-shares]", shares)
        committee.select_option(f"select[name=holdings-{n}-acquired_by]", paid_with)
        if paid_with == "ip":
            committee.fill(f"input[name=holdings-{n}-technology]", title)
    journey.check(committee)
    committee.click("main button.primary")
    committee.wait_for_selector("section.preview")
    journey.check(committee)
    committee.click("section.preview button[name=confirmed]")
    shows(committee, "股权结构表已登记")
    table = committee.inner_text("main table")
    assert "研发团队" in table and "7,000,000" in table and "70.00%" in table
    assert "10,000,000" in table and "100.00%" in table

    committee.click("main a[href$='/rounds/new']")
    committee.wait_for_url("**/rounds/new")
    committee.fill("input[name=name]", "A轮")
    committee.fill("input[name=on_date]", today.isoformat())
    committee.fill("input[name=pre_money]", "120000000")
    committee.fill("input[name=amount]", "24000000")
    committee.fill("input[name=investors-0-name]", "苏州创新投资集团")
    committee.select_option("select[name=investors-0-kind]", "investor")
    committee.fill("input[name=investors-0-amount]", "24000000")
    committee.check("input[name=investors-0-lead]")
    journey.check(committee)
    committee.click("main button.primary")
    committee.wait_for_selector("section.preview")
    preview = committee.inner_text("section.preview")
    assert "12.00" in preview and "2,000,000" in preview
    journey.check(committee)
    committee.click("section.preview button[name=confirmed]")
    shows(committee, "融资轮次已登记")

    journey.go(committee, funding)
    committee.click("main a:has-text('按融资轮次转股')")
    committee.wait_for_url("**/convert")
    offer = committee.locator("main tr:has-text('A轮')").inner_text()
    assert "12.00" in offer and "9.60" in offer and "1,041,666" in offer
    journey.check(committee)
    committee.select_option("select[name=round_id]", label="A轮")
    committee.click("main button.primary")
    committee.wait_for_selector("section.preview")
    preview = committee.locator("section.preview")
    assert "1,041,666" in preview.locator("dl").inner_text()
    hq_after = preview.locator("tr:has-text('江苏省产业技术研究院')").inner_text()
    assert "1,041,666" in hq_after and "7.99%" in hq_after
    journey.check(committee)
    committee.click("section.preview button[name=confirmed]")
    shows(committee, "已转股")
    converted = committee.inner_text("#conversion + p + dl.facts")
    assert "¥12.00 × (1 − 20.00%) = ¥9.60" in converted
    assert "¥10,000,000.00 ÷ ¥9.60，向下取整 = 1,041,666" in converted
    journey.check(committee)
    committee.click(f"main a:has-text('{company}')")
    committee.wait_for_url("**/companies/*")
    committee.wait_for_selector("main h1")
    hq_row = committee.locator("main table >> nth=0").locator(
        "tr:has-text('江苏省产业技术研究院')").inner_text()
    assert "1,041,666" in hq_row and "7.99%" in hq_row
    assert "13,041,666" in committee.locator("main table >> nth=0").inner_text()
    journey.check(committee)

    journey.go(hq, "/dashboard")
    hq.select_option("form.filters select[name=field_id]", label=field)
    hq.click("form.filters button")
    hq.wait_for_url("**/dashboard?*field_id=*")
    hq.wait_for_selector("main h1")
    companies = hq.locator("main table:has-text('总部持股的公司')")
    assert "¥12,499,992.00" in companies.locator("tr:has-text('总部持股按最近一轮价格估值')") \
        .inner_text()  # 1,041,666 shares at the round's 12.00
    assert companies.locator("tr:has-text('总部持股的公司') td").inner_text().strip() == "1"
    assert "¥10,000,000.00" in companies.locator("tr:has-text('总部成本（按记录')").inner_text()
    journey.check(hq)
    hq.click("main tr:has-text('总部持股的公司') a")
    hq.wait_for_url("**/companies/?*hq_stake=1*")
    hq.wait_for_selector("main h1")
    stake = hq.locator(f"main tr:has-text('{company}')").inner_text()
    assert "1,041,666" in stake and "7.99%" in stake and "¥12,499,992.00" in stake
    journey.check(hq)
    assert not journey.problems, journey.problems
