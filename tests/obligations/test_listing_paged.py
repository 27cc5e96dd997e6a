"""The list of reports owed reads each obligation's state in SQL, filters on it there and loads
one page: the same statements and at most a page of rows, however many the network owes; its
export still has every row (issue 21 point 2)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import login
from tests.obligations.test_services import owe, pdf
from tests.test_query_counts import page_statements
from tracker import db
from tracker.obligations import queries, services
from tracker.obligations.models import ObligationState, ReportObligation


def _every_state(actor, subject) -> None:
    """One obligation in each state on 2026-07-01, and the edges between them."""
    owe(actor, subject, due_on=date(2026, 7, 1))  # due today: not late
    owe(actor, subject, due_on=date(2026, 6, 30))  # late
    moved = owe(actor, subject, due_on=date(2026, 9, 1))
    moved.missed_due_on = date(2026, 6, 1)  # late as of the date it missed, moved since
    on_time = owe(actor, subject, due_on=date(2026, 6, 1))
    services.submit_report(actor, on_time, submitted_on=date(2026, 6, 1), upload=pdf())
    late = owe(actor, subject, due_on=date(2026, 5, 1))
    services.submit_report(actor, late, submitted_on=date(2026, 5, 2), upload=pdf())
    services.submit_report(actor, late, submitted_on=date(2026, 5, 9), upload=pdf(),
                           reason="Figures corrected")
    services.withdraw_obligation(actor, owe(actor, subject, due_on=date(2026, 4, 1)), "twice")
    db.session.commit()


def test_the_state_in_sql_is_the_models(clock, contract, project, hq):
    clock.set(date(2026, 7, 1))
    _every_state(hq, contract)
    on = date(2026, 7, 1)
    read = db.session.execute(select(ReportObligation, queries.state_of(on))).all()
    assert {state for _o, state in read} == {s.value for s in ObligationState}
    for obligation, state in read:
        assert obligation.state(on).value == state, obligation.due_on
    for wanted in [*ObligationState, "open"]:
        listed = list(db.session.scalars(queries.listing(hq, on, str(wanted))))
        expected = ({ObligationState.DUE, ObligationState.LATE} if wanted == "open"
                    else {wanted})
        assert listed and all(o.state(on) in expected for o in listed), wanted
        assert len(listed) == sum(1 for o, _s in read if o.state(on) in expected)


def test_one_page_in_the_same_statements_and_every_row_exported(app, engine, client, clock,
                                                                contract, project, hq):
    clock.set(date(2026, 7, 1))
    app.config["PAGE_SIZE"] = 3
    try:
        for n in range(2):
            owe(hq, contract, due_on=date(2026, 6, 1 + n), recipient=f"Bureau {n}")
        db.session.commit()
        login(client, hq)
        path = "/reports-owed/?state=open"
        small = page_statements(client, engine, path)
        for n in range(2, 9):
            owe(hq, contract, due_on=date(2026, 6, 1 + n), recipient=f"Bureau {n}")
        db.session.commit()
        large = page_statements(client, engine, path)
        assert len(large) == len(small), large
        listed = [s for s in large if "FROM report_obligations" in s and "count(" not in s]
        assert listed and all("LIMIT" in s for s in listed[:1]), listed
        first = client.get(path).get_data(as_text=True)
        assert "Bureau 0" in first and "Bureau 2" in first and "Bureau 3" not in first
        assert "Page 1 of 3" in first and "9 results" in first
        third = client.get(f"{path}&page=3").get_data(as_text=True)
        assert "Bureau 8" in third and "Bureau 5" not in third
        sheet = client.get(f"{path}&export=csv").get_data(as_text=True)
        assert all(f"Bureau {n}" in sheet for n in range(9))
    finally:
        app.config["PAGE_SIZE"] = 25
