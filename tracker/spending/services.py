"""Recording what a project spent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db, reversals
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Problems, Refused, require
from tracker.files import services as files
from tracker.money import cents
from tracker.projects.closed import plan_refusal
from tracker.projects.models import BudgetLine, Project
from tracker.spending.models import SpendingEntry


def record_spending(actor: User, project: Project, *, budget_line_id: int, spent_on: date,
                    amount: Decimal, description: str,
                    voucher: tuple[IO[bytes], str] | None = None) -> SpendingEntry:
    """One expense against one of the project's budget lines. Spending over a line's amount is
    recorded (it happened) once the PM has confirmed it (the view's confirmation step,
    `tracker.spending.previews`), and warned about on the project's pages, never refused."""
    require(SpendingEntry.can_record(actor, project), lambda: plan_refusal(project))
    db.lock(project)  # two expenses at once can't both pass
    spent = _spent(project)
    if (said := all_spent(project, spent)) is not None:
        raise Refused(said)
    problems = Problems()  # every problem at once, each beside its field
    line = db.session.get(BudgetLine, budget_line_id)
    if line is None or line.project_id != project.id:
        problems.add("budget_line_id", _("Choose one of the project's budget lines."))
    if amount <= 0 or cents(amount) != amount:
        problems.add("amount", _("Give an amount of more than zero, in yuan and fen."))
    else:
        _within_approved_total(project, amount, spent, problems)
    if spent_on > today():
        problems.add("spent_on", _("Spending is recorded once made: this date is ahead."))
    elif spent_on < project.start_date:
        problems.add("spent_on", _("This date is before the project started (%(date)s).",
                                   date=day(project.start_date)))
    if not description.strip():
        problems.add("description", _("Say what the money was spent on."))
    problems.raise_any()
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


def record_refusal(project: Project) -> str | None:
    """Why its PM records no spending on `project` now (the service refuses, the spending page
    says it in place of its form): its plan not running (`plan_refusal`), or its approved total
    all spent; None when an expense can be recorded."""
    return plan_refusal(project) or all_spent(project)


def _spent(project: Project) -> Decimal:
    return Decimal(db.session.scalar(
        select(func.coalesce(func.sum(SpendingEntry.amount), 0))
        .where(SpendingEntry.project_id == project.id)) or 0)


def all_spent(project: Project, spent: Decimal | None = None) -> str | None:
    """Why any expense would only be refused: the project's approved total is spent whole
    (an expense is more than zero, and the spending stays within the total); None while part
    of it is left. `spent`: what is spent on it, when the caller has read it."""
    if spent is None:
        spent = _spent(project)
    if spent < project.budget_total:
        return None
    return _("%(spent)s is spent, all of the project's approved total: spending beyond it needs "
             "a budget change approved first (“Change the budget total”, under Changes to the "
             "plan).", spent=cny(spent))


def _within_approved_total(project: Project, amount: Decimal, spent: Decimal,
                           problems: Problems) -> None:
    """A line may be overspent (confirmed, then warned about), the project's approved total may
    not: money beyond it needs a budget change approved first (`tracker.changes`). The caller
    has locked the project's row, so that two expenses recorded at once can't both pass, and
    read what is `spent` on it since."""
    if spent + amount > project.budget_total:
        problems.add("amount", _(
            "The project's approved total is %(approved)s and %(spent)s is already spent: this "
            "expense would make it %(after)s. Spending beyond the approved total needs a budget "
            "change approved first.", approved=cny(project.budget_total), spent=cny(spent),
            after=cny(spent + amount)))


def line_after(entry: SpendingEntry) -> tuple[BudgetLine, Decimal]:
    """The line `entry` is spent against and what has been spent against it with `entry` (the
    confirmation step of an overspend reads it in the dry run's savepoint)."""
    spent = db.session.scalar(select(func.coalesce(func.sum(SpendingEntry.amount), 0)).where(
        SpendingEntry.budget_line_id == entry.budget_line_id)) or Decimal("0")
    return entry.budget_line, Decimal(spent)


def spending_refusal(entry: SpendingEntry) -> str | None:
    """Why it can't be reversed, for the service's refusal and the form's page (which offers
    no form then: `tracker.web.corrections.offered`); None when it can."""
    if (said := plan_refusal(entry.project)) is not None:
        return said
    return reversals.refusal(entry, "spent_on")


def reverse_spending(actor: User, entry: SpendingEntry, on: date, reason: str) -> SpendingEntry:
    """A spending entry recorded by mistake is undone by a reversing entry of the negated
    amount, dated `on`; both stay on the project's spending page, and every sum follows."""
    return reversals.reverse(
        actor, entry, on, reason, when="spent_on", refusal=spending_refusal,
        under=entry.project,
        negated=_negated, action="spending.reverse", about=entry.project,
        said=lambda _reversal: {
            "budget_line": [entry.budget_line.category, None],
            "amount": [f"{entry.amount:.2f}", None],
            "spent_on": [entry.spent_on.isoformat(), None],
            "description": [entry.description, None],
            # A wrong voucher goes with its entry (issue 9 point 5): the history names it.
            "voucher": [entry.voucher.original_name if entry.voucher else None, None]})


def _negated(entry: SpendingEntry, linked: dict) -> SpendingEntry:
    reversal = SpendingEntry(project_id=entry.project_id, budget_line_id=entry.budget_line_id,
                             amount=-entry.amount, description=entry.description, **linked)
    db.session.add(reversal)
    return reversal
