"""Issue 13: a text that reads like a formula in a CSV we write for re-import. `flask
import-export` and the list pages' "Download for re-import" CSV neutralise it as the list
exports do (`tracker.export.columns.neutralised`: an apostrophe before =, +, -, @, a tab, a
carriage return, or an apostrophe), so the HQ admin's spreadsheet runs nothing; the import drops
that one apostrophe from a CSV's cell (`as_written`), so export, import into an empty
database, export give the same file and the same names. An XLSX cell is typed: it keeps its
text as it is, apostrophe and all. Numbers are not text: -5 stays -5."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_enterprise, make_user
from tests.imports.helpers import run
from tests.imports.test_empty_database import empty_network
from tracker import db
from tracker.accounts.models import Role
from tracker.imports import export, services, sheets
from tracker.imports.models import ImportState
from tracker.organisations.models import Enterprise

NAMES = ["=1+1", "@x", "'quoted", "-dash", "+plus", "'=1", "'tis a name"]
WRITTEN = ["'=1+1", "'@x", "''quoted", "'-dash", "'+plus", "''=1", "''tis a name"]


def _enterprises() -> None:
    for name in NAMES:
        make_enterprise(name=name, uscc=None)


def _names(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    at = rows[0].index("name")
    return [row[at] for row in rows[1:]]


def _recorded() -> list[str]:
    return list(db.session.scalars(select(Enterprise.name).order_by(Enterprise.id)))


def test_flask_import_export_neutralises_and_the_import_reads_it_back(app, tmp_path):
    admin = make_user(Role.HQ_ADMIN, email="admin@formula.cn")
    _enterprises()
    cli = app.test_cli_runner()
    first, again = tmp_path / "enterprises.csv", tmp_path / "again.csv"
    assert cli.invoke(args=["import-export", "enterprises", str(first)]).exit_code == 0
    assert _names(first.read_bytes()) == WRITTEN
    with empty_network(app, tmp_path, admin):
        imported = cli.invoke(args=["import", "enterprises", str(first),
                                    "--as", "admin@formula.cn"])
        assert imported.exit_code == 0, imported.output
        assert _recorded() == NAMES
        assert cli.invoke(args=["import-export", "enterprises", str(again)]).exit_code == 0
    assert again.read_bytes() == first.read_bytes()


def test_the_pages_csv_for_re_import_neutralises_and_round_trips(app, client, tmp_path):
    admin = make_user(Role.HQ_ADMIN)
    _enterprises()
    login(client, admin)
    url = "/enterprises/?import_file=enterprises.csv"
    exported = client.get(url).data
    assert exported == export.export_csv("enterprises")
    assert _names(exported) == WRITTEN
    # The same records as XLSX: string cells holding the names as they are, no apostrophe
    # added, which import again changing nothing.
    book = client.get("/enterprises/?import_file=enterprises.xlsx").data
    sheet = load_workbook(io.BytesIO(book)).worksheets[0]
    at = [c.value for c in sheet[1]].index("name")
    cells = [row[at] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == NAMES and {c.data_type for c in cells} == {"s"}
    unchanged = services.run_import(admin, "enterprises", "e.xlsx", io.BytesIO(book))
    assert (unchanged.state, unchanged.created, unchanged.updated) == (
        ImportState.DONE, 0, 0), unchanged.errors
    with empty_network(app, tmp_path, admin) as importer:
        result = services.run_import(importer, "enterprises", "e.csv", io.BytesIO(exported))
        assert (result.state, result.created) == (ImportState.DONE, len(NAMES)), result.errors
        assert _recorded() == NAMES
        login(client, importer)
        assert client.get(url).data == exported


def test_a_hand_written_csv_drops_only_the_neutralising_apostrophe_an_xlsx_none(app):
    """A leading apostrophe in a CSV's text cell is the spreadsheet's mark of a text only
    before a formula's first character or a second apostrophe, and is dropped there; anywhere
    else it is the text's own. An XLSX cell holds its text as typed: nothing dropped."""
    admin = make_user(Role.HQ_ADMIN)
    written = ["'=SUM(A1)", "''quoted", "'plain", "'-5", "o'clock"]
    result = run(admin, "enterprises", [["name"], *([n] for n in written)])
    assert (result.state, result.created) == (ImportState.DONE, 5), result.errors
    assert _recorded() == ["=SUM(A1)", "'quoted", "'plain", "-5", "o'clock"]
    book = Workbook()
    for row in (["name"], ["'=typed in a sheet"], ["''two"]):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    result = services.run_import(admin, "enterprises", "e.xlsx", io.BytesIO(out.getvalue()))
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    assert _recorded()[-2:] == ["'=typed in a sheet", "''two"]


def test_a_number_is_written_as_it_is_a_text_neutralised(app, monkeypatch):
    """Only text gets the apostrophe: a negative amount in a number column stays -5."""
    monkeypatch.setitem(export.ROWS, "enterprises", lambda where: iter(
        [["-dash", "", "", "", "", "", "", "", Decimal("-5"), -3]]))
    [_header, row] = list(csv.reader(io.StringIO(export.export_csv("enterprises").decode())))
    assert row[0] == "'-dash" and row[8:10] == ["-5", "-3"]


def test_the_error_file_neutralises_what_the_file_gave(app):
    """A header no column has is named in the error file as the file gave it: "=1+1" as a
    text, not a formula the spreadsheet would run."""
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "enterprises", [["name", "=1+1"], ["Pump Works", "x"]])
    assert result.state is not ImportState.DONE
    rows = list(csv.reader(io.StringIO(sheets.errors_csv(result).decode("utf-8-sig"))))
    assert ["1", "'=1+1"] in [row[:2] for row in rows]
