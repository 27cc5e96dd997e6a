"""Correcting what was recorded about a company, never by editing or deleting it: a share entry
is undone by a reversing entry, a founders' table with nothing after it is voided whole (to be
entered again), HQ detaches a company from a project it was wrongly recorded against, and
records what was paid for an issue recorded without it. Each takes the acting user and a
reason, audits and flushes; the view commits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import db, reversals
from tracker.audit import services as audit
from tracker.companies import closed, ledger, prerequisites
from tracker.companies.detachment_models import CompanyDetachment
from tracker.companies.models import (
    Acquisition,
    Company,
    CompanyExit,
    EntryKind,
    FinancingRound,
    ShareEntry,
)
from tracker.companies.reversal_models import ExitReversal, RoundReversal
from tracker.companies.services import managers_only, require_manager
from tracker.corrections import corrected, reason_of
from tracker.display.formatting import day, money, number, plural
from tracker.display.said import joined
from tracker.errors import Invalid, NotFound, Problems, Refused, require
from tracker.funding.conversion_models import ConversionReversal
from tracker.funding.models import Conversion, FundingAgreement, conversion_stands
from tracker.incentives import reserve

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.projects.models import Project


def reversal_of(actor: User, entry: ShareEntry, on: date, reason: str) -> ShareEntry:
    reversal = ShareEntry(
        kind=entry.kind, on_date=on, shares=-entry.shares, from_holder=entry.from_holder,
        to_holder=entry.to_holder, acquired_by=entry.acquired_by, technology=entry.technology,
        lock_up_until=entry.lock_up_until, round_id=entry.round_id, ip_deal_id=entry.ip_deal_id,
        note=entry.note,
        reverses_id=entry.id, reason=reason, recorded_by_id=actor.id)
    entry.company.entries.append(reversal)
    return reversal


def no_holding_below_zero(company: Company, on: date) -> None:
    """After reversing an entry of `on` (it drops out of every cap table, `ledger.standing`),
    nobody may hold fewer than no shares on that or any later date (the shares of a reversed
    issuance may have been transferred on since), and no incentive pool fewer than its
    options outstanding (`tracker.incentives.reserve`)."""
    for when in sorted({on} | {e.on_date for e in company.entries if e.on_date >= on}):
        table = ledger.cap_table(company, when)
        short = next((h for h in table.rows if h.shares < 0), None)
        if short is not None:
            # A refusal above the form, not beside the date: no date of the reversal helps.
            raise Refused(ngettext(
                "%(name)s would hold %(shares)s share on %(date)s: the shares reversed were "
                "passed on by a later entry; reverse that one first.",
                "%(name)s would hold %(shares)s shares on %(date)s: the shares reversed were "
                "passed on by a later entry; reverse that one first.",
                plural(short.shares), name=short.holder.shown_name,
                shares=number(short.shares), date=day(when)))
    reserve.no_pool_below_promised(company, on)


def later_round(company: Company, entries: list[ShareEntry],
                financing: FinancingRound | None = None) -> FinancingRound | None:
    """The first standing round (but `financing`) on or after the issue among `entries`: it
    was priced on the shares they issued."""
    issued_on = min((e.on_date for e in entries if e.kind is EntryKind.ISSUE), default=None)
    return next((r for r in company.rounds if r is not financing and r.reversal is None
                 and r.on_date >= issued_on), None) if issued_on is not None else None


def round_priced_on(company: Company, entries: list[ShareEntry],
                    financing: FinancingRound | None = None) -> str | None:
    """Issued shares priced every round after them (price = pre-money / shares outstanding):
    reversing them would leave a standing later round priced on shares that never were, so
    that round is reversed first."""
    if (later := later_round(company, entries, financing)) is not None:
        return _("The round %(name)s of %(date)s was priced on these shares: reverse it "
                 "first.", name=later.name, date=day(later.on_date))
    return None


def no_round_priced_on(company: Company, entries: list[ShareEntry],
                       financing: FinancingRound | None = None) -> None:
    if (said := round_priced_on(company, entries, financing)) is not None:
        raise Refused(said)


def entry_refusal(entry: ShareEntry) -> str | None:
    """Why the entry can't be reversed (as `ShareEntry.can_reverse` has it, for a manager),
    for the service's refusal and its page, which offers no form; None when it can."""
    if entry.round_id is not None or entry.acquired_by in (Acquisition.CONVERSION,
                                                           Acquisition.INCENTIVE):
        return _("These shares came with a financing round, a conversion or an equity "
                 "incentive: they are not reversed one by one.")
    if entry.company.standing_exits:
        return closed.exited(entry.company)
    if not entry.standing:
        return reversals.refusal(entry, "on_date")
    return round_priced_on(entry.company, [entry])


