"""What HQ admins and the investment committee do to a spin-off company: record it, write its
cap table at incorporation, issue and transfer shares (rounds, IP deals and exits are
tracker/companies/deals.py; what an entry of the ledger must say, ledger_checks.py).

Each function takes the acting user, validates, changes, audits and flushes; the view commits.
A refusal says which rule and what the numbers were, and nothing is changed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import db
from tracker.audit import services as audit
from tracker.companies import closed, holder_names, ledger, prerequisites
from tracker.companies.holder_names import check_holders, holder_for
from tracker.companies.issuance import founders_lines, incorporated, issue_entries
from tracker.companies.ledger_checks import (
    check_dated,
    check_incorporation,
    check_lock_up,
    first_event_date,
    shortfall_warnings,
)
from tracker.companies.lines import IssueLine, check_line
from tracker.companies.models import (
    Acquisition,
    Company,
    EntryKind,
    HolderType,
    ShareEntry,
    Shareholder,
    company_projects,
)
from tracker.dates import today
from tracker.display.formatting import before_stop, day, number, plural
from tracker.errors import Forbidden, Problems, Refused
from tracker.incentives import reserve
from tracker.organisations.services import check_uscc
from tracker.projects.models import Project

if TYPE_CHECKING:
    from tracker.accounts.models import User


def managers_only() -> str:
    """Why whoever does not record companies is refused (403)."""
    return _("Only HQ admins and the investment committee record companies.")


def require_manager(actor: User) -> None:
    if not Company.can_manage(actor):
        raise Forbidden(managers_only())


def company_of(project: Project) -> Company | None:
    return db.session.scalar(select(Company).join(company_projects).where(
        company_projects.c.project_id == project.id))


# --- the company ---------------------------------------------------------------------------------


def _company_has(code: str, company: Company | None) -> bool:
    """Whether another company than `company` has the credit code."""
    taken = db.session.scalar(select(Company.id).where(Company.uscc == code))
    return taken is not None and (company is None or taken != company.id)


def check_company(company: Company | None, values: dict[str, Any]) -> list[Project]:
    """Every problem of the company's values at once (`Problems`), each beside its field;
    the projects it names. Asked by `record_company`, `update_company` and the companies
    import's bulk path."""
    problems = Problems()
    code = check_uscc(values, problems, lambda code: _company_has(code, company),
                      _("Another company already has this code."))
    registered_on = values.get("registered_on")
    if (code is None) != (registered_on is None):
        problems.add("uscc" if code is None else "registered_on", _(
            "A registration has both the unified social credit code and the registration date."))
    if registered_on is not None:
        first = first_event_date(company) if company is not None else None
        if registered_on > today():
            problems.add("registered_on", _("%(date)s is in the future.", date=day(registered_on)))
        elif first is not None and registered_on > first:
            problems.add("registered_on", _(
                "The company's ledger starts on %(date)s: it was registered by then.",
                date=day(first)))
    elif company is not None and first_event_date(company) is not None:
        problems.add("registered_on", _("The company has a ledger: its registration stays."))
    capital = values.get("registered_capital")
    if capital is not None and capital < 0:
        problems.add("registered_capital", _("The amount cannot be negative."))
    project_ids = values.pop("project_ids", None) or []
    projects = list(db.session.scalars(select(Project).where(Project.id.in_(project_ids))))
    if not project_ids:
        problems.add("project_ids", _("Name the project(s) the company comes from."))
    elif len(projects) != len(set(project_ids)):
        problems.add("project_ids", _("Choose projects among those listed."))
    linked = {p.id for p in company.projects} if company is not None else set()
    for project in projects:
        if project.id not in linked and (missing := prerequisites.not_a_spin_off_source(project)):
            problems.add("project_ids", missing)
        other = company_of(project)
        if other is not None and other is not company:
            problems.add("project_ids", _("%(project)s already spun off %(company)s.",
                                          project=project.code,
                                          company=before_stop(other.name)))
    if company is not None:
        for dropped in (p for p in company.projects if p not in projects):
            problems.add("project_ids", _(
                "%(project)s is taken off the company only by detaching it, with a reason, from "
                "the company's page.", project=dropped.name))
    problems.raise_any()
    return projects


