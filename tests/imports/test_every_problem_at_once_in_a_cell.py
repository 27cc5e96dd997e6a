"""Issue 13, point 2: a list cell (a cap table, a contract's instalments, a project's budget
lines, the e-mails of a team, the roles of a user) says every entry it refuses at once, each
by its place in the cell, not its first one alone: a cap table of two bad holders was told the
first, and the second only once the first was fixed. Nothing is written."""

from __future__ import annotations

import pytest

from tests.imports.helpers import run
from tests.imports.test_every_problem_at_once import _header, world  # noqa: F401 - fixture
from tracker import db
from tracker.accounts.models import User
from tracker.imports.models import ImportState

# (kind, the exported row's number, the cell changed, its text, what its column is told: each
# bad entry's problem, by its place)
CASES = [
    ("companies", 1, "holdings",
     "Team Li | team; JITRI | nobody | 3000000; Incentive pool | incentive_pool | 1000000",
     ["Entry 1: Write each holder", "Entry 2: Not one of the choices: nobody"]),
    ("companies", 1, "issues", "Fund Y | investor; Team Li | team | 500000 | 2023-03-01; "
                               "Fund Z | investor",
     ["Entries 1, 3: Write each issue"]),
    ("contracts", 1, "instalments", "in July; 2020-07-01: 3000000; in August",
     ["Entries 1, 3: Write each instalment"]),
    ("contracts", 1, "payments", "paid; 2: 2020-07-10: 1000000.25; later",
     ["Entries 1, 3: Write each payment"]),
    ("projects", 2, "budget_lines", "Equipment; 劳务费: 500000; Travel",
     ["Entries 1, 3: Write each budget line"]),
    ("projects", 2, "gates_passed_on", "May; 2: the summer",
     ["Entry 1: Write the gate and its date", "Entry 2: ", "the summer"]),
    ("projects", 2, "member_emails", "nobody@import.cn, member@import.cn, ghost@import.cn",
     ["No account has the e-mail nobody@import.cn", "No account has the e-mail ghost@import.cn"]),
    ("funding", 1, "tranches", "a million; 2000000 | gate 1; lots",
     ["Entries 1, 3: Write each tranche"]),
    ("users", 1, "roles", "pm, wizard, hq_admin, sorcerer", ["wizard", "sorcerer"]),
    ("achievements", 1, "contributors", "nobody@import.cn: 50; Wang Wu: 40; ghost@import.cn: 10",
     ["nobody@import.cn", "ghost@import.cn"]),
]


@pytest.mark.parametrize(("kind", "at", "key", "text", "told"), CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_every_bad_entry_of_a_cell_is_told_at_once(world, kind, at, key, text, told):  # noqa: F811
    admin = db.session.get(User, world["admin"])
    rows = [list(row) for row in world["files"][kind]]
    header = rows[0]
    rows[at][header.index(key)] = text
    result = run(admin, kind, [header, rows[at]])
    assert result.state is ImportState.FAILED
    said = " ".join(message for _row, column, message in result.errors
                    if column == _header(kind, key))
    for words in told:
        assert words in said, (words, result.errors)


# (kind, the exported row's number, the cell changed, its text, what its column is told)
WAN = [
    ("projects", 2, "budget_lines", "设备费: 50万; 劳务费: 500000",
     "This column is in yuan (元): 50万 is 500000. Write 500000."),
    ("contracts", 1, "instalments", "2019-07-01: 150万; 2020-07-01: 3000000",
     "This column is in yuan (元): 150万 is 1500000. Write 1500000."),
    ("contracts", 1, "payments", "1: 2019-07-05: 150万元",
     "This column is in yuan (元): 150万元 is 1500000. Write 1500000."),
    ("funding", 1, "tranches", "100万 | gate 1",
     "This column is in yuan (元): 100万 is 1000000. Write 1000000."),
    ("companies", 1, "rounds", "A | 2022-05-01 | 12000000 | Fund X: investor: 600万: lead, "
                               "City fund: state_fund: 4000000",
     "This column is in yuan (元): 600万 is 6000000. Write 6000000."),
    ("companies", 1, "holdings", "Team Li | team | 600万; JITRI | hq | 3000000; "
                                 "Incentive pool | incentive_pool | 1000000",
     "600万 is 6000000: write 6000000."),
]


@pytest.mark.parametrize(("kind", "at", "key", "text", "told"), WAN,
                         ids=[f"{c[0]}-{c[2]}" for c in WAN])
def test_wan_in_a_list_cell_says_what_to_write(world, kind, at, key, text, told):  # noqa: F811
    """Issue 13, point 3: 50万 in an entry of a list cell says what to write, as a single
    cell in 元 says it (`numbers.refuse_wan`); it was "Enter an amount"."""
    admin = db.session.get(User, world["admin"])
    rows = [list(row) for row in world["files"][kind]]
    header = rows[0]
    rows[at][header.index(key)] = text
    result = run(admin, kind, [header, rows[at]], dry_run=True)
    said = [message for _row, column, message in result.errors
            if column == _header(kind, key)]
    assert any(told in message for message in said), result.errors
