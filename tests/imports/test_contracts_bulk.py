"""The contracts import's bulk path writes what the row-by-row path (`record_contract`, then
`record_payment` for each payment) writes for the same rows: the same contracts, instalments
and payments, the same audit records by the same person, the need made contracted; it refuses
what that path refuses, with the same row, column and message; and what it reads and writes
does not grow with the file."""

from __future__ import annotations

from sqlalchemy import event, func, select

from tests.factories import make_enterprise, make_need
from tests.imports.helpers import run
from tests.imports.test_contracts import COLUMNS
from tests.imports.test_contracts import _row as _contract
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit import chain
from tracker.audit.models import AuditRecord
from tracker.contracts.models import Payment, ResearchContract
from tracker.dates import today
from tracker.imports import bulk, references
from tracker.imports.contracts_bulk import BulkContracts
from tracker.imports.models import ImportState
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.models import Project


def _projects(admin, codes: list[str]) -> dict[str, Project]:
    result = run(admin, "projects", [HEADER] + [
        _row(code=code, title=f"Project {code}") for code in codes])
    assert result.state is ImportState.DONE, result.errors
    return {p.code: p for p in db.session.scalars(select(Project))}


def _rows(codes: list[str], mark: str, reversal: bool = True) -> list[list[str]]:
    """Three contracts a project: paid twice, once in two parts, not at all; the last project's
    second one with a payment reversed (`reversal`: the row-by-row path's, between the batch's
    rows)."""
    rows = [COLUMNS]
    for n, code in enumerate(codes):
        rows += [
            _contract(code, number=f"{mark}-{n}-1", title=f"Pump {n}"),
            _contract(code, number=f"{mark}-{n}-2", title=f"Valve {n}", type="service",
                      amount="900000", instalments="2019-08-01: 300000; 2019-08-01: 200000; "
                                                   "2020-02-01: 400000",
                      payments="1: 2019-08-02: 200000; 3: 2020-02-03: 100000; "
                               "3: 2020-03-01: 250000" + (
                                   "; reversal | 3 | 2020-03-05 | entered twice"
                                   if reversal and n == len(codes) - 1 else "")),
            _contract(code, number=f"{mark}-{n}-3", title=f"Study {n}", payments="")]
    return rows


def _written(codes: list[str]) -> list:
    """Per project in the order given, per contract in title order: what the import wrote,
    without ids, numbers and instants; the audit records of each, and of the project's need."""
    out = []
    for code in codes:
        project = db.session.scalar(select(Project).where(Project.code == code))
        for contract in db.session.scalars(select(ResearchContract).where(
                ResearchContract.project_id == project.id).order_by(ResearchContract.title)):
            records = sorted(
                (r.action, r.actor_id, str(sorted(
                    (k, v) for k, v in r.changes.items()
                    if k not in ("import", "number", "project_id"))))
                for r in db.session.scalars(select(AuditRecord).where(
                    AuditRecord.object_type == "research_contracts",
                    AuditRecord.object_id == contract.id)))
            out.append((
                contract.title, contract.type, contract.amount, contract.signed_on,
                contract.enterprise_id, contract.version, contract.created_at is not None,
                [(i.due_date, i.amount, [(p.received_on, p.amount, p.recorded_by_id,
                                          p.reverses_id is not None, p.reason)
                                         for p in i.payments]) for i in contract.instalments],
                records))
        need = project.need
        if need is not None:
            out.append((need.state, need.contracted_at is not None, sorted(
                (r.action, r.actor_id, sorted(r.changes)) for r in db.session.scalars(
                    select(AuditRecord).where(AuditRecord.object_type == "technology_needs",
                                              AuditRecord.object_id == need.id,
                                              AuditRecord.action == "need.contracted")))))
    return out


def _with_needs(projects: dict[str, Project], codes: list[str]) -> None:
    """The first project of `codes` answers a need collected, which its contract contracts."""
    project = projects[codes[0]]
    project.need_id = make_need(institute=project.institute).id
    db.session.flush()


def test_the_bulk_path_writes_what_the_services_write(monkeypatch):
    admin, _pm = _setting()
    make_enterprise(name="Pump Works")
    bulk_codes = ["TEST-2019-0042", "TEST-2019-0043", "TEST-2019-0044"]
    row_codes = ["TEST-2019-0052", "TEST-2019-0053", "TEST-2019-0054"]
    projects = _projects(admin, bulk_codes + row_codes)
    _with_needs(projects, bulk_codes)
    _with_needs(projects, row_codes)
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)  # several batches, one cut by the reversal
    in_bulk = run(admin, "contracts", _rows(bulk_codes, "B"))
    assert (in_bulk.state, in_bulk.created) == (ImportState.DONE, 9), in_bulk.errors
    monkeypatch.setattr(BulkContracts, "batch", lambda self, actor: None)
    one_by_one = run(admin, "contracts", _rows(row_codes, "R"))
    assert (one_by_one.state, one_by_one.created) == (ImportState.DONE, 9), one_by_one.errors
    bulk_written, row_written = _written(bulk_codes), _written(row_codes)
    for a, b in zip(bulk_written, row_written, strict=True):
        for x, y in zip(a, b, strict=True):
            assert x == y, (a[0], x, y)
    assert bulk_written == row_written
    assert {n.state for n in db.session.scalars(select(TechnologyNeed))} == {
        NeedState.CONTRACTED}
    assert chain.verify(db.session).intact
    # A second import of either file finds every contract by its number: nothing changes.
    monkeypatch.undo()
    for codes, mark in ((bulk_codes, "B"), (row_codes, "R")):
        again = run(admin, "contracts", _rows(codes, mark))
        assert (again.state, again.unchanged) == (ImportState.DONE, 9), again.errors


