"""Grants from the incentive pool: the pool never promises more than it holds, exercise moves
shares on the ledger, a leaver's unvested shares return, the cap table issued and fully diluted
against a hand-computed example, and a researcher sees their own grants and no one else's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.export.pages import tables
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import ledger
from tracker.companies.models import Acquisition, HolderType, ShareEntry
from tracker.companies.services import IssueLine
from tracker.dates import today
from tracker.errors import Invalid, Refused
from tracker.incentives import dilution, services
from tracker.incentives.models import GrantKind
from tracker.projects.lifecycle import Phase

LINES = [IssueLine("R&D team", HolderType.TEAM, Decimal("6000000"), Acquisition.CASH),
         IssueLine("Suzhou Venture Capital", HolderType.INVESTOR, Decimal("2000000"),
                   Acquisition.CASH),
         IssueLine("Incentive pool", HolderType.INCENTIVE_POOL, Decimal("2000000"),
                   Acquisition.CASH)]


@pytest.fixture
def company():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, lines=LINES)
    return company


def pool_of(company):
    return next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)


def grant(company, actor=None, **values):
    values = {"pool_id": pool_of(company).id, "user": None, "person_name": "Alice",
              "kind": "options", "shares": Decimal("400000"), "exercise_price": Decimal("1"),
              "granted_on": helpers.days_ago(390), "vesting_start": helpers.days_ago(390),
              "vesting_months": 48, "cliff_months": 12, "lock_up_until": None, "note": "",
              **values}
    record = services.grant(actor or helpers.manager(), company, **values)
    _commit()
    return record


def test_the_fully_diluted_cap_table_against_a_hand_computed_example(company):
    admin = helpers.manager()
    alice = grant(company, admin)  # 400,000 options, 100,000 vested (twelve months)
    bob = grant(company, admin, person_name="Bob", kind="shares", shares=Decimal("100000"),
                exercise_price=None)
    services.exercise(admin, alice, helpers.days_ago(5), Decimal("100000"))
    _commit()
    table = ledger.cap_table(company, today())
    diluted = dilution.fully_diluted(table, services.grants_of(company))
    rows = {r.holder.name: (r.issued, r.issued_pct, r.options, r.diluted, r.diluted_pct)
            for r in diluted.rows}
    d = Decimal
    assert rows == {
        "R&D team": (d(6000000), d("60.00"), d(0), d(6000000), d("60.00")),
        "Suzhou Venture Capital": (d(2000000), d("20.00"), d(0), d(2000000), d("20.00")),
        "Incentive pool": (d(1800000), d("18.00"), d(-300000), d(1500000), d("15.00")),
        "Alice": (d(100000), d("1.00"), d(300000), d(400000), d("4.00")),
        "Bob": (d(100000), d("1.00"), d(0), d(100000), d("1.00")),
    }
    assert diluted.issued == diluted.diluted == d(10000000)
    assert diluted.outstanding == d(300000)
    assert bob.grant_entry.to_holder.name == "Bob"
    assert bob.grant_entry.acquired_by is Acquisition.INCENTIVE
    # Before the exercise, Alice holds nothing issued and her 400,000 options.
    earlier = dilution.fully_diluted(ledger.cap_table(company, helpers.days_ago(10)),
                                     services.grants_of(company))
    assert {r.holder.name: r.diluted for r in earlier.rows}["Alice"] == d(400000)


def test_the_pool_grants_no_more_than_it_holds_less_what_it_promised(company):
    admin = helpers.manager()
    grant(company, admin, shares=Decimal("1500000"))
    with pytest.raises(Invalid) as refused:
        grant(company, admin, person_name="Carol", shares=Decimal("600000"))
    assert refused.value.field == "shares"
    assert ("Incentive pool holds 2,000,000 shares from" in refused.value.message
            and "1,500,000 are promised to options granted before: 500,000 can be granted, "
                "not 600,000." in refused.value.message)
    grant(company, admin, person_name="Carol", shares=Decimal("500000"))  # exactly what is left
    assert services.unallocated(company, pool_of(company), today()) == 0


def test_an_exercise_takes_vested_options_only_and_moves_shares_from_the_pool(company):
    admin = helpers.manager()
    alice = grant(company, admin, lock_up_until=today().replace(year=today().year + 2))
    with pytest.raises(Invalid) as refused:
        services.exercise(admin, alice, helpers.days_ago(5), Decimal("100001"))
    assert "100,000 can be exercised, not 100,001" in refused.value.message
    services.exercise(admin, alice, helpers.days_ago(5), Decimal("60000"))
    _commit()
    entry = db.session.scalar(select(ShareEntry).where(
        ShareEntry.acquired_by == Acquisition.INCENTIVE,
        ShareEntry.to_holder_id == alice.holder_id))
    assert entry.note == ""  # its kind and holders say what it is, in any language
    assert (entry.from_holder.name, entry.to_holder.name, entry.shares) == (
        "Incentive pool", "Alice", Decimal("60000"))
    assert entry.lock_up_until == alice.lock_up_until  # the lock-up reminders read it
    assert alice.exercisable(today()) == Decimal("40000")
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "incentive_grants", AuditRecord.object_id == alice.id)
        .order_by(AuditRecord.id)).all()
    assert actions == ["incentive.grant", "incentive.exercise"]
    shares = grant(company, admin, person_name="Bob", kind="shares", shares=Decimal("10"),
                   exercise_price=None)
    with pytest.raises(Refused):
        services.exercise(admin, shares, today(), Decimal("1"))


def test_leaving_returns_the_unvested_shares_to_the_pool(company):
    admin = helpers.manager()
    bob = grant(company, admin, person_name="Bob", kind="shares", shares=Decimal("48000"),
                exercise_price=None)
    alice = grant(company, admin)
    assert services.forfeit(admin, bob, helpers.days_ago(1), "Left for a university") == 36000
    assert services.forfeit(admin, alice, helpers.days_ago(1), "Left") == 300000
    _commit()
    table = ledger.cap_table(company, today())
    assert table.shares_of_holder(bob.holder_id) == Decimal("12000")
    assert table.shares_of_holder(pool_of(company).id) == Decimal("1988000")
    # Alice keeps her 100,000 vested options; the rest lapsed back to the pool's promise.
    assert alice.outstanding_options(today()) == Decimal("100000")
    assert services.promised(company, pool_of(company)) == Decimal("100000")
    with pytest.raises(Refused):
        services.forfeit(admin, bob, helpers.days_ago(1), "Again")


def test_a_grant_is_recorded_and_corrected_through_its_pages(client, company):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    page = client.get(f"/companies/{company.id}/incentives/new")
    assert page.status_code == 200
    answer = post(client, f"/companies/{company.id}/incentives/new", {
        "pool_id": pool_of(company).id, "user_id": 0, "person_name": "Dana", "kind": "options",
        "shares": "3000000", "exercise_price": "1", "granted_on": helpers.days_ago(10),
        "vesting_start": helpers.days_ago(10), "vesting_months": 48, "cliff_months": 12,
        "once": "x"})
    assert answer.status_code == 400
    assert "2,000,000 can be granted, not 3,000,000" in answer.get_data(as_text=True)
    record = grant(company, admin, person_name="Dana")
    edit = client.get(f"/incentives/grants/{record.id}/edit")
    form = {"vesting_start": helpers.days_ago(390), "vesting_months": 36, "cliff_months": 12,
            "note": "Board resolution 2025-3", "version": "1",
            "seen_at": edit.get_data(as_text=True).split('name="seen_at" type="hidden" value="')[1]
            .split('"')[0]}
    assert post(client, f"/incentives/grants/{record.id}/edit", form).status_code == 302
    assert record.vesting_months == 36
    stale = post(client, f"/incentives/grants/{record.id}/edit", {**form, "note": "Other"})
    assert stale.status_code == 409  # saved on the version before the first save
    page = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
    assert "Dana" in page and "Fully diluted" in page


def test_a_researcher_sees_their_own_grants_and_no_one_elses(client, company):
    mine, theirs = make_user(locale="en"), make_user(locale="en")
    admin = helpers.manager()
    own = grant(company, admin, user=mine, person_name="")
    other = grant(company, admin, user=theirs, person_name="", shares=Decimal("200000"))
    assert own.person_name == mine.name and own.kind is GrantKind.OPTIONS
    login(client, mine)
    home = client.get("/").get_data(as_text=True)
    assert "My equity" in home and "400,000" in home and "100,000" in home
    assert "200,000" not in home
    assert client.get(f"/incentives/grants/{own.id}").status_code == 200
    assert client.get(f"/incentives/grants/{other.id}").status_code == 404
    assert client.get(f"/companies/{company.id}/incentives").status_code == 404
    post(client, "/logout")
    login(client, theirs)
    assert "200,000" in client.get("/").get_data(as_text=True)


def test_a_back_dated_exercise_keeps_every_later_exercise_within_what_was_vested(company):
    """100,000 exercised, then more back-dated to a day when fewer were vested: refused, since
    the later exercise's date would show more exercised than vested."""
    admin = helpers.manager()
    alice = grant(company, admin, vesting_months=12, cliff_months=0)  # 390 days ago: all vested
    late = helpers.days_ago(5)
    services.exercise(admin, alice, late, Decimal("380000"))
    _commit()
    early = helpers.days_ago(40)  # 11 months: 366,666 vested then
    assert alice.vested(early) < alice.vested(late)
    room = alice.vested(late) - Decimal("380000")
    assert alice.exercisable(early) == room
    with pytest.raises(Invalid) as refused:
        services.exercise(admin, alice, early, Decimal("60000"))
    assert refused.value.field == "shares"
    assert "An exercise on" in refused.value.message and "not 60,000" in refused.value.message
    services.exercise(admin, alice, early, room)  # exactly what leaves the later one vested
    _commit()
    for when in (early, late):
        assert alice.exercised(when) <= alice.vested(when)


