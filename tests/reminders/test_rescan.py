"""A scan that finds nothing new reads the outbox's keys and builds no row."""

from __future__ import annotations

from datetime import date

from tests.reminders import helpers
from tracker import db
from tracker.reminders import scan


def test_a_rescan_builds_no_row_it_would_not_insert(monkeypatch):
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    for day in (1, 5, 9):
        helpers.milestone(project, date(2026, 5, day), title=f"Step {day}")
    first = scan.scan(date(2026, 5, 20))
    db.session.commit()
    assert first.new == first.found > 0

    built = []
    real = scan.mail.message_id
    monkeypatch.setattr(scan.mail, "message_id", lambda *a: built.append(a) or real(*a))
    again = scan.scan(date(2026, 5, 20))
    assert (again.found, again.new, built) == (first.found, 0, [])

    helpers.milestone(project, date(2026, 5, 12), title="Step 12")
    later = scan.scan(date(2026, 5, 20))
    assert later.new == len(built) > 0 and later.found > first.found