def _faulty_rows(code: str, closed: str) -> list[list[str]]:
    future = f"{today().year + 1}-01-10"
    return [COLUMNS,
            _contract(code),
            _contract(code, number="RB-2019-008", instalments="2019-05-01: 100"),
            _contract(code, number="RB-2019-009", payments="1: 2019-07-05: 9000000"),
            # The second payment finds less outstanding than the first left.
            _contract(code, number="RB-2019-010", payments="1: 2019-07-05: 1000000; "
                                                           "1: 2019-07-09: 600000"),
            _contract(code, number="RB-2019-011", payments="3: 2019-07-05: 10; "
                                                           "1: 2019-05-01: 100; "
                                                           f"2: {future}: 100; 2: 2019-08-01: -5"),
            _contract(code, number=""),
            _contract(code, number=""),
            _contract(code, number="RB-2019-007", title="Given twice"),
            _contract(code, number="RB-2019-012", amount="1000", signed=future),
            # Signed after its project closed (on 2020-05-20).
            _contract(closed, number="RB-2019-013", signed="2020-06-01",
                      instalments="2020-07-01: 100", payments=""),
            _contract(code, number="RB-2019-014", type="gift", payments="1: 2019-07-05: 5")]


def test_the_bulk_path_refuses_what_the_services_refuse_with_row_and_column(monkeypatch):
    admin, _pm = _setting()
    make_enterprise(name="Pump Works")
    _projects(admin, ["TEST-2019-0042"])
    closed = run(admin, "projects", [HEADER, _row(
        code="TEST-2019-0061", title="Closed", phase="completed",
        passed="1: 2019-05-20; 2: 2020-05-20")])
    assert closed.state is ImportState.DONE, closed.errors
    rows = _faulty_rows("TEST-2019-0042", "TEST-2019-0061")
    in_bulk = run(admin, "contracts", rows)
    assert in_bulk.state is ImportState.FAILED
    by_row = {}
    for row, column, _message in in_bulk.errors:
        by_row.setdefault(row, set()).add(column)
    assert by_row == {3: {"Instalments"}, 4: {"Payments received"}, 5: {"Payments received"},
                      6: {"Payments received"}, 7: {"Contract number"},
                      8: {"Contract number"}, 9: {"Contract number"},
                      10: {"Signed on", "Instalments"},
                      11: {"Signed on"},
                      12: {"Type"}}, in_bulk.errors
    assert len([e for e in in_bulk.errors if e[0] == 6]) == 4, in_bulk.errors
    monkeypatch.setattr(BulkContracts, "batch", lambda self, actor: None)
    one_by_one = run(admin, "contracts", rows)
    assert one_by_one.errors == in_bulk.errors
    assert db.session.scalar(select(func.count()).select_from(ResearchContract)) == 0
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def _statements(admin, rows: list[list[str]]) -> tuple[object, int]:
    statements = []
    engine = db.session.get_bind()

    def count(conn, cursor, statement, *args):
        # A batch's rows go in one COPY a table on PostgreSQL, which is no cursor execute;
        # SQLite executes the INSERT once a row: its INSERTs are not counted.
        if not statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = run(admin, "contracts", rows)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, len(statements)


def test_the_statements_of_a_contracts_import_do_not_grow_with_its_rows(monkeypatch):
    """Read once a run (the projects, the contracts' numbers, the enterprises), written once
    a batch (a table at a time, the audit records sealed an action at a time), where the
    row-by-row path made about 22 statements a contract and waited on the database for each."""
    monkeypatch.setattr(references.References, "LOAD_AFTER", 0)  # each kind read whole at once
    admin, _pm = _setting()
    make_enterprise(name="Pump Works")
    codes = [f"TEST-2019-{n:04d}" for n in range(42, 50)]
    _projects(admin, codes)
    small, few = _statements(admin, _rows(codes[:2], "S", reversal=False))
    large, many = _statements(admin, _rows(codes[2:], "L", reversal=False))
    assert (small.state, large.state) == (ImportState.DONE, ImportState.DONE), large.errors
    assert (small.created, large.created) == (6, 18)
    assert many <= few, (few, many)
