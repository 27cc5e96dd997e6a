"""The funding import's bulk path writes what the row-by-row path (`record_agreement`, then
`add_tranche` and `record_disbursement` for each tranche and payment) writes for the same rows,
every column of every table (`tests.imports.paths`): the agreements with their co-funders (a
partner recorded for a new name), tranches on a gate or a milestone and disbursements, the
audit records by the committee member each row names; it refuses what that path refuses, with
the same row, column and message, writing nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_user
from tests.imports.helpers import run
from tests.imports.paths import both_paths
from tests.imports.test_funding import KEYS
from tests.imports.test_milestones import COLUMNS as MILESTONE_COLUMNS
from tests.imports.test_paths_agree import same
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.audit import chain
from tracker.funding.models import Disbursement, FundingAgreement, Tranche
from tracker.imports import bulk
from tracker.imports.funding import Funding
from tracker.imports.funding_bulk import BulkFunding
from tracker.imports.models import ImportState
from tracker.partners.models import Partner

G1, G2 = "1: 2019-05-20", "2: 2020-02-01"
# Each project's phase and the gates it passed.
PROJECTS = {1: ("investment_decision", f"{G1}; {G2}"), 2: ("contract_research", G1),
            3: ("proposal_review", ""), 4: ("contract_research", G1),
            5: ("contract_research", G1), 6: ("investment_decision", f"{G1}; {G2}"),
            7: ("contract_research", G1), 8: ("completed", f"{G1}; {G2}"),
            9: ("investment_decision", f"{G1}; {G2}")}


def _code(n: int) -> str:
    return f"TEST-2019-{n:04d}"


def _network():
    """The projects above, a milestone accepted on project 2 and two committee members."""
    admin, _pm = _setting()
    make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    make_user(Role.INVESTMENT_COMMITTEE, email="second@import.cn")
    make_user(Role.PROJECT_MANAGER, email="not-committee@import.cn")
    projects = run(admin, "projects", [HEADER] + [
        _row(code=_code(n), title=f"Project {n}", phase=phase, passed=passed, members="")
        for n, (phase, passed) in PROJECTS.items()])
    assert projects.state is ImportState.DONE, projects.errors
    milestones = run(admin, "milestones", [
        MILESTONE_COLUMNS,
        [_code(2), "Prototype", "contract_research", "2020-04-30", "accepted", "", ""],
        [_code(2), "Field trial", "contract_research", "2026-09-30", "planned", "", ""]])
    assert milestones.state is ImportState.DONE, milestones.errors
    return admin


def _agreement(n: int, member: str = "committee@import.cn", committed: str = "3000000",
               hq_ratio: str = "", co_funders: str = "", discount: str = "",
               signed: str = "2019-06-01", deadline: str = "2031-06-01", tranches: str = "",
               paid: str = "", outcome: tuple[str, ...] = ("", "", "", "", ""),
               co_paid: str = "") -> list[str]:
    return [_code(n), member, committed, hq_ratio, co_funders, discount, "10000000", signed,
            deadline, tranches, paid, *outcome, co_paid]


def _rows() -> list[list[str]]:
    """Agreements as the seed and a real file hold them: tranches at gates 1 and 2 paid on
    and after their gates, in parts; a tranche on a milestone accepted; co-funders (a partner
    new to the tracker, then the same again); none paid, none in tranches, another discount
    and ratio; an outcome after the deadline, a co-funder's payment and a reversal (rows the
    row-by-row path saves, between the batch's)."""
    return [KEYS,
            _agreement(1, co_funders="苏州市: 1; 工业园区: 0.5",
                       tranches="1000000 | gate 1; 2000000 | gate 2",
                       paid="1: 2019-06-10: 1000000: HQ-2019-017; 2: 2020-03-01: 500000; "
                            "2: 2020-05-01: 250000"),
            _agreement(2, member="second@import.cn", co_funders="苏州市: 1",
                       tranches="1000000 | gate 1; 500000 | Prototype",
                       paid="1: 2019-07-01: 400000; 2: 2020-05-02: 500000: HQ-2020-2"),
            _agreement(3, committed="2000000", hq_ratio="2", discount="10",
                       signed="2019-04-01"),
            _agreement(4, signed="2019-06-01", deadline="2020-06-01",
                       tranches="1000000 | gate 1", paid="1: 2019-07-01: 1000000",
                       outcome=("repaid", "2021-01-15", "400000", "", "Partly repaid")),
            _agreement(5, co_funders="无锡市: 1", tranches="1000000 | gate 1",
                       co_paid="无锡市: 2019-07-01: 500000"),
            _agreement(6, tranches="1000000 | gate 1; 1000000 | gate 2",
                       paid="1: 2019-07-01: 1000000; reversal | 1 | 2019-07-05 | paid twice"),
            _agreement(7, committed="2500000", signed="2019-05-02",
                       tranches="1000000 | gate 1; 1500000 | gate 2",
                       paid="1: 2019-05-20: 1000000: HQ-7"),
            _agreement(9, member="second@import.cn", tranches="3000000 | gate 2",
                       paid="1: 2020-02-01: 3000000")]


