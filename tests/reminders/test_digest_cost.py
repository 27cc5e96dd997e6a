"""A digest of many items costs about what a digest of one costs: the same statements, one
catalogue lookup per e-mail, one UPDATE claiming the batch and one marking every message an
e-mail carried as sent; an item is written once for every recipient of a batch it reads the
same to; and a scan computes each deadline's rungs once, however many items share it."""

from __future__ import annotations

from datetime import date, timedelta

import flask_babel
from sqlalchemy import event

from tests.factories import make_user
from tests.reminders import helpers
from tests.reminders.conftest import at, html_of, run_day, text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.reminders import delivery, mail, scan
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


def test_an_item_is_written_once_for_every_recipient_it_reads_the_same_to(app, smtp,
                                                                            monkeypatch):
    """An item's text is the same for each recipient of one language and part: fifty HQ
    admins escalated one milestone cost one rendering of it per language (email/item.txt and
    .html), as one admin does; each e-mail still greets its own recipient."""
    written: list[str] = []
    real = mail.render_item
    monkeypatch.setattr("tracker.reminders.mail.render_item",
                        lambda entry, *written_by: written.append(entry.title)
                        or real(entry, *written_by))
    pm, director, _hq, _evaluator = helpers.people(pm_locale="en", director_locale="en")
    project = helpers.project_for(pm, director)

    def escalate(title: str) -> list:
        """A milestone 30 days late on DAY: HQ admins are escalated to (a day apart each time,
        the outbox sent empty before)."""
        helpers.milestone(project, DAY - timedelta(days=30), title=title)
        written.clear()
        run_day(DAY)
        return smtp.take()

    alone = escalate("Alone step")
    hq_emails = [m for _to, m in alone if "Escalation to you as HQ admin" in text_of(m)]
    # The PM's, the director's and the admin's, each as text and HTML.
    assert len(hq_emails) == 1 and written.count("Alone step") == 3 * 2
    for n in range(48):
        make_user(Role.HQ_ADMIN, locale="en", name=f"Admin {n:02d}")
    make_user(Role.HQ_ADMIN, locale="zh_CN", name="Zhou Admin")
    many = escalate("Many step")
    hq_emails = [(to, m) for to, m in many if "HQ admin" in text_of(m) or "总部管理员" in
                 text_of(m)]
    assert len(hq_emails) == 50
    # As many renderings as with one admin, and one more in Chinese (text and HTML).
    assert written.count("Many step") == 3 * 2 + 2, written
    greeted = {text_of(m).splitlines()[0] for _to, m in hq_emails}
    assert "Hello Admin 07," in greeted and "Hello Wang Min," in greeted and len(greeted) == 50
    chinese = next(m for _to, m in hq_emails if "总部管理员" in text_of(m))
    assert "Many step" in text_of(chinese) and "Many step" in html_of(chinese)
    assert "的里程碑" in text_of(chinese)