def ledger_offers(company: Company, user: User) -> dict[str, set[int] | bool]:
    """What the company's page offers the user on its ledger: the ids of the entries, rounds
    and exits they may reverse, of the entries whose payment they may record, and whether
    they may void the founders' table; each theirs to do, no state refusing it."""
    return {"may_void": (company.can_void_founders(user)
                         and founders_void_refusal(company) is None),
            "paid_recordable": {e.id for e in company.entries
                                if e.can_record_paid(user) and paid_refusal(e) is None},
            "reversible": reversals.offered_to(user, company.entries, entry_refusal),
            "reversible_rounds": reversals.offered_to(user, company.rounds, round_refusal),
            "reversible_exits": reversals.offered_to(user, company.exits, exit_refusal)}


def paid_refusal(entry: ShareEntry) -> str | None:
    """Why what was paid can't be recorded for the entry (for the service and its page, which
    offers no form); None for a standing issue typed in without it (recorded before migration
    0097 asked it), whose shares then count in HQ's cost and multiple (`ledger.hq_basis`)."""
    if entry.round_id is not None or entry.acquired_by in (Acquisition.CONVERSION,
                                                           Acquisition.INCENTIVE):
        return _("These shares came with a financing round, a conversion or an equity "
                 "incentive: what was paid for them is recorded there.")
    if entry.kind is not EntryKind.ISSUE:
        return _("A transfer issues no shares: what was paid is recorded for an issue.")
    if not entry.standing:
        return reversals.refusal(entry, "on_date")
    if entry.paid is not None:
        return _("What was paid for these shares is recorded already: %(amount)s. To change "
                 "it, reverse the entry with a reason and record the issue again.",
                 amount=money(entry.paid))
    return None


def _lock(entry: ShareEntry) -> None:
    """The company's ledger locked, and the entry read again (reversed meanwhile?)."""
    db.lock(entry.company)
    db.session.refresh(entry)
    db.session.expire(entry, ["reversed_by"])


def record_paid(actor: User, entry: ShareEntry, paid: Decimal | None,
                reason: str | None) -> ShareEntry:
    """What was paid for an issue recorded without it (issue 9: its company's multiple read
    "Partial cost" for good), audited with why (`shares.record_paid`), once."""
    require(Company.can_manage(actor), lambda: paid_refusal(entry), managers_only(),
            lock=lambda: _lock(entry))
    problems = Problems()
    if paid is None or paid < 0:
        problems.add("paid", _("Give what was paid: the cash, or the agreed value of the IP "
                               "or asset contributed."))
    reason = reason_of(problems, reason, _("Say why it is recorded now."))
    problems.raise_any()
    entry.paid = paid
    corrected(actor, "shares.record_paid", entry, reason)
    db.session.flush()
    return entry


def round_refusal(financing: FinancingRound) -> str | None:
    """Why the round can't be reversed (the ledger closed, reversed already, money converted
    at it); None when it can."""
    company = financing.company
    if company.standing_exits:
        return closed.exited(company)
    if financing.reversal is not None:
        return reversals.reversed_on(financing.reversal.on_date)
    # Its conversions as loaded with the ledger (`holdings.with_ledger`): a page asks each
    # round without a statement of its own; the service reads them afresh (`reverse_round`).
    converted = next((c for c in financing.conversions if c.reversal is None), None)
    if converted is not None:
        return prerequisites.conversion_first(converted, _("the round %(name)s",
                                                           name=financing.name))
    return None


def exit_refusal(exit_: CompanyExit) -> str | None:
    return reversals.reversed_on(exit_.reversal.on_date) if exit_.reversal is not None else None