def grant_row(page: str, person: str) -> dict[str, str]:
    """The grants table's row of `person`, each cell by its header (tracker/incentives/
    columns.py: GRANT_COLUMNS)."""
    grants = tables(page)[1]
    row = next(r for r in grants["body"] if r[0] == person)
    return dict(zip(grants["head"][0], row, strict=True))


def test_the_options_column_adds_up_to_what_its_rows_say(app, company):
    """Found by a newcomer: with the pool's row at -240,000 and the person's at +240,000 the
    options column's total read 240,000 (it summed the persons' side only). The column adds
    up to nothing; the options outstanding are said beside the table."""
    grant(company, person_name="Erin", shares=Decimal("240000"))
    table = dilution.fully_diluted(ledger.cap_table(company, today()),
                                   services.grants_of(company))
    assert sorted(r.options for r in table.rows if r.options) == [-240000, 240000]
    assert (table.options, table.outstanding) == (0, 240000)
    assert table.issued_pct == table.diluted_pct == Decimal("100.00")
    for locale, said in (("en", "Options outstanding to people: 240,000."),
                         ("zh_CN", "授予个人的未行权期权：240,000。")):
        client = app.test_client()
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        page = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
        foot = tables(page)[2]["foot"][0]
        assert foot[2:] == ["10,000,000", "100.00%", "0", "10,000,000", "100.00%"], locale
        assert said in page.split("</tfoot>")[1]


