"""A spin-off's IP deal and the register's transfer: a deal with a spin-off is recorded twice
(tracker/achievements/deal_models.py), the company's `IpDeal` for its cap table and the
register's `Transfer` for what the institute earns and owes its contributors (article 45).
The deal figures count the register's transfers only (one record per deal, never twice): a
company's deal not yet named by a transfer is said wherever either record is shown, with the
way to record the other (`unrecorded`, `prefill`)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.achievements import withdrawals
from tracker.achievements.deal_models import Transfer, TransferKind
from tracker.achievements.models import Achievement
from tracker.companies.ip_models import IP_DEAL_KIND_RECORDED, IpDeal, IpDealKind
from tracker.organisations.models import Enterprise
from tracker.projects.models import Project
from tracker.reports.filters import Filters


def transfer_of(deal: IpDeal) -> Transfer | None:
    """The register's transfer naming `deal`; None while it is not in the register."""
    return db.session.scalar(select(Transfer).where(Transfer.ip_deal_id == deal.id))


def transfers_of(deals: Iterable[IpDeal]) -> dict[int, Transfer]:
    """The register's transfers naming any of `deals`, by the deal's id."""
    return {t.ip_deal_id: t for t in db.session.scalars(
        select(Transfer).where(Transfer.ip_deal_id.in_([d.id for d in deals])))}


def may_record(user: User, achievement: Achievement) -> bool:
    """Whether a company deal of `achievement` is offered to `user` to record in the register's
    transfers: who may (`Transfer.can_manage`) and when (`withdrawals.withdrawn_refusal`:
    nothing more is recorded for a withdrawn achievement), as `transfers.new` checks both.
    The achievement's and the company's pages ask it."""
    return Transfer.can_manage(user) and withdrawals.withdrawn_refusal(achievement) is None


def recordable(user: User, deals: Iterable[IpDeal], named: dict[int, Transfer]) -> set[int]:
    """The ids of `deals` whose transfer `user` is offered to record: standing, named by no
    transfer yet (`named`: `transfers_of` them) and of an achievement `may_record`."""
    return {d.id for d in deals if not d.is_void and d.id not in named
            and d.achievement is not None and may_record(user, d.achievement)}


def of_achievement(achievement: Achievement, user: User) -> list[tuple[IpDeal, Transfer | None]]:
    """Every standing company deal of `achievement` whose company `user` sees, with the
    register's transfer naming it (None: not in the register's transfers)."""
    deals = db.session.scalars(select(IpDeal).where(IpDeal.records(achievement),
                                                    IpDeal.standing())
                               .options(selectinload(IpDeal.company))
                               .order_by(IpDeal.signed_on, IpDeal.id)).all()
    named = transfers_of(deals)
    return [(d, named.get(d.id)) for d in deals if d.company.can_view(user)]


def unrecorded(portfolio: Filters, user: User | None = None) -> list[IpDeal]:
    """The standing company deals of an achievement of the register (not withdrawn) that no
    transfer names, of the projects `portfolio` keeps (the dashboard's filters, which limit
    the dashboard's viewer), and, with `user`, that they may list deals of (a director: their
    institutes', as `deal_list`), oldest first."""
    query = (select(IpDeal).join(Achievement, Achievement.id == IpDeal.achievement_id)
             .join(Project, Project.id == Achievement.project_id)
             .where(IpDeal.standing(), Achievement.standing(), portfolio.projects(),
                    ~select(Transfer.id).where(Transfer.ip_deal_id == IpDeal.id).exists())
             .options(selectinload(IpDeal.company), selectinload(IpDeal.achievement))
             .order_by(IpDeal.signed_on, IpDeal.id))
    if user is not None and not user.sees_whole_portfolio:
        query = query.where(Project.institute_id.in_(user.directed_institute_ids))
    return list(db.session.scalars(query))


def kind_of(deal: IpDeal) -> TransferKind:
    """The register's kind of the company's deal: shares given for the IP, a contribution for
    equity; else an assignment, a transfer; a licence, exclusive or not as the deal says."""
    if deal.equity_shares or deal.share_entries:
        return TransferKind.EQUITY
    if deal.kind is IpDealKind.ASSIGNMENT:
        return TransferKind.TRANSFER
    return TransferKind.EXCLUSIVE if deal.exclusive else TransferKind.NON_EXCLUSIVE


def prefill(deal: IpDeal) -> dict:
    """The transfer form's fields as the company's deal has them: its kind, the company's
    enterprise (by its credit code), the date signed, the upfront and royalty rate, and the
    deal itself as the spin-off's record."""
    company = deal.company
    enterprise = (db.session.scalar(select(Enterprise).where(Enterprise.uscc == company.uscc))
                  if company.uscc else None)
    return {"kind": kind_of(deal).value, "enterprise_id": enterprise.id if enterprise else 0,
            "ip_deal_id": deal.id, "signed_on": deal.signed_on,
            "upfront": deal.upfront or None, "royalty_pct": deal.royalty_pct or None}


def recorded_said(deal: IpDeal, user: User) -> str:
    """The confirmation of a company's deal recorded: it is not in the register's transfers
    yet, and where to record it there (to whoever may)."""
    recorded = str(IP_DEAL_KIND_RECORDED[deal.kind])
    if transfer_of(deal) is not None:
        return recorded
    if Transfer.can_manage(user):
        return " ".join((recorded, _(
            "It is not yet in the register's transfers, which the deal figures count: record "
            "it there too, with the link beside the deal in the IP section below.")))
    return " ".join((recorded, _(
        "It is not yet in the register's transfers, which the deal figures count: HQ records "
        "it there (an HQ administrator or the investment committee).")))