def new_company(values: dict[str, Any], projects: list[Project]) -> tuple[Company, dict]:
    """The company `values` (checked: `check_company`) describe, of `projects`, not yet in
    the session, and what its audit record of creation says (for `record_company`, and for
    the companies import's bulk path, which writes it with others)."""
    company = Company(**values)
    changes = audit.pending_changes(company)
    company.projects = projects
    changes["projects"] = [None, [p.code for p in projects]]
    return company, changes


def record_company(actor: User, **values: Any) -> Company:
    """A new spin-off company: name, registration (optional until registered), projects."""
    require_manager(actor)
    company, changes = new_company(values, check_company(None, values))
    audit.record(actor, "company.create", company, changes)
    db.session.flush()
    return company


def update_company(actor: User, company: Company, **values: Any) -> Company:
    require_manager(actor)
    projects = check_company(company, values)
    before = [p.code for p in company.projects]
    for key, value in values.items():
        setattr(company, key, value)
    changes = audit.pending_changes(company)
    company.projects = projects
    after = [p.code for p in projects]
    if before != after:
        changes["projects"] = [before, after]
    audit.record_if_changed(actor, "company.update", company, changes)
    db.session.flush()
    return company


# --- holders and the ledger ----------------------------------------------------------------------


def issue_entry(actor: User, company: Company, holder: Shareholder, shares: Decimal, on: date,
                acquired_by: Acquisition, *, technology: str = "",
                lock_up_until: date | None = None, round_id: int | None = None,
                ip_deal_id: int | None = None, note: str = "",
                paid: Decimal | None = None) -> ShareEntry:
    """One issuance on the ledger, audited (the callers have checked it)."""
    line = IssueLine(holder.name, holder.kind, shares, acquired_by, technology, lock_up_until,
                     paid=paid)
    return issue_entries(actor, company, [(holder, line)], on, round_id=round_id,
                         ip_deal_id=ip_deal_id, note=note)[0]


def incorporate(actor: User, company: Company, lines: list[IssueLine], on: date,
                total_shares: Decimal) -> list[str]:
    """Write the cap table at incorporation (`check_incorporation`); returns the warnings
    about it (contributors)."""
    require_manager(actor)
    check_incorporation(company, lines, on, total_shares)
    issue_entries(actor, company, founders_lines(company, lines), on)
    audit.record(actor, "company.incorporate", company, incorporated(lines, on))
    db.session.flush()
    return shortfall_warnings([(line.kind, line.shares, line.acquired_by, line.technology)
                               for line in lines])


def cap_table_refusal(company: Company) -> str | None:
    """Why nothing is recorded on the company's ledger (no cap table yet, or its exit closed
    it); None while something can be."""
    if not company.has_cap_table:
        return _("%(name)s has no cap table yet: record it at incorporation first.",
                 name=company.name)
    return closed.exited(company)


def require_cap_table(company: Company) -> None:
    if (said := cap_table_refusal(company)) is not None:
        raise Refused(said)


def issue_shares(actor: User, company: Company, line: IssueLine, on: date,
                 note: str = "") -> ShareEntry:
    """New shares after incorporation (a capital increase, the incentive pool topped up)."""
    require_manager(actor)
    require_cap_table(company)
    problems = Problems()  # every problem at once, each beside its field
    problems.collect(check_dated, company, "on_date", on)
    check_line(line, "", problems)
    problems.collect(check_lock_up, line.name, on, line.lock_up_until, "lock_up_until")
    if "name" not in problems:
        problems.collect(check_holders, company, [(line.name, line.kind, "name")])
    problems.raise_any()
    holder = holder_for(company, line.name, line.kind)
    entry = issue_entry(actor, company, holder, line.shares, on, line.acquired_by,
                        technology=line.technology, lock_up_until=line.lock_up_until, note=note,
                        paid=line.paid)
    db.session.flush()
    return entry