def test_a_schedule_exercised_twice_says_every_option_exercised_and_the_first_day(company):
    """The correction's refusal counts the options of every standing exercise, not the first's
    alone, and dates the first (tracker/incentives/fixed.py)."""
    admin = helpers.manager()
    alice = grant(company, admin, vesting_months=12, cliff_months=0)
    first, second = helpers.days_ago(40), helpers.days_ago(5)
    services.exercise(admin, alice, first, Decimal("100000"))
    services.exercise(admin, alice, second, Decimal("50000"))
    _commit()
    values = {key: getattr(alice, key) for key in services.EDITABLE}
    with pytest.raises(Refused) as refused:
        services.update_grant(admin, alice, **{**values, "vesting_months": 24})
    assert "150,000 options were exercised on this schedule, the first on" in str(
        refused.value)


def test_a_grant_of_shares_is_audited_with_what_was_granted(company):
    """Its record said only that a grant was made (its values were read after its transfer
    was written), where a grant of options' says what was granted: both say it."""
    for kind in ("shares", "options"):
        record = grant(company, person_name=f"Alice {kind}", kind=kind,
                       shares=Decimal("100000"))
        changes = db.session.scalar(select(AuditRecord.changes).where(
            AuditRecord.action == "incentive.grant", AuditRecord.object_id == record.id))
        assert {k: v[1] for k, v in changes.items() if k in ("person_name", "kind", "shares")
                } == {"person_name": f"Alice {kind}", "kind": kind, "shares": "100000"}
