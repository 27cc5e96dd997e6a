"""A dry run says how it read the choices written shortened (issue 13): a short form is read
whenever one choice fits (中型 is a medium enterprise, 合同 contract research), so the run
lists, per column, each distinct short form, the label it read it as and its rows, in the
reader's language: on the command line (`flask import --dry-run`, and the real run), and on
the run's page, which the upload page's dry run lands on. A value or a whole label is no
reading to check, and is not listed."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale

from tests.conftest import login, post
from tests.factories import make_hq, make_user, uscc_for
from tests.imports.helpers import csv_bytes, run
from tracker.accounts.models import Role
from tracker.imports import jobs, shortened
from tracker.imports.models import ImportState

# Rows 2 and 4 write 中型 (中型企业), row 3 大型 (大型企业); rows 5 and 6 a value and a whole
# label, which are not listed.
ROWS = [["名称", "统一社会信用代码", "企业规模"],
        ["常州精密", uscc_for(811), "中型"],
        ["无锡重工", uscc_for(812), "大型"],
        ["苏州微电", uscc_for(813), "中型"],
        ["南通纺织", uscc_for(814), "small"],
        ["扬州机械", uscc_for(815), "微型企业"]]
SAID = {"en": ["企业规模: 中型 → Medium enterprise (rows 2, 4)",
               "企业规模: 大型 → Large enterprise (row 3)"],
        "zh_CN": ["企业规模：中型 → 中型企业（第 2、4 行）",
                  "企业规模：大型 → 大型企业（第 3 行）"]}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_dry_run_lists_each_short_form_it_read_and_the_label_it_read_it_as(app, lang):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    with force_locale("en"):
        checked = run(admin, "enterprises", ROWS, dry_run=True)
    assert checked.state is ImportState.CHECKED, checked.errors
    with force_locale(lang):  # read in the reader's language, whoever ran it
        assert shortened.lines(checked.readings) == SAID[lang]


def test_whole_labels_and_values_are_not_listed(app):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    checked = run(admin, "enterprises", [ROWS[0], *ROWS[4:], ["泰州化工", uscc_for(816),
                                                             "Large enterprise"]], dry_run=True)
    assert checked.state is ImportState.CHECKED, checked.errors
    assert checked.readings == []


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_command_line_says_how_it_read_short_forms(app, tmp_path, lang, dry_run):
    make_hq()
    make_user(Role.HQ_ADMIN, email="only-admin@example.cn")
    file = tmp_path / "enterprises.csv"
    file.write_bytes(csv_bytes(ROWS))
    result = app.test_cli_runner().invoke(args=[
        "import", "enterprises", str(file), "--lang", lang, *(["--dry-run"] if dry_run else [])])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert all(line in lines for line in SAID[lang]), result.output


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_upload_pages_dry_run_lists_them_on_its_result(client, lang):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale=lang))
    queued = post(client, "/admin/import/", {
        "kind": "enterprises", "dry_run": "y",
        "file": (io.BytesIO(csv_bytes(ROWS)), "enterprises.csv")},
        content_type="multipart/form-data")
    assert queued.status_code == 302, queued.get_data(as_text=True)
    assert jobs.work() == 1
    page = client.get(queued.headers["Location"]).get_data(as_text=True)
    listed = re.search(r'<ul id="short-forms">(.*?)</ul>', page, re.S)
    assert listed is not None, page
    items = re.findall(r"<li>(.*?)</li>", listed.group(1))
    assert [item.replace("&gt;", ">") for item in items] == SAID[lang]
