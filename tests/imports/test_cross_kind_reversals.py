"""Issue 13, cross-kind reversals: a reversal written in one kind's file that the pages could
record only after an entry of a kind imported later. An empty database takes the files in the
README's order (`test_empty_database.ORDER`: ... funding, companies without exits, incentive
grants, companies again, achievements, IP deals); a reversal only ever takes something away
(shares, money, a standing record), so it needs moving only when an entry of a LATER file,
recorded before it, needed what it takes away. Every reversing or voiding service, with the
file that writes it and the later files whose entries can need what it undoes (`REVERSALS`,
checked against the services themselves by `test_every_reversal_the_services_allow_is_placed`):

- `reverse_entry` (companies: the cap table at incorporation, later issues, transfers):
  the shares it takes away from their holder are needed, in a later file, only by an incentive
  pool's grants and exercises (the grants file checks what the pool holds). Handled here: such
  a reversal recorded after a grant from the pool is written in the grants file
  (`ledger_lines.after_grant`). A transfer OUT of a pool, reversed, gives the pool shares back:
  nothing later needs that reversal first. (The transfer itself, standing, takes shares
  from the pool: recorded after a grant from it, it is written in the grants file too,
  `test_reversal_round_trips.py`.)
- `reverse_round` (companies): its investors' shares. An incentive pool may invest in a round
  (the round form offers every holder type), so a round whose investor was a pool, reversed
  after a grant from it, is the same pair, handled the same way: written in the grants file
  as `reversal | round 2 | date | reason` (`test_a_round_a_pool_invested_in`).
- `reverse_conversion` (companies): the fund's shares and the converted money; the funding
  file (earlier) holds the disbursement reversals that wait for it: 18c548f,
  `test_company_reversals.py`.
- `reverse_disbursement`, `reverse_payment` of a co-funder, `void_tranche`, `void_agreement`
  (funding): money the companies file's conversions convert; a disbursement reversed after a
  conversion is written in the companies file (18c548f); a tranche or agreement with money
  disbursed and standing is not voided, so no conversion needs a void first.
- `reverse_exit` (companies, first pass: an exit reversed is written in `reversed_exits`, in
  date order with the ledger): reopens the ledger; nothing later needs an exit to stand.
- `void_founders` (companies): only while nothing follows the table: no later entry at all.
- `reverse_exercise`, `reverse_leaving` (the grants file, the only file after it that touches
  a ledger being the companies file's second pass, which adds only the exit): an exit needs
  neither.
- `reverse_payment` of a contract (contracts), of a centre (centres), `void_contract`
  (contracts), `reverse_spending` (no file): nothing in a later file reads contract, centre or
  spending money.
- `reverse_payment` of an annuity (achievements), `reverse_income`, `reverse_report`,
  `void_ip_deal`, `void_transfer` (IP deals, the last file): an IP deal reads the
  achievement's rights, not its annuities' payments; nothing comes after the IP deals file.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.imports import test_incentive_grants
from tests.imports.helpers import run
from tests.imports.test_empty_database import (
    ORDER,
    _rows,
    _without,
    empty_network,
    import_network,
)
from tests.source import TRACKER, modules, tree
from tracker import db
from tracker.accounts.models import User
from tracker.companies import corrections, deals
from tracker.companies import services as companies
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, Company, HolderType, Shareholder
from tracker.imports import export, replay
from tracker.imports.models import ImportState
from tracker.incentives import services as incentives
from tracker.incentives.models import GrantKind

# Each reversing or voiding service: the kind whose file writes it, and the kinds imported
# after that file whose entries can need what it undoes (see the docstring).
REVERSALS = {
    "companies.corrections.reverse_entry": ("companies", {"incentive_grants"}),
    "companies.corrections.reverse_round": ("companies", {"incentive_grants"}),
    "companies.corrections.reverse_exit": ("companies", set()),
    "companies.corrections.void_founders": ("companies", set()),
    "funding.corrections.reverse_conversion": ("companies", set()),
    "funding.corrections.reverse_disbursement": ("funding", {"companies"}),
    "partners.co_funding.reverse_payment": ("funding", set()),
    "funding.voids.void_tranche": ("funding", set()),
    "funding.voids.void_agreement": ("funding", set()),
    "incentives.reversals.reverse_exercise": ("incentive_grants", set()),
    "incentives.reversals.reverse_leaving": ("incentive_grants", set()),
    "contracts.services.reverse_payment": ("contracts", set()),
    "contracts.corrections.void_contract": ("contracts", set()),
    "centres.services.reverse_payment": ("centres", set()),
    "spending.services.reverse_spending": (None, set()),
    "achievements.annuities.reverse_payment": ("achievements", set()),
    "achievements.deal_corrections.reverse_income": ("ip_deals", set()),
    "achievements.deal_corrections.reverse_report": ("ip_deals", set()),
    "companies.deal_voids.void_ip_deal": ("ip_deals", set()),
    "achievements.deal_corrections.void_transfer": ("ip_deals", set()),
}
# The pairs written in the later file's cell, and the test that shows each.
HANDLED = {("funding.corrections.reverse_disbursement", "companies"),  # test_company_reversals
           ("companies.corrections.reverse_entry", "incentive_grants"),  # below
           ("companies.corrections.reverse_round", "incentive_grants")}  # below
NOT_YET: set[tuple[str, str]] = set()


def test_every_reversal_the_services_allow_is_placed():
    """Every reverse_*/void_* service (a function of a module that is not a view, acting as
    `actor`) is in the table,
    and every pair of a reversal with a later file needing it is handled or known."""
    root = TRACKER
    found = set()
    for path in modules():
        if path.stem == "views" or path.stem.endswith("_views") or "imports" in path.parts:
            continue
        for node in tree(path).body:
            if (isinstance(node, ast.FunctionDef) and node.name.startswith(
                    ("reverse_", "void_")) and node.args.args
                    and node.args.args[0].arg == "actor"):
                found.add(".".join([*path.relative_to(root).with_suffix("").parts,
                                    node.name]))
    assert found == set(REVERSALS)
    later = {(name, kind) for name, (written, needing) in REVERSALS.items()
             for kind in needing if written is not None}
    assert all(ORDER.index(kind) > ORDER.index(REVERSALS[name][0]) for name, kind in later)
    assert later == HANDLED | NOT_YET


def _network(admin):
    import_network(admin)
    company = db.session.scalar(select(Company))
    return company, next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)


def _issued(admin, company, pool):
    return companies.issue_shares(admin, company, IssueLine(
        pool.shown_name, HolderType.INCENTIVE_POOL, Decimal(2000000), Acquisition.CASH),
        date(2022, 6, 1))


def _transferred(admin, company, pool):
    fund = db.session.scalar(select(Shareholder).where(Shareholder.company_id == company.id,
                                                       Shareholder.name == "Fund Y"))
    return companies.transfer_shares(admin, company, fund, pool.shown_name,
                                     HolderType.INCENTIVE_POOL, Decimal(1500000),
                                     date(2022, 6, 1))


def _round(admin, company, pool):
    return deals.record_round(admin, company, name="Pool", on=date(2022, 6, 1),
                              pre_money=Decimal(20000000), amount=Decimal(3000000),
                              investors=[deals.InvestorLine(
                                  name=pool.shown_name, kind=HolderType.INCENTIVE_POOL,
                                  amount=Decimal(3000000), lead=False)])


def round_trip(app, tmp_path, network: tuple[User, Company, Shareholder],
               story: Callable[[User, Company, Shareholder], object],
               together: bool = False, same: Callable[[], object] | None = None
               ) -> dict[str, bytes]:
    """The `network` up to its grants, then `story(admin, company, pool)` told as the pages
    tell it; exported, imported into an empty database in the README's order, exported again:
    the same files (returned, as first exported). `together`: the companies file (with its
    exits) and the grants file in one run (`tracker/imports/replay.py`), in place of companies
    without exits, grants, companies again. `same`: what it reads is the same in both
    databases (what no file writes: a round's price, the cap table)."""
    admin, company, pool = network
    story(admin, company, pool)
    db.session.flush()
    db.session.expire_all()  # read as a new request's export reads them
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    before = same() if same else None
    with empty_network(app, tmp_path, admin) as importer:
        seen = set()
        for kind in ORDER:
            if kind in ("achievements", "ip_deals"):
                continue
            rows = _rows(exported[kind])
            if together and kind in ("companies", "incentive_grants"):
                if kind in seen:
                    continue
                seen.update(("companies", "incentive_grants"))
                result = replay.run_import(importer, [
                    ("companies.csv", io.BytesIO(exported["companies"])),
                    ("incentive_grants.csv", io.BytesIO(exported["incentive_grants"]))])
                assert result.state is ImportState.DONE, result.errors
                db.session.commit()
                continue
            if kind == "companies" and kind not in seen:
                rows = _without(rows, "exit")
            seen.add(kind)
            result = run(importer, kind, rows)
            assert result.state is ImportState.DONE, (kind, result.errors)
            db.session.commit()
        again = {kind: export.export_csv(kind) for kind in exported
                 if kind not in ("achievements", "ip_deals")}
        after = same() if same else None
    assert after == before
    assert again == {k: v for k, v in exported.items() if k in again}
    return exported


def _round_trip(app, tmp_path, network, given, reverse) -> dict[str, bytes]:
    """Shares given to the pool, options granted against them and forfeited, then the gift
    reversed on the company's page: the round trip."""
    def story(admin, company, pool):
        gift = given(admin, company, pool)
        record = incentives.grant(admin, company, user=None, person_name="Zhao Liu",
                                  kind=GrantKind.OPTIONS, shares=Decimal(1500000),
                                  exercise_price=Decimal(1), pool_id=pool.id,
                                  granted_on=date(2022, 7, 1), vesting_start=date(2022, 7, 1),
                                  vesting_months=48, cliff_months=12)
        incentives.forfeit(admin, record, date(2022, 8, 1), "left before the cliff")
        reverse(admin, gift)

    return round_trip(app, tmp_path, network, story)


def _leavings(exported) -> list[str]:
    grants = _rows(exported["incentive_grants"])
    return [row[grants[0].index("leaving")] for row in grants[1:]]


def _cell(exported, key: str) -> str:
    rows = _rows(exported["companies"])
    return rows[1][rows[0].index(key)]


@pytest.mark.parametrize(("given", "cell", "number"), [(_issued, "issues", 2),
                                                      (_transferred, "transfers", 2)])
def test_shares_a_pool_was_given_reversed_after_its_options_were_forfeited_round_trip(
        app, tmp_path, network, given, cell, number):
    """The reversal is the grant's, after its leaving; the companies file's cell shows the
    entry standing, at the number the reversal gives."""
    exported = _round_trip(app, tmp_path, network, given, lambda admin, entry: (
        corrections.reverse_entry(admin, entry, date(2022, 9, 1), "never paid")))
    word = cell.removesuffix("s")
    assert (f"2022-08-01 | left before the cliff; reversal | {word} {number} | 2022-09-01 | "
            "never paid") in _leavings(exported)
    written = _cell(exported, cell)
    assert "reversal" not in written
    assert written.split("; ")[number - 1].split(" | ")[:2] == (
        ["Incentive pool", "incentive_pool"] if cell == "issues"
        else ["Fund Y", "Incentive pool"]), written


def test_a_round_a_pool_invested_in_reversed_after_its_options_were_forfeited_round_trips(
        app, tmp_path, network):
    """The round's reversal is the grant's, after its leaving; the companies file's rounds
    show the round standing, at the number the reversal gives."""
    exported = _round_trip(app, tmp_path, network, _round, lambda admin, financing: (
        corrections.reverse_round(admin, financing, date(2022, 9, 1), "never closed")))
    assert ("2022-08-01 | left before the cliff; reversal | round 2 | 2022-09-01 | "
            "never closed") in _leavings(exported)
    written = _cell(exported, "rounds")
    assert "reversal" not in written
    assert written.split("; ")[1].split(" | ")[:2] == ["Pool", "2022-06-01"], written


def test_a_reversal_naming_no_standing_entry_of_the_companies_file_is_refused_named(network):
    admin, company, _pool = network
    row = [company.uscc, "Chen Qi", "options", "5000", "1", "Incentive pool", "2022-03-01",
           "2022-03-01", "48", "12", "", "", "", ""]

    def leaving(reversal):
        return [*row, f"2023-01-01 | left; {reversal} | 2023-02-01 | never paid"]

    for locale, said, written in (
            ("en", "Later share issues", leaving("reversal | issue 7")),
            ("zh_CN", "后续发行股份", leaving("冲销 | 发行 7")),
            ("en", "Financing rounds", leaving("reversal | round 7")),
            ("zh_CN", "融资轮次", leaving("冲销 | 轮次 7"))):
        with force_locale(locale):  # the importing person's language
            result = run(admin, "incentive_grants", [test_incentive_grants.KEYS, written])
            errors = [(r, str(c), str(m)) for r, c, m in result.errors]
        assert result.state is ImportState.FAILED
        assert [(r, c) for r, c, _m in errors] == [
            (2, "Leaving" if locale == "en" else "离职")], errors
        assert said in errors[0][2] and company.name in errors[0][2], errors
    badly = leaving("reversal | issue")
    result = run(admin, "incentive_grants", [test_incentive_grants.KEYS, badly])
    assert "reversal | issue 2 | 2022-09-01 | never paid" in result.errors[0][2], result.errors
