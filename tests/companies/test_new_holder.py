"""A holder new in a round held nothing before it: its "before" cells say "—", on the company
page as in the round's preview. The page said "0" and "0.00%" where the preview said "—" for
the same investor (found by a newcomer)."""

from __future__ import annotations

import re

from tests.companies import helpers
from tests.conftest import login
from tests.factories import make_project, make_user
from tests.incentives.test_grants import LINES, grant
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


def _row(page: str, name: str) -> list[str]:
    row = re.search(rf"<tr><td>{name}\b.*?</tr>", page, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]


def test_a_new_investor_held_nothing_before_the_round(client):
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company)
    helpers.record_round(company, investors=(("Newcomer Capital", "24000000"),))
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    page = page[page.index("Shares before"):]  # the round's table of stakes
    assert _row(page, "Newcomer Capital")[:2] == ["—", "—"]  # the preview's stake_rows too


def test_an_option_holder_with_no_share_issued_reads_dash_in_the_diluted_table(client):
    """The fully diluted cap table said "0" and "0.00%" of issued shares for a person holding
    options only, beside "—" for the options of a holder with none: one way, "—"."""
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, lines=LINES)
    grant(company, person_name="Optionholder")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
    page = page[page.index("Fully diluted shares"):]
    assert _row(page, "Optionholder")[:2] == ["—", "—"]
    assert _row(page, "R&amp;D team")[:3] == ["6,000,000", "60.00%", "—"]
