"""Merging a partner entered twice into the one that stays.

An HQ admin chooses the partner that stays; what hangs from the other (its agreements with
HQ, the co-funding lines of allocation-investment agreements with their payments, the
institutes it co-builds, the reports owed to it, its shares: `REPOINTED`) is re-pointed to
it, the empty fields of the one that stays are filled from the other, and the other is kept
as a redirect
(`merged_into_id`): its page and its name (an import naming it) lead to the one that stays,
and it is listed no more. Both are audited. Two partners that are plainly not the same
organisation, or whose records would clash once merged, are refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, literal, select, update

from tracker import db
from tracker.audit import services as audit
from tracker.companies.holder_models import Shareholder
from tracker.companies.models import Company
from tracker.display import formatting
from tracker.display.history import field_label
from tracker.display.preview import Preview
from tracker.display.said import listed
from tracker.errors import Forbidden, Refused
from tracker.funding.models import CoFunder, FundingAgreement
from tracker.obligations.models import ReportObligation
from tracker.partners.agreement_models import PartnerAgreement
from tracker.partners.models import Partner, institute_partners
from tracker.partners.payment_models import CoFunderPayment
from tracker.projects.models import Project

if TYPE_CHECKING:
    from tracker.accounts.models import User

# The fields the one that stays takes from the other when its own are empty.
FILLED = ("name_en", "uscc", "city", "city_en", "level", "note")


# Every record that points at a partner and is re-pointed to the one that stays, by the name of
# its count in `Moves`: the merge moves these and its preview counts these, from this one list
# (tests/partners/test_merge.py checks that every foreign key to a partner is here, or is the
# institutes it co-builds, counted apart, or the redirect itself). A co-funding line's payments
# hang from the line and move with it.
REPOINTED = (
    ("agreements", PartnerAgreement.partner_id),
    ("co_funding", CoFunder.partner_id),
    ("reports", ReportObligation.recipient_partner_id),
    ("holdings", Shareholder.partner_id),  # the shares it holds in spin-offs
)


@dataclass
class Moves:
    """What a merge moves (or moved) to the partner that stays."""

    merged: Partner
    survivor: Partner
    agreements: int = 0
    co_funding: int = 0
    reports: int = 0  # reports owed to it (`ReportObligation.recipient_partner_id`)
    holdings: int = 0  # its holdings of spin-offs' shares (`Shareholder.partner_id`)
    payments: int = 0
    paid: Decimal = Decimal("0")
    institutes: int = 0
    filled: list[str] = field(default_factory=list)


def effective(partner: Partner | None) -> Partner | None:
    """The partner a name or a link leads to: the one it was merged into, if it was."""
    seen = set()
    while partner is not None and partner.merged_into_id and partner.id not in seen:
        seen.add(partner.id)
        partner = db.session.get(Partner, partner.merged_into_id)
    return partner


def merged_refusal(partner: Partner) -> str | None:
    """Why nothing of `partner` changes here: it was merged into another, where its records
    are and are changed (its page names and links to it); None while it stands on its own."""
    if partner.merged_into_id is None:
        return None
    return _("%(name)s was merged into %(survivor)s: its records are there, and are changed "
             "there.", name=partner.shown("name"), survivor=effective(partner).shown("name"))


def conflicts(merged: Partner, survivor: Partner) -> list[str]:
    """Why these two can't be merged (none: they can)."""
    reasons = []
    if merged.id == survivor.id:
        reasons.append(_("A partner can't be merged into itself."))
    if merged.merged_into_id or survivor.merged_into_id:
        reasons.append(_("One of them was already merged into another partner."))
    if merged.kind is not survivor.kind:
        reasons.append(_("They are of different kinds: they are not the same organisation. "
                         "Correct the kind of the wrong one first."))
    if merged.uscc and survivor.uscc and merged.uscc != survivor.uscc:
        reasons.append(_("They have different unified social credit codes (%(one)s, %(other)s):"
                         " they are not the same organisation.",
                         one=merged.uscc, other=survivor.uscc))
    if merged.id == survivor.id:
        return reasons
    pair = (merged, survivor)
    if both := _named_by_both(select(Project.code).join(
            FundingAgreement, FundingAgreement.project_id == Project.id).join(
            CoFunder, CoFunder.agreement_id == FundingAgreement.id), CoFunder.partner_id,
            FundingAgreement.id, Project.code, pair):
        reasons.append(_("Both co-fund the allocation-investment agreements of the same "
                         "projects (%(codes)s): merged, one co-funder would appear twice there. "
                         "Correct those agreements' co-funders first.", codes=listed(both)))
    # Merged, a company would have two holders of one partner, and a transfer between them
    # would move shares from the partner to itself (issue 9, small 4).
    if held := _named_by_both(select(Company.name).join(
            Shareholder, Shareholder.company_id == Company.id), Shareholder.partner_id,
            Company.id, Company.name, pair):
        reasons.append(_("Both hold shares of the same companies (%(names)s): merged, the "
                         "partner would be two holders there, and a transfer between them would "
                         "move shares from it to itself.", names=listed(held)))
    return reasons