def reverse_entry(actor: User, entry: ShareEntry, on: date, reason: str) -> ShareEntry:
    """An issuance or a transfer recorded by mistake, undone: with its reversal it counts in no
    cap table, on any date (`ledger.standing`); `on` says when the mistake was corrected."""
    require_manager(actor)
    company = entry.company
    reason = reversals.begin(entry, company, entry_refusal, "on_date", on, reason)
    reversal = reversal_of(actor, entry, on, reason)
    changes = audit.pending_changes(reversal)  # its values, before the flush writes them
    db.session.flush()
    no_holding_below_zero(company, entry.on_date)
    audit.record(actor, "shares.reverse", reversal, changes)
    return reversal


def reverse_round(actor: User, financing: FinancingRound, on: date,
                  reason: str) -> RoundReversal:
    """A round recorded by mistake: its investors' shares are reversed (in no cap table, on any
    date), and it no longer sets a price, qualifies for a conversion or counts as money raised."""
    company = financing.company

    def make(stated: dict) -> tuple[RoundReversal, dict]:
        no_round_priced_on(company, [i.entry for i in financing.investments], financing)
        for investment in financing.investments:
            reversal_of(actor, investment.entry, on, stated["reason"])
        db.session.flush()
        no_holding_below_zero(company, financing.on_date)
        reversal = RoundReversal(round=financing, **stated)
        return reversal, {"round_id": [None, financing.id], **reversals.dated(reversal)}

    return reversals.record(
        actor, financing, on, reason, may=Company.can_manage(actor), forbidden=managers_only(),
        under=company, stale=("reversal", "conversions"), refusal=round_refusal,
        when="on_date", make=make, action="round.reverse")


def reverse_exit(actor: User, exit_: CompanyExit, on: date, reason: str) -> ExitReversal:
    """An exit recorded by mistake: the company is no longer exited from `on` on, its ledger
    reopens, and what HQ and the institute realised by it is no longer counted."""
    def make(stated: dict) -> tuple[ExitReversal, dict]:
        reversal = ExitReversal(exit=exit_, **stated)
        return reversal, {"exit_id": [None, exit_.id], **reversals.dated(reversal)}

    return reversals.record(
        actor, exit_, on, reason, may=Company.can_manage(actor), forbidden=managers_only(),
        under=exit_.company, refusal=exit_refusal, when="on_date", make=make,
        action="exit.reverse")


def described(entry: ShareEntry) -> str:
    """A line of the ledger in a sentence, for a refusal that names it."""
    on, to = day(entry.on_date), entry.to_holder.shown_name
    count, shares = plural(abs(entry.shares)), number(abs(entry.shares))
    if entry.reverses_id is not None:
        return ngettext("%(date)s: the reversal of %(shares)s share of %(holder)s.",
                        "%(date)s: the reversal of %(shares)s shares of %(holder)s.", count,
                        date=on, shares=shares, holder=to)
    if entry.round_id is not None:
        said = ngettext("%(date)s: %(shares)s share to %(holder)s in the round %(round)s.",
                        "%(date)s: %(shares)s shares to %(holder)s in the round %(round)s.",
                        count, date=on, shares=shares, holder=to, round=next(
                            r.name for r in entry.company.rounds if r.id == entry.round_id))
    elif entry.kind is EntryKind.TRANSFER:
        said = ngettext(
            "%(date)s: a transfer of %(shares)s share from %(source)s to %(holder)s.",
            "%(date)s: a transfer of %(shares)s shares from %(source)s to %(holder)s.", count,
            date=on, shares=shares, source=entry.from_holder.shown_name, holder=to)
    else:
        said = ngettext("%(date)s: an issue of %(shares)s share to %(holder)s.",
                        "%(date)s: an issue of %(shares)s shares to %(holder)s.", count,
                        date=on, shares=shares, holder=to)
    if entry.reversed_by is None:
        return said
    return joined(" ", [said, _("Reversed on %(date)s, it still came after the table.",
                                date=day(entry.reversed_by.on_date))])


