"""A run says how it read its file (issue 13, point 2): the columns it ignored as bookkeeping
(序号, 备注, No., Remarks: every adopter's spreadsheet has them, and the whole file was refused
for "no such column") and, of an XLSX file, the sheet it read among the workbook's, in the
reader's language: on the run's page (a dry run's, a refused one's), in its error file and
after `flask import`'s counts. A header that is no bookkeeping is refused as before."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

from tests.conftest import login, post
from tests.factories import make_hq, make_user, uscc_for
from tests.imports.helpers import csv_bytes, run
from tracker.accounts.models import Role
from tracker.imports import jobs, notices, reading, replay, services
from tracker.imports.column_types import header_in
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState

# Row 4 is numbered and otherwise empty, as a sheet numbered ahead of its data is: no row.
ZH = [["序号", "名称", "统一社会信用代码", "备注"],
      ["1", "常州精密", uscc_for(821), "老客户"], ["2", "无锡重工", uscc_for(822), ""],
      ["3", "", "", ""]]
EN = [["No.", "Name", "Unified social credit code", "Remarks"],
      ["1", "Changzhou Precision", uscc_for(823), "since 2019"],
      ["2", "Wuxi Heavy", uscc_for(824), ""]]
IGNORED = {("zh", "en"): "Columns ignored, as row numbers and remarks are not imported: 序号, "
                         "备注.",
           ("zh", "zh_CN"): "已忽略的列（序号、备注类的列不导入）：序号、备注。",
           ("en", "en"): "Columns ignored, as row numbers and remarks are not imported: No., "
                         "Remarks.",
           ("en", "zh_CN"): "已忽略的列（序号、备注类的列不导入）：No.、Remarks。"}
# The workbook: a hidden 字典, the data, then a sheet of instructions.
SHEET = {"named": {"en": "Sheet read: 企业, the one named for what the file holds, of the "
                         "workbook's sheets 字典, 企业, 说明.",
                   "zh_CN": "读取的工作表：企业（以导入内容命名的工作表），工作簿中的工作表："
                            "字典、企业、说明。"},
         "first": {"en": "Sheet read: 数据, the first visible one, of the workbook's sheets "
                         "字典, 数据, 说明; a sheet named Enterprises is read before the others.",
                   "zh_CN": "读取的工作表：数据（第一个可见的工作表），工作簿中的工作表："
                            "字典、数据、说明；名为“企业”的工作表会优先读取。"},
         "alone": {"en": "Sheet read: Sheet1.", "zh_CN": "读取的工作表：Sheet1。"}}
LANGS = ["en", "zh_CN"]


def _xlsx(rows: list[list[str]], data: str = "企业", alone: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    if alone:
        sheet.title = "Sheet1"
    else:
        sheet.title, sheet.sheet_state = "字典", "hidden"
        sheet.append(["企业规模", "代码"])
        sheet = book.create_sheet(data)
    for row in rows:
        sheet.append(row)
    if not alone:
        book.create_sheet("说明").append(["请按模板填写"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _admin():
    make_hq()
    return make_user(Role.HQ_ADMIN, email="only-admin@example.cn")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("headers", ["zh", "en"])
def test_bookkeeping_columns_are_ignored_and_the_run_says_which(app, headers, lang):
    with force_locale("en"):
        checked = run(_admin(), "enterprises", ZH if headers == "zh" else EN, dry_run=True)
    assert checked.state is ImportState.CHECKED, checked.errors
    assert checked.created == 2
    with force_locale(lang):  # said in the reader's language, whoever ran it
        assert notices.lines(checked.notices) == [IGNORED[headers, lang]]


def test_an_unknown_header_is_still_refused_with_the_nearest_beside_the_ignored(app):
    with force_locale("en"):
        refused = run(_admin(), "enterprises", [["序号", "名称", "所属行叶"],
                                                 ["1", "常州精密", "机械"]])
        assert refused.state is ImportState.FAILED
        assert [(row, column) for row, column, _message in refused.errors] == [(1, "所属行叶")]
        assert "did you mean Industry?" in refused.errors[0][2]
        assert notices.lines(refused.notices) == [
            "Column ignored, as row numbers and remarks are not imported: 序号."]


def test_a_kinds_own_column_of_a_bookkeeping_header_is_read(app):
    """An incentive grant's 备注 is its note: read, not ignored."""
    kind = KINDS["incentive_grants"]
    with app.test_request_context("/"):
        table = reading.read(kind, "grants.csv", io.BytesIO(csv_bytes([["序号", "公司", "备注"]])),
                             ("zh_CN", "en"))
    assert (list(table.columns.values()), table.ignored) == (["company", "note"], ["序号"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["named", "first", "alone"])
def test_an_xlsx_run_names_the_sheet_it_read(app, case, lang):
    body = _xlsx(ZH[:3], data="企业" if case == "named" else "数据", alone=case == "alone")
    with force_locale("en"):
        checked = services.run_import(_admin(), "enterprises", "enterprises.xlsx",
                                      io.BytesIO(body), dry_run=True)
    assert checked.state is ImportState.CHECKED, checked.errors
    with force_locale(lang):
        assert notices.lines(checked.notices) == [SHEET[case][lang],
                                                  IGNORED["zh", lang]]


def test_a_csv_run_names_no_sheet_and_an_old_run_nothing(app):
    checked = run(_admin(), "enterprises", [ZH[0][1:3], ZH[1][1:3]], dry_run=True)
    assert checked.state is ImportState.CHECKED, checked.errors
    assert (checked.notices, notices.lines(None)) == ([], [])


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("lang", LANGS)
def test_the_command_line_says_how_it_read_the_file(app, tmp_path, lang, dry_run):
    _admin()
    file = tmp_path / "enterprises.xlsx"
    file.write_bytes(_xlsx(ZH))
    result = app.test_cli_runner().invoke(args=[
        "import", "enterprises", str(file), "--lang", lang, *(["--dry-run"] if dry_run else [])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert SHEET["named"][lang] in lines and IGNORED["zh", lang] in lines, result.output


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_run_names_the_sheet_on_the_command_line_and_in_its_error_file(
        app, tmp_path, lang):
    _admin()
    file, errors = tmp_path / "enterprises.xlsx", tmp_path / "errors.csv"
    file.write_bytes(_xlsx([ZH[0], ["1", "", uscc_for(826), ""]], data="数据"))
    result = app.test_cli_runner().invoke(args=[
        "import", "enterprises", str(file), "--lang", lang, "--errors", str(errors)])
    assert result.exit_code == 1
    assert SHEET["first"][lang] in result.output.splitlines(), result.output
    rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8-sig"))))
    assert rows[1:3] == [["", "", SHEET["first"][lang]], ["", "", IGNORED["zh", lang]]]
    assert [row[:2] for row in rows[3:]] == [["2", "名称"]]


def _upload(client, body: bytes, dry_run: bool) -> str:
    queued = post(client, "/admin/import/", {
        "kind": "enterprises", **({"dry_run": "y"} if dry_run else {}),
        "file": (io.BytesIO(body), "enterprises.xlsx")}, content_type="multipart/form-data")
    assert queued.status_code == 302, queued.get_data(as_text=True)
    assert jobs.work() == 1
    return queued.headers["Location"]


def _notices(page: str) -> list[str]:
    listed = re.search(r'<ul id="notices">(.*?)</ul>', page, re.S)
    assert listed is not None, page
    return [item.replace("&#34;", '"').replace("&#39;", "'")
            for item in re.findall(r"<li>(.*?)</li>", listed.group(1))]


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("lang", LANGS)
def test_the_upload_pages_result_says_how_it_read_the_file(client, lang, dry_run):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale=lang))
    page = client.get(_upload(client, _xlsx(ZH), dry_run)).get_data(as_text=True)
    assert _notices(page) == [SHEET["named"][lang], IGNORED["zh", lang]]


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_uploads_page_and_error_file_name_the_sheet(client, lang):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale=lang))
    location = _upload(client, _xlsx([ZH[0], ["1", "", uscc_for(827), ""]], data="数据"), False)
    page = client.get(location).get_data(as_text=True)
    assert _notices(page) == [SHEET["first"][lang], IGNORED["zh", lang]]
    errors = client.get(f"{location}/errors.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(errors.lstrip("\ufeff"))))
    assert rows[1] == ["", "", SHEET["first"][lang]]


ONE_IGNORED = {"en": "Column ignored, as row numbers and remarks are not imported: 序号.",
               "zh_CN": "已忽略的列（序号、备注类的列不导入）：序号。"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_run_of_two_files_says_each_ones_after_its_name(app, lang):
    """The companies and their incentive grants, read in one run: each notice after its
    file's name."""
    companies = [["序号", *_zh("companies", "name", "project_ids")]]
    grants = [_zh("incentive_grants", "company", "person", "kind", "shares", "granted_on",
                  "vesting_start", "note")]
    with force_locale("en"):
        checked = replay.run_import(_admin(), [
            ("companies.csv", io.BytesIO(csv_bytes(companies))),
            ("grants.xlsx", io.BytesIO(_xlsx(grants, alone=True)))], dry_run=True)
    assert checked.state is ImportState.CHECKED, checked.errors
    colon = {"en": ": ", "zh_CN": "："}[lang]
    with force_locale(lang):
        assert notices.lines(checked.notices) == [
            f"companies.csv{colon}{ONE_IGNORED[lang]}", f"grants.xlsx{colon}{SHEET['alone'][lang]}"]


def _zh(kind: str, *keys: str) -> list[str]:
    return [header_in(KINDS[kind].column(key).header, "zh_CN") for key in keys]