def _named_by_both(rows: Any, column: Any, key: Any, name: Any,
                   pair: tuple[Partner, Partner]) -> list[str]:
    """The names (`name`, one per `key`) of the records `rows` reads that name both partners
    of `pair` by `column`: what one partner merged would be named twice in."""
    return list(db.session.scalars(
        rows.where(column.in_([p.id for p in pair])).group_by(key, name)
        .having(func.count(func.distinct(column)) > 1).order_by(name)))


def what_moves(merged: Partner, survivor: Partner) -> Moves:
    moves = Moves(merged, survivor)
    for key, column in REPOINTED:
        setattr(moves, key, db.session.scalar(select(func.count()).where(
            column == merged.id)) or 0)
    payments = select(func.count(), func.coalesce(func.sum(CoFunderPayment.amount), 0)).join(
        CoFunder).where(CoFunder.partner_id == merged.id)
    moves.payments, moves.paid = db.session.execute(payments).one()
    ours = select(institute_partners.c.institute_id).where(
        institute_partners.c.partner_id == survivor.id)
    moves.institutes = db.session.scalar(select(func.count()).select_from(
        institute_partners).where(institute_partners.c.partner_id == merged.id,
                                  institute_partners.c.institute_id.not_in(ours))) or 0
    moves.filled = [key for key in FILLED
                    if not getattr(survivor, key) and getattr(merged, key)]
    return moves


def merge_partner(actor: User, merged: Partner, survivor: Partner) -> Moves:
    """Merge `merged` into `survivor` (see the module's docstring); refused with every reason
    when they can't be."""
    if not Partner.can_edit(actor):
        raise Forbidden()
    reasons = conflicts(merged, survivor)
    if reasons:
        raise Refused(" ".join(reasons))
    moves = what_moves(merged, survivor)
    code = merged.uscc
    if "uscc" in moves.filled:
        merged.uscc = None  # unique: it moves to the one that stays
        db.session.flush()
    for key in moves.filled:
        setattr(survivor, key, code if key == "uscc" else getattr(merged, key))
    for _key, column in REPOINTED:
        db.session.execute(update(column.class_).where(column == merged.id).values(
            {column.key: survivor.id}).execution_options(synchronize_session=False))
    moved = select(institute_partners.c.institute_id, literal(survivor.id)).where(
        institute_partners.c.partner_id == merged.id,
        institute_partners.c.institute_id.not_in(select(institute_partners.c.institute_id).where(
            institute_partners.c.partner_id == survivor.id)))
    db.session.execute(insert(institute_partners).from_select(
        ["institute_id", "partner_id"], moved))
    db.session.execute(delete(institute_partners).where(
        institute_partners.c.partner_id == merged.id))
    # Those merged into it before now lead to the one that stays too.
    db.session.execute(update(Partner).where(Partner.merged_into_id == merged.id).values(
        merged_into_id=survivor.id).execution_options(synchronize_session=False))
    merged.merged_into_id = survivor.id
    # Both read before the first record flushes them.
    gone, filled = audit.pending_changes(merged), audit.pending_changes(survivor)
    audit.record(actor, "partner.merge", merged, gone)
    audit.record(actor, "partner.absorb", survivor, {
        **filled, "merged_partner": [None, merged.id],
        "moved_agreements": [None, moves.agreements],
        "moved_co_funding": [None, moves.co_funding], "moved_reports": [None, moves.reports],
        "moved_institutes": [None, moves.institutes]})
    db.session.flush()
    db.session.expire_all()  # what the statements above re-pointed, read again when asked
    return moves


def preview(moves: Moves) -> Preview:
    """The confirmation step: what the merge moves, from the service's own counts."""
    facts = [(_("Merged"), moves.merged.shown("name")),
             (_("Into"), moves.survivor.shown("name")),
             (_("Agreements with HQ moved"), formatting.number(moves.agreements)),
             (_("Co-funding lines moved"), formatting.number(moves.co_funding)),
             (_("Reports owed to it moved"), formatting.number(moves.reports)),
             (_("Their payments"), _("%(n)s, %(amount)s in all",
                                     n=formatting.number(moves.payments),
                                     amount=formatting.money(moves.paid))),
             (_("Institutes it co-builds moved"), formatting.number(moves.institutes))]
    if moves.filled:
        facts.append((_("Filled in on the partner that stays"),
                      listed(str(field_label(key, "partners")) for key in moves.filled)))
    return Preview(facts=facts, warnings=[_(
        "The merged partner is listed no more; its page and its name lead to the partner "
        "that stays. This can't be undone here.")])
