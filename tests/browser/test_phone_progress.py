"""A PM posts progress from a phone (issue #25, points 1 and 5): at 390 px, seven 3.5 MB photos
and a PDF. A first sending, refused for its percentage and for a file that is no JPEG, keeps
the note, the percentage and the eight files accepted; the second, with only the percentage
corrected and no file chosen again, posts them all. The pages on the way pass the phone checks
and axe-core (tests/browser/test_phone_and_axe.py)."""

from __future__ import annotations

import os

from tests.browser.checks import PHONE, PHONE_CHECKS, RUN_AXE
from tests.browser.conftest import log_in
from tests.browser.journeys import set_language
from tests.gates.helpers import PDF

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
PHOTO_BYTES = 3_500_000


def _checked(page) -> list[str]:
    # After a click's navigation the URL is the new page's before its stylesheet applies: checked
    # then, every field read as unstyled (under 16 px) once in a fresh-clone run.
    page.wait_for_load_state("load")
    return page.evaluate(RUN_AXE) + page.evaluate(PHONE_CHECKS)


def test_seven_phone_photos_and_a_pdf_posted_at_390_px(browser, server, axe_source, tmp_path):
    photos = []
    for n in range(7):
        path = tmp_path / f"IMG_{n + 1:04d}.jpg"
        path.write_bytes(JPEG_HEAD + os.urandom(PHOTO_BYTES - len(JPEG_HEAD)))
        photos.append(path)
    report = tmp_path / "测试报告.pdf"
    report.write_bytes(PDF)
    not_a_photo = tmp_path / "not-a-photo.jpg"
    not_a_photo.write_bytes(b"MZ" + b"\x00" * 1000)

    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  has_touch=True, bypass_csp=True)
    context.add_init_script(axe_source)
    page = context.new_page()
    try:
        log_in(page, server, "pm@demo.jitri.cn")
        set_language(page, server, "zh_CN")
        page.goto(server + "/projects/1/milestones/new")
        page.fill("input[name=title]", "样机现场测试")
        page.fill("input[name=due_date]", "2027-06-30")
        page.click("main button.primary")
        assert "/milestones/" in page.url and "样机现场测试" in page.inner_text("h1")
        milestone = page.url

        page.fill("input[name=percent]", "150")
        page.fill("textarea[name=note]", "现场照片与测试报告")
        page.set_input_files("input[name=files]", [*photos, report, not_a_photo])
        page.click("form[action$='/update'] button.primary")
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        # `autofocus` is applied by the browser after the page shows, later under load.
        page.wait_for_function("document.activeElement.classList.contains('error-summary')",
                               timeout=10_000)
        assert page.title().startswith("错误：")
        assert "not-a-photo.jpg" in summary.inner_text()
        assert page.input_value("input[name=percent]") == "150"
        assert page.input_value("textarea[name=note]") == "现场照片与测试报告"
        held = page.locator("input[name=dropped]")
        assert held.count() == 8
        assert _checked(page) == []

        page.fill("input[name=percent]", "60")
        page.click("form[action$='/update'] button.primary")
        assert page.url == milestone
        posted = page.locator("ul.timeline a[href^='/files/']")
        names = sorted(posted.all_inner_texts())
        assert names == sorted([p.name for p in photos] + [report.name])
        assert _checked(page) == []
    finally:
        context.close()


def test_a_post_larger_than_a_request_may_be_keeps_the_note_and_percentage(browser, server,
                                                                          axe_source, tmp_path):
    """Nineteen 3.5 MB photos, more than MAX_POST_MB (60) in one sending: refused before the
    files are read, the browser shows the milestone page again (not a reset connection), with
    the note and percentage as typed and the limit in the error summary."""
    photos = []
    for n in range(19):
        path = tmp_path / f"IMG_{n + 1:04d}.jpg"
        path.write_bytes(JPEG_HEAD + os.urandom(PHOTO_BYTES - len(JPEG_HEAD)))
        photos.append(path)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  has_touch=True, bypass_csp=True)
    context.add_init_script(axe_source)
    page = context.new_page()
    try:
        log_in(page, server, "pm@demo.jitri.cn")
        set_language(page, server, "zh_CN")
        page.goto(server + "/milestones/1")  # the demo's milestone, two weeks late
        assert "液压回路台架试验" in page.inner_text("h1")
        held = page.locator("input[name=dropped]").count()
        page.fill("input[name=percent]", "55")
        page.fill("textarea[name=note]", "台架试验照片，一次选多了")
        page.set_input_files("input[name=files]", photos)
        with page.expect_response(lambda r: r.url.endswith("/update")) as answer:
            page.click("form[action$='/update'] button.primary")
        assert answer.value.status == 413
        summary = page.locator(".error-summary")
        assert summary.is_visible() and "60 MB" in summary.inner_text()
        assert page.title().startswith("错误：")
        assert page.input_value("input[name=percent]") == "55"
        assert page.input_value("textarea[name=note]") == "台架试验照片，一次选多了"
        assert page.locator("input[name=dropped]").count() == held  # nothing was kept
        assert _checked(page) == []
    finally:
        context.close()