def founders_void_refusal(company: Company) -> str | None:
    """Why the founders' table can't be voided whole (`Company.can_void_founders`), naming
    what came after it, for the service's refusal and its page, which then offers no form;
    None when it can be."""
    table = company.founders_table()
    if not table:
        return _("%(name)s has no founders' table to void: record the cap table at "
                 "incorporation.", name=company.name)
    if company.standing_exits:
        return closed.exited(company)
    later = company.after_founders()
    if not later:
        return None
    return joined(" ", [
        ngettext("The founders' table of %(date)s is voided whole only while nothing came "
                 "after it, and the ledger has %(num)d entry after it:",
                 "The founders' table of %(date)s is voided whole only while nothing came "
                 "after it, and the ledger has %(num)d entries after it:", len(later),
                 date=day(table[0].on_date)), *[described(e) for e in later],
        _("Correct the table's lines one by one instead: each can be reversed, with a reason, "
          "from the company's ledger.")])


def void_founders(actor: User, company: Company, reason: str) -> list[ShareEntry]:
    """The founders' table, when nothing came after it, reversed on its own date: it never
    counted, and the cap table at incorporation can be entered again."""
    require(Company.can_manage(actor), lambda: founders_void_refusal(company),
            managers_only(), lock=lambda: db.lock(company, "entries", "exits"))
    if not reason.strip():
        raise Invalid("reason", _("Say why the record is reversed."))
    standing = [e for e in company.entries if e.standing]
    voided = [reversal_of(actor, e, e.on_date, reason.strip()) for e in standing]
    audit.record(actor, "company.void_founders", company, {
        "cap_table": [[[e.to_holder.name, str(e.shares)] for e in standing], None],
        "on": [standing[0].on_date.isoformat(), None], "reason": [None, reason.strip()]})
    db.session.flush()
    reserve.no_pool_below_promised(company, standing[0].on_date)
    return voided


def _converted(company: Company) -> frozenset[int]:
    """The projects whose allocation-investment money stands converted into shares of
    `company`: read once a transaction however many of its projects a page asks about."""
    return db.cached(
        f"converted_projects_{company.id}",
        frozenset({Conversion.__tablename__, ConversionReversal.__tablename__}),
        lambda: frozenset(db.session.scalars(
            select(FundingAgreement.project_id)
            .join(Conversion, Conversion.agreement_id == FundingAgreement.id)
            .join(FinancingRound, FinancingRound.id == Conversion.round_id)
            .where(FinancingRound.company_id == company.id, conversion_stands(Conversion.id)))))


def detach_refusal(company: Company, project: Project) -> str | None:
    """Why HQ (`Company.can_detach`) can't detach `company` from `project`, one of its projects:
    it is the only one the company comes from, or its money was converted into the company's
    shares; None when they can. The service refuses by it, the company page offers Detach by
    it and the form's page answers it before the form."""
    if len(company.projects) == 1:
        return _("%(project)s is the only project %(company)s comes from: add the right "
                 "project to the company first, then detach this one.",
                 project=project.name, company=company.name)
    if project.id in _converted(company):
        return _("The allocation-investment money of %(project)s was converted into shares of "
                 "%(company)s: the project stays with the company.",
                 project=project.name, company=company.name)
    return None


def detach_project(actor: User, company: Company, project: Project,
                   reason: str) -> CompanyDetachment:
    """HQ takes a company off a project it was wrongly recorded against; the company keeps its
    other projects, and the detachment (who, when, why) stays on both pages."""
    if project not in company.projects:
        raise NotFound()
    require(Company.can_detach(actor), lambda: detach_refusal(company, project),
            _("Only HQ admins detach a company from a project."))
    if not reason.strip():
        raise Invalid("reason", _("Say why the company is detached from the project."))
    before = [p.code for p in company.projects]
    company.projects.remove(project)
    detachment = CompanyDetachment(company_id=company.id, project_id=project.id,
                                   reason=reason.strip(), detached_by_id=actor.id)
    db.session.add(detachment)
    audit.record(actor, "company.detach", company, {
        "projects": [before, [p.code for p in company.projects]],
        "reason": [None, reason.strip()]})
    db.session.flush()
    return detachment


def detachments_of(company: Company | None = None,
                   project: Project | None = None) -> list[CompanyDetachment]:
    query = select(CompanyDetachment).order_by(CompanyDetachment.detached_at)
    if company is not None:
        query = query.where(CompanyDetachment.company_id == company.id)
    if project is not None:
        query = query.where(CompanyDetachment.project_id == project.id)
    return list(db.session.scalars(query))
