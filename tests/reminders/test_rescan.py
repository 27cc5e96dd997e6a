"""A scan that finds nothing new reads the outbox's keys and builds no row."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from sqlalchemy import func, select

from tests.reminders import helpers
from tracker import collector, db
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage
from tracker.reminders.rules import RULES


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


def test_a_rescan_reads_only_the_keys_it_would_write(monkeypatch):
    """An item overdue for weeks has a row for every rung it passed; a re-scan reads the rows
    of the rungs due now, not that history."""
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    milestone = helpers.milestone(project, date(2026, 5, 15))
    for day in (date(2026, 5, 1), date(2026, 5, 12), date(2026, 5, 16)):  # -14d, -3d, +1d
        assert scan.scan(day).new == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3

    read = []
    real = scan._written
    monkeypatch.setattr(scan, "_written", lambda *a: read.append(real(*a)) or read[-1])
    again = scan.scan(date(2026, 5, 16))
    keys = set().union(*read)
    assert (again.found, again.new) == (1, 0)
    assert keys == {(milestone.id, "2026-05-15+1d", pm.id)}


def test_an_item_its_query_lists_twice_is_written_once(monkeypatch):
    pm, director, _hq, _evaluator = helpers.people()
    project = helpers.project_for(pm, director)
    helpers.milestone(project, date(2026, 5, 15))
    rule = RULES["milestone_due"]
    monkeypatch.setitem(RULES, "milestone_due", replace(rule, items=lambda q: rule.items(q) * 2))
    first = scan.scan(date(2026, 5, 23))  # +8d to the PM, +7d to the director
    assert (first.found, first.new) == (2, 2)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_the_collector_resumes_after_the_scan_freed_what_it_read(monkeypatch):
    """The scan pauses the cyclic collector; what it read (`_Read`: items, keys, rungs) is
    freed before the collector resumes, else the first allocation after would walk all of it
    (young and alive): a fifth of a 60,000-row re-scan's time on PostgreSQL."""
    pm, director, _hq, _evaluator = helpers.people()
    helpers.milestone(helpers.project_for(pm, director), date(2026, 5, 1))
    alive_at_resume = []

    def enable():
        alive_at_resume.append(sum(isinstance(o, scan._Read) for o in gc.get_objects()))
        gc.enable()

    monkeypatch.setattr(collector, "gc", SimpleNamespace(isenabled=gc.isenabled, disable=gc.disable,
                                                    enable=enable))
    assert scan.scan(date(2026, 5, 20)).new > 0
    assert alive_at_resume == [0]