def test_agreements_with_tranches_and_disbursements_agree_by_either_path(monkeypatch):
    admin = _network()
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)  # several batches, cut by the row path's rows
    same(*both_paths(admin, "funding", _rows(), BulkFunding, monkeypatch),
         {"funding_agreements", "co_funders", "tranches", "disbursements", "partners",
          "audit_records", "import_runs"})
    assert chain.verify(db.session).intact
    assert db.session.scalar(select(func.count()).select_from(FundingAgreement)) == 8
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 3
    # Imported again, by the bulk path, every row is found and nothing changes.
    monkeypatch.undo()
    again = run(admin, "funding", _rows())
    assert (again.state, again.unchanged) == (ImportState.DONE, 8), again.errors


def test_the_bulk_path_alone_writes_the_seeds_agreements_and_the_chain_holds(monkeypatch):
    """Every row of a file like the seed's by the bulk path (none for the row path): the
    records the funding page reads back, in the order the services number them."""
    admin = _network()
    rows = [r for r in _rows() if r[0] not in (_code(4), _code(5), _code(6))]

    def by_row(*args):
        raise AssertionError("a row went the row-by-row path")

    monkeypatch.setattr(Funding, "save", by_row)
    result = run(admin, "funding", rows)
    assert (result.state, result.created) == (ImportState.DONE, 5), result.errors
    assert chain.verify(db.session).intact
    db.session.expire_all()
    first = db.session.scalar(select(FundingAgreement).join(FundingAgreement.project).where(
        FundingAgreement.project.has(code=_code(1))))
    assert [(t.number, t.amount, t.gate) for t in first.tranches] == [
        (1, 1000000, 1), (2, 2000000, 2)]
    assert [c.name for c in first.co_funders] == ["苏州市", "工业园区"]
    assert first.disbursed == 1750000
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) == 7


def _faulty() -> list[list[str]]:
    return [KEYS,
            _agreement(1),
            _agreement(2, member="not-committee@import.cn"),
            # The terms' every problem at once.
            _agreement(3, committed="0", deadline="2019-01-01"),
            # A closed project takes no agreement signed after it closed (on 2020-02-01).
            _agreement(8, signed="2020-03-01"),
            # Each tranche's problem: no such milestone, a gate out of range, over the
            # commitment; the disbursements are not checked then.
            _agreement(4, tranches="1000000 | Nothing; 500000 | gate 5; 1000000 | gate 1; "
                                   "9000000 | gate 2", paid="1: 2019-07-01: 100"),
            # Each payment's: before its gate, on a gate not passed, above its tranche, on no
            # tranche, above what the payments before it left.
            _agreement(7, signed="2019-05-02",
                       tranches="1000000 | gate 1; 1000000 | gate 2; 500000 | gate 1",
                       paid="1: 2019-05-10: 100; 2: 2020-03-01: 100; 3: 2019-07-01: 600000; "
                            "4: 2019-07-01: 1; 1: 2019-07-01: 600000; 1: 2019-07-02: 600000"),
            _agreement(1, committed="1000000"),  # given twice
            # A row the row-by-row path saves, then the same project again.
            _agreement(6, tranches="1000000 | gate 1",
                       paid="1: 2019-07-01: 1000; reversal | 1 | 2019-07-05 | twice"),
            _agreement(6),
            _agreement(9, signed="2031-01-01")]


def test_the_bulk_path_refuses_what_the_services_refuse_with_row_and_column(monkeypatch):
    admin = _network()
    rows = _faulty()
    in_bulk = run(admin, "funding", rows)
    assert in_bulk.state is ImportState.FAILED
    assert sorted({r for r, _c, _m in in_bulk.errors}) == [3, 4, 5, 6, 7, 8, 10, 11], (
        in_bulk.errors)
    # Every problem of a row at once: each tranche's, then each payment's.
    assert [len([e for e in in_bulk.errors if e[0] == n]) for n in (6, 7)] == [3, 5]
    monkeypatch.setattr(BulkFunding, "batch", lambda self, actor: None)
    one_by_one = run(admin, "funding", rows)
    assert one_by_one.errors == in_bulk.errors
    for model in (FundingAgreement, Tranche, Disbursement):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
