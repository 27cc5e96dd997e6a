"""Recording what a project spent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import IO

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.files import services as files
from tracker.money import cents
from tracker.projects.models import BudgetLine, Project
from tracker.spending.models import SpendingEntry


def record_spending(actor: User, project: Project, *, budget_line_id: int, spent_on: date,
                    amount: Decimal, description: str,
                    voucher: tuple[IO[bytes], str] | None = None) -> SpendingEntry:
    """One expense against one of the project's budget lines. Spending over a line's amount is
    recorded (it happened) and warned about on the project's pages, never refused."""
    if project.is_read_only:
        raise Refused(_("This project is closed: nothing of it changes."))
    if not SpendingEntry.can_record(actor, project):
        raise Forbidden()
    line = db.session.get(BudgetLine, budget_line_id)
    if line is None or line.project_id != project.id:
        raise Invalid("budget_line_id", _("Choose one of the project's budget lines."))
    if amount <= 0 or cents(amount) != amount:
        raise Invalid("amount", _("Give an amount of more than zero, in yuan and fen."))
    if spent_on > today():
        raise Invalid("spent_on", _("Spending is recorded once made: this date is ahead."))
    if spent_on < project.start_date:
        raise Invalid("spent_on", _("This date is before the project started (%(date)s).",
                                    date=project.start_date.isoformat()))
    if not description.strip():
        raise Invalid("description", _("Say what the money was spent on."))
    stored = (files.store(actor, voucher[0], voucher[1], "voucher", project.id)
              if voucher else None)
    entry = SpendingEntry(project_id=project.id, budget_line_id=line.id, spent_on=spent_on,
                          amount=amount, description=description.strip(),
                          voucher_id=stored.id if stored else None, recorded_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "spending.record", project, {
        "budget_line": [None, line.category], "amount": [None, f"{amount:.2f}"],
        "spent_on": [None, spent_on.isoformat()], "description": [None, entry.description],
        "voucher": [None, stored.original_name if stored else None]})
    db.session.flush()
    return entry
