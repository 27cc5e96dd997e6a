"""A spin-off's licence or assignment of IP recorded entirely by mistake is voided, with the
reason, by whoever records them (HQ admins and the investment committee), the way a contract
or an agreement is (`tracker.voids`): it stays on the company's page and in the history,
marked voided, and counts for nothing (the spin-off gate's IP, the register's deals).

Only while nothing depends on it: shares it issued on the cap table that stand (reverse them
on the company's page first), or a deal of the register that names it as its record, with the
income and royalty reports recorded under that one (reversed there first, then the register's
deal corrected to name no spin-off deal). `void_refusal` names the first and links to it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import db, voids
from tracker.achievements.deal_models import Transfer
from tracker.companies.ip_models import IpDeal
from tracker.companies.services import require_manager
from tracker.display.formatting import day, share_count
from tracker.voids import Blocker

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.companies.models import Company


def _named_by(deal: IpDeal) -> Transfer | None:
    return db.session.scalar(select(Transfer).where(Transfer.ip_deal_id == deal.id,
                                                    Transfer.standing()))


def void_refusal(deal: IpDeal) -> Blocker | None:
    """Why the deal can't be voided (voided already; its shares standing; a deal of the
    register naming it); None when nothing depends on it."""
    if (said := voids.refusal(deal)) is not None:
        return Blocker(said)
    issued = [e for e in deal.share_entries if e.reversed_by is None]
    if issued:
        return Blocker(ngettext(
            "This deal issued %(shares)s on the cap table of %(company)s in an entry that "
            "stands: reverse it first (with the reason), then void the deal.",
            "This deal issued %(shares)s on the cap table of %(company)s in %(num)d entries "
            "that stand: reverse them first (with the reason), then void the deal.",
            len(issued), company=deal.company.name,
            shares=share_count(sum((e.shares for e in issued), Decimal(0)))),
            "companies.reverse_entry", {"entry_id": issued[0].id}, _("Reverse the shares"))
    transfer = _named_by(deal)
    if transfer is None:
        return None
    named = {"enterprise": transfer.enterprise.shown("name"),
             "title": transfer.achievement.title, "date": day(transfer.signed_on)}
    if transfer.standing_receipts or transfer.standing_reports:
        return Blocker(_(
            "The register's deal with %(enterprise)s of “%(title)s” (%(date)s) names this one "
            "as its record, and income or royalty reports recorded under it stand: reverse "
            "them there first, then correct that deal to name no spin-off deal, then void "
            "this one.", **named), "transfers.show", {"transfer_id": transfer.id},
            _("The register's deal"))
    return Blocker(_(
        "The register's deal with %(enterprise)s of “%(title)s” (%(date)s) names this one as "
        "its record: correct that deal to name no spin-off deal first, then void this one.",
        **named), "transfers.edit", {"transfer_id": transfer.id}, _("Correct that deal"))


def void_ip_deal(actor: User, deal: IpDeal, reason: str) -> IpDeal:
    """A licence or assignment recorded by mistake counts no more: it stays, marked voided
    with the reason, on the company's page and in its history."""
    require_manager(actor)
    db.lock(deal.company, "entries")  # as a reversal of its shares
    return voids.void(actor, deal, reason, "ip.void",
                      _("Say why the licence or assignment is voided."), refusal=void_refusal)


def correction_refusal(deal: IpDeal) -> str | None:
    """Why the deal is not corrected (its form refused before it is drawn, 409, and the
    company's page offers no "Correct"): it was voided (when, why; its line says so); None
    while it stands (whoever may: `IpDeal.can_correct`)."""
    return voids.refusal(deal)


def offers(user: User, company: Company) -> dict:
    """What the company's IP table offers `user` on each deal: the deals to correct
    (`correctable_deals`) and to void, each with what keeps it (`deal_blockers`)."""
    return {"correctable_deals": {d.id for d in company.ip_deals if d.can_correct(user)
                                  and correction_refusal(d) is None},
            "deal_blockers": offered(user, company)}


def offered(user: User, company: Company) -> dict[int, Blocker | None]:
    """The company's deals the user may void, each with what keeps it (None: the form is
    offered); a voided deal's line says it was."""
    return {d.id: void_refusal(d) for d in company.ip_deals if d.can_void(user) and not d.is_void}
