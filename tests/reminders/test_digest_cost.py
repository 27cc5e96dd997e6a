"""A digest of many items costs about what a digest of one costs: the same statements, one
catalogue lookup per e-mail, one UPDATE claiming the batch and one marking every message an
e-mail carried as sent; and a scan computes
each deadline's rungs once, however many items share it."""

from __future__ import annotations

from datetime import date

import flask_babel
from sqlalchemy import event

from tests.reminders import helpers
from tests.reminders.conftest import at, html_of, text_of
from tracker import db
from tracker.reminders import delivery, scan
from tracker.reminders.ladder import Ladder

DAY = date(2026, 5, 20)


def _send_one_digest(engine, monkeypatch, items: int) -> tuple[list[str], int]:
    """Statements and catalogue lookups of sending one PM a digest of `items` milestones."""
    pm, director, _hq, _evaluator = helpers.people(pm_locale="en")
    project = helpers.project_for(pm, director)
    for n in range(items):
        helpers.milestone(project, date(2026, 5, 28), title=f"Step {n}")
    scan.scan(DAY)
    db.session.commit()
    lookups = []
    real = flask_babel.get_translations
    monkeypatch.setattr("tracker.reminders.mail.get_translations",
                        lambda: lookups.append(1) or real())
    monkeypatch.setattr(flask_babel.Domain, "get_translations",
                        lambda self, _real=flask_babel.Domain.get_translations:
                        lookups.append(1) or _real(self))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = delivery.send(at(DAY))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert (result.sent, result.emails) == (items, 1), result
    return statements, len(lookups)


def test_a_digest_of_many_costs_what_a_digest_of_one_costs(app, engine, smtp, monkeypatch):
    one, one_lookups = _send_one_digest(engine, monkeypatch, 1)
    smtp.take()
    many, many_lookups = _send_one_digest(engine, monkeypatch, 30)
    ((_to, email),) = smtp.take()
    assert "Step 29" in text_of(email) and "Step 0" in html_of(email)
    assert len(many) == len(one), (one, many)
    # One UPDATE claims the batch, one marks what the e-mail carried as sent.
    assert len([s for s in many if s.startswith("UPDATE reminder_outbox")]) == 2
    # The catalogue is looked up a few times per e-mail (the subject's lazy labels), not per
    # item: Flask-Babel's own gettext would look it up for every sentence of every item. The
    # second digest may find it kept already (tracker/display/catalogue.py, 5ee3dca).
    assert 1 <= many_lookups <= one_lookups, (one_lookups, many_lookups)


def test_a_scan_works_out_each_deadline_once(monkeypatch):
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    for n in range(12):
        helpers.milestone(project, date(2026, 5, 1 + n % 3), title=f"Step {n}")
    worked = []
    real = Ladder.current
    monkeypatch.setattr(Ladder, "current",
                        lambda self, deadline, on: worked.append(deadline) or real(self, deadline,
                                                                                   on))
    found = scan.scan(DAY)
    milestone_deadlines = [d for d in worked if d.month == 5 and d.day <= 3]
    assert found.new == found.found > 12 and sorted(milestone_deadlines) == [
        date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]