def transfer_shares(actor: User, company: Company, source: Shareholder, name: str,
                    kind: HolderType, shares: Decimal, on: date, *,
                    lock_up_until: date | None = None, note: str = "") -> ShareEntry:
    require_manager(actor)
    require_cap_table(company)
    problems = Problems()  # every problem at once, each beside its field
    problems.collect(check_dated, company, "on_date", on)
    problems.collect(check_lock_up, name, on, lock_up_until, "lock_up_until")
    if source.company_id != company.id:
        problems.add("from_holder_id", _("Choose a holder of this company."))
    if shares is None or shares <= 0 or shares != shares.to_integral_value():
        problems.add("shares", _("Shares are whole numbers above zero; %(n)s was given.",
                                 n=shares))
    if holder_names.find([source], name) is source:
        problems.add("name", _("A holder does not transfer shares to itself."))
    else:
        problems.collect(check_holders, company, [(name, kind, "name")])
    # What the holder may give is read on the date: only with a sound date, holder and number.
    if not any(field in problems for field in ("on_date", "from_holder_id", "shares")):
        held = ledger.lowest_balance_from(company, source.id, on)
        locked = ledger.locked(company, source.id, on)
        if shares > held:
            problems.add("shares", ngettext(
                "%(name)s holds %(held)s share from %(date)s on; a transfer of %(shares)s "
                "would leave a negative holding.",
                "%(name)s holds %(held)s shares from %(date)s on; a transfer of %(shares)s "
                "would leave a negative holding.", plural(held), name=source.shown_name,
                held=number(held), date=day(on), shares=number(shares)))
        elif shares > reserve.transferable(company, source, on):
            problems.add("shares", reserve.reserved_sentence(company, source, on))
        elif shares > held - locked:
            problems.add("shares", _(
                "%(locked)s of %(name)s's shares are locked up on %(date)s: at most %(free)s "
                "can be transferred, not %(shares)s.", locked=number(locked),
                name=source.shown_name,
                date=day(on), free=number(max(held - locked, Decimal("0"))),
                shares=number(shares)))
    problems.raise_any()
    target = holder_for(company, name, kind)
    entry = ShareEntry(kind=EntryKind.TRANSFER, on_date=on, shares=shares, from_holder=source,
                       to_holder=target, acquired_by=Acquisition.CASH,
                       lock_up_until=lock_up_until, note=note, recorded_by_id=actor.id)
    company.entries.append(entry)
    changes = audit.pending_changes(entry)
    changes["holders"] = [None, [source.name, target.name]]
    audit.record(actor, "shares.transfer", entry, changes)
    db.session.flush()
    return entry


# --- the spin-off gate (listed in tracker/projects/guards.py) ------------------------------------


def spin_off_refusal(project: Project) -> str | None:
    """What is missing before gate 4: a registered company, a cap table that accounts for
    every issued share, a licence or assignment of the project's IP."""
    company = company_of(project)
    if company is None:
        return _("Record the spin-off company of this project first.")
    missing = [sentence for sentence in [prerequisites.not_registered(company)] if sentence]
    table = ledger.cap_table(company, today())
    problem = ledger.problem(table)
    if problem == "empty":
        missing.append(_("%(name)s has no cap table: record the shares issued at "
                         "incorporation.", name=company.name))
    elif problem == "unbalanced":
        missing.append(_("The cap table of %(name)s does not account for every issued share: "
                         "%(issued)s issued, %(held)s held.", name=company.name,
                         issued=number(table.issued), held=number(table.held)))
    if not any(deal.project_id == project.id and not deal.is_void for deal in company.ip_deals):
        missing.append(_("Record a licence or assignment of this project's IP to %(name)s.",
                         name=company.name))
    return " ".join(missing) or None
