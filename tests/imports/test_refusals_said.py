"""What an import's refusals say (issue 13, found by a newcomer): each names what it refuses
and what would be accepted, with the right dates, in the reader's language.

- A choice a form refuses lists the choices it offers, in every kind (a deal's reporting
  period said "Choose one of the options offered." and listed none; a user's language too):
  `form_problems.errors`, used by every import's form and line forms.
- A problem of one entry of a list names the entry (a zero instalment said "At least CN¥0.01.").
- A deal in the way names its own term and the new deal's, not only its signing date.
- A surcharge refused for an annuity paid early says "by its due date", not "after it".
- A failed import for real wrote nothing, and its page and the command line say so rather
  than counting what "would be created".
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_enterprise, make_hq, make_user
from tests.imports import test_achievements, test_contracts
from tests.imports.helpers import run
from tests.imports.test_ip_deals import DEAL, KEYS, _setting
from tests.imports.test_milestones import _project
from tests.imports.test_projects import _setting as _projects_setting
from tests.imports.test_reference_data import INSTITUTES
from tracker import db
from tracker.accounts.models import Role, User
from tracker.imports.models import ImportState


def _deal(**changes) -> list[str]:
    row = dict(zip(KEYS, DEAL, strict=True))
    row.update({"reports": "", "receipts": ""}, **changes)
    return list(row.values())


def test_a_refused_reporting_period_lists_the_periods_in_the_readers_language(client):
    admin = _setting()
    result = run(admin, "ip_deals", [KEYS, _deal(reporting_months="quarterly")])
    assert result.state is ImportState.FAILED
    [(row, column, message)] = result.errors
    assert (row, column) == (2, "Reporting period")
    assert message == ("Not one of the choices: quarterly. Write one of 0 (No royalty reports), "
                       "1 (Monthly), 3 (Quarterly), 6 (Half-yearly), 12 (Yearly).")
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    assert "不是可选值之一：quarterly。" in page and "3（每季度）" in page


def test_every_choice_a_form_refuses_is_listed_a_user_s_language_too():
    admin, _pm = _projects_setting()
    header = ["E-mail", "Full name", "Roles", "Language"]
    result = run(admin, "users", [header, ["new@import.cn", "New Person", "observer",
                                           "klingon"]])
    assert result.state is ImportState.FAILED
    [message] = [m for _r, c, m in result.errors if c == "Language"]
    assert message.startswith("Not one of the choices: klingon. Write one of ")
    assert "zh_CN (简体中文)" in message and "en (English)" in message


def test_a_zero_instalment_is_named_by_its_place_in_the_cell():
    admin, _pm = _projects_setting()
    project = _project(admin)
    make_enterprise(name="Pump Works")
    row = test_contracts._row(project.code, instalments="2019-07-01: 4500000; 2020-07-01: 0",
                              payments="")
    result = run(admin, "contracts", [test_contracts.COLUMNS, row])
    assert result.state is ImportState.FAILED
    messages = [m for _r, c, m in result.errors if c == "Instalments"]
    assert any(m.startswith("Entry 2, ") and m.endswith("At least CN¥0.01.") for m in messages), \
        result.errors
    assert "At least CN¥0.01." not in messages


def test_a_deal_in_the_way_names_its_term_and_the_new_one_s():
    admin = _setting()
    first = _deal(ends_on="2024-12-31")
    second = _deal(signed_on="2024-06-01", ends_on="2025-12-31", upfront_due_on="")
    result = run(admin, "ip_deals", [KEYS, first, second])
    [message] = [m for r, c, m in result.errors if (r, c) == (3, "Kind of deal")]
    assert "from Jan 1, 2023 to Dec 31, 2024" in message
    assert "from Jun 1, 2024 to Dec 31, 2025" in message


def test_a_surcharge_refused_for_an_annuity_paid_early_says_so():
    admin, _pm = test_achievements._projects()
    early = "CN201910123456.7 | 3 | 2021-09-01 | 900 | 2021-08-20 | 950 | paid late"
    row = [*test_achievements.ROW[:5], early]
    result = run(admin, "achievements", [test_achievements.KEYS, row])
    assert result.state is ImportState.FAILED
    [message] = [m for _r, c, m in result.errors if c == "Patent annuities"]
    assert "by its due date (Sep 1, 2021), no surcharge is owed" in message
    assert "after it was due" not in message


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_failed_import_says_it_wrote_nothing(client, dry_run):
    admin = _setting()
    result = run(admin, "ip_deals", [KEYS, _deal(), _deal(reporting_months="quarterly")],
                 dry_run=dry_run)
    assert result.state is ImportState.FAILED and result.created == 1
    login(client, db.session.scalar(select(User).where(User.id == admin.id)))
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    # A refused dry run would create nothing either: no count of the rows that passed.
    assert "Would be created" not in page and "Created</dt>" not in page
    assert ("Written</dt><dd>Nothing: rows were refused, and a file is imported whole or "
            "not at all.</dd>") in page


def test_a_record_given_twice_is_refused_naming_the_row_that_gave_it(client):
    """The second row of one record names the first, and says what to do, in the reader's
    language on the run's page."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    run(admin, "institutes", INSTITUTES)
    twice = [INSTITUTES[0], INSTITUTES[1], [*INSTITUTES[1][:2], "Ceramics", *INSTITUTES[1][3:]]]
    result = run(admin, "institutes", twice)
    assert result.state is ImportState.FAILED
    [(row, message)] = [(r, m) for r, _c, m in result.errors]
    assert (row, message) == (3, "Row 2 gives this record already (the same Code): a file "
                                 "gives each record once. Put this row's values in that row, "
                                 "or remove one of the two.")
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    # the column as the file headed it (Code), the rest in the reader's language
    assert "第 2 行已给出此记录（Code相同）：同一文件中每条记录只能出现一次。" in page
