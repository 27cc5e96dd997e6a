"""Every column a row may leave empty takes an empty cell as its note says (issue 13, T12):
the whole network exported (`test_empty_database`) and imported kind by kind into an empty
database, each kind's rows first tried (a dry run) with each optional column emptied, one
at a time. An empty cell may be refused only for what the record then lacks, never as a cell
the import cannot read ("Choose one of the options offered." for a reporting period its note
says may be empty)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.factories import make_hq, make_user
from tests.imports import test_ip_deals
from tests.imports.helpers import run
from tests.imports.test_empty_database import (
    FIRST_WITHOUT,
    ORDER,
    _populate,
    _rows,
    _without,
    empty_network,
)
from tracker import db
from tracker.accounts.models import Role, User
from tracker.achievements.deal_models import Transfer
from tracker.imports import export
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.organisations.models import Institute


def _emptied(rows: list[list[str]], key: str) -> list[list[str]]:
    at = rows[0].index(key)
    return [rows[0]] + [row[:at] + [""] + row[at + 1:] for row in rows[1:]]


def test_every_optional_column_takes_an_empty_cell(app, tmp_path):
    admin = _populate()
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    refused = []
    with empty_network(app, tmp_path, admin) as importer:
        seen = set()
        for kind in ORDER:
            rows = _rows(exported[kind])
            if kind in FIRST_WITHOUT and kind not in seen:
                rows = _without(rows, FIRST_WITHOUT[kind])
            # A kind imported twice (institutes, then their directors; companies, then their
            # exits after their grants) has its columns tried on its first import.
            again = kind in seen
            seen.add(kind)
            for column in KINDS[kind].columns:
                if again or column.required or column.shown not in rows[0] or len(rows) == 1:
                    continue
                tried = run(importer, kind, _emptied(rows, column.shown), dry_run=True)
                refused += [(kind, column.shown, message) for _row, header, message
                            in tried.errors if header == str(column.header)]
            result = run(importer, kind, rows)
            assert result.state is ImportState.DONE, (kind, result.errors)
            db.session.commit()
        assert db.session.scalar(select(User.id).where(User.email == importer.email))
    # Each refused for what the record then lacks, in the column's own words: a column
    # required for this record though not for every one ("required then", as its note says).
    assert {(kind, key) for kind, key, _message in refused} == REQUIRED_THEN, refused
    assert not [r for r in refused if r[2] == "Choose one of the options offered."]


# The exported network's records that need what these columns say: HQ's admin keeps their
# own role, a government programme its level and name, an enterprise-funded project its
# enterprise, a project decided at a gate the day of each decision, a failed acceptance its
# rationale, a HOLD its revisit date, a waived milestone its reason, a registered company its
# code and date, a cap table its date, a royalty its base and its reporting period, a grant
# of options its exercise price.
REQUIRED_THEN = {
    ("users", "roles"), ("projects", "programme_level"), ("projects", "programme_name"),
    ("projects", "partner_enterprise"), ("projects", "gates_passed_on"),
    ("projects", "rationale"),
    ("projects", "revisit_date"), ("milestones", "waiver_reason"), ("companies", "uscc"),
    ("companies", "registered_on"), ("companies", "incorporated_on"),
    ("ip_deals", "royalty_base"), ("ip_deals", "reporting_months"),
    ("incentive_grants", "exercise_price")}


def test_an_empty_reporting_period_is_a_deal_without_royalty_reports():
    admin = test_ip_deals._setting()
    row = dict(zip(test_ip_deals.KEYS, test_ip_deals.DEAL, strict=True))
    row.update(royalty_pct="", royalty_base="", minimum_royalty="", reporting_months="",
               reports="", receipts="2023-02-01 | 500000 | upfront")
    result = run(admin, "ip_deals", [test_ip_deals.KEYS, list(row.values())])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    deal = db.session.scalar(select(Transfer))
    assert (deal.reporting_months, deal.royalty_pct, deal.report_days) == (0, Decimal("0"), 30)


def test_an_empty_flag_is_its_forms_default_as_its_note_says():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    header = ["code", "name", "field", "type", "legal_entity"]
    result = run(admin, "institutes", [header, ["IMP-LE", "Lab", "Optics", "joint", ""]])
    assert result.state is ImportState.DONE, result.errors
    assert db.session.scalar(select(Institute.legal_entity)) is False  # "empty: no"
    users = run(admin, "users", [["email", "name", "active"], ["li@import.cn", "Li", ""]])
    assert users.state is ImportState.DONE, users.errors
    assert db.session.scalar(select(User.active).where(User.email == "li@import.cn"))
