"""The rules of a patent's annuities (年费) beyond listing and paying one
(tracker/achievements/services.py): the years fall due in order, a payment above the fee is a
late payment's surcharge, an unpaid annuity recorded wrongly is corrected, a payment recorded
by mistake is reversed.

Surcharge: the patent office accepts an annuity up to six months late with a surcharge
(滞纳金) of 5 % of the fee for each full month late beyond the first, at most 25 %
(Implementing Regulations of the Patent Law, rule 98, and the office's fee schedule). A payment
above the fee is accepted up to that cap, with a reason; on time, or above the cap, it is
refused, with the most that could have been owed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker import db, reversals, voids
from tracker.accounts.models import User
from tracker.achievements.models import (
    PATENT_TYPE_LABELS,
    Annuity,
    AnnuityPaymentReversal,
    IpRight,
    PatentType,
    RightStatus,
)
from tracker.achievements.periods import add_months
from tracker.audit import services as audit
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Problems, require
from tracker.money import cents

SURCHARGE_PER_MONTH = Decimal("0.05")  # of the fee, for each full month late beyond the first
SURCHARGE_MONTHS = 5  # the most months that add to it: 25 %
# The longest term of each kind of Chinese patent, from its filing date (Patent Law art. 42):
# no annuity is due beyond its last year.
TERM_YEARS = {PatentType.INVENTION: 20, PatentType.UTILITY_MODEL: 10, PatentType.DESIGN: 15}
LIVE = (RightStatus.FILED, RightStatus.GRANTED)  # a right whose annuities are still listed


def listing_refusal(right: IpRight) -> str | None:
    """A lapsed or abandoned right lists no new annuity (issue 16 T2)."""
    if right.status not in LIVE:
        return _("This right is %(status)s: an annuity is listed only for a patent pending or "
                 "granted.", status=right.status_label)
    return None


def check_year_and_fee(right: IpRight, year_no: int | None, fee: Decimal | None,
                       problems: Problems) -> None:
    """A year within the term of the patent's kind; a fee above zero."""
    term = TERM_YEARS.get(right.patent_type)
    if year_no is not None and term is not None and year_no > term:
        problems.add("year_no", ngettext(
            "A patent of the kind %(kind)s is in force for at most %(num)s year: year "
            "%(year)s is beyond it.",
            "A patent of the kind %(kind)s is in force for at most %(num)s years: year "
            "%(year)s is beyond it.", term, kind=PATENT_TYPE_LABELS[right.patent_type],
            year=year_no))
    check_fee(fee, problems)


def check_fee(fee: Decimal | None, problems: Problems) -> None:
    if fee is None or fee <= 0:
        problems.add("fee", _("Give the fee (more than 0)."))


def check_filed_before_annuities(right: IpRight | None, filed_on: date | None,
                                 problems: Problems) -> None:
    """A patent's filing date moved stays before each of its annuities (issue 16 T17), as a
    new annuity falls due after it."""
    if right is None or filed_on is None:
        return
    early = [a for a in right.annuities if a.due_on <= filed_on]
    if early:
        first = min(early, key=lambda a: a.due_on)
        problems.add("filed_on", _(
            "The annuity of year %(n)s is due on %(date)s: an annuity falls due after the "
            "patent is filed, so the patent is filed before it.", n=first.year_no,
            date=day(first.due_on)))


def late_fee_cap(annuity: Annuity, paid_on: date) -> Decimal:
    """The most that can be paid for `annuity` on `paid_on`: its fee, and the surcharge of the
    full months it is late beyond the first."""
    months = sum(1 for m in range(2, SURCHARGE_MONTHS + 2)
                 if paid_on > add_months(annuity.due_on, m - 1))
    return cents(annuity.fee * (1 + SURCHARGE_PER_MONTH * months))


def check_amount(annuity: Annuity, paid_on: date | None, amount: Decimal | None,
                 late_fee_reason: str, problems: Problems) -> None:
    """An annuity is paid in full: less than the fee is refused (the office does not keep a
    patent in force on part of it, so the annuity stays due and reminded until it is paid);
    an amount above the fee is a surcharge, within the cap of its lateness, with a reason."""
    if amount is not None and amount < annuity.fee:
        problems.add("amount", _(
            "%(amount)s is less than the fee of %(fee)s: an annuity is paid in full, else the "
            "patent lapses. Record the payment once the whole fee is paid.",
            amount=cny(amount), fee=cny(annuity.fee)))
        return
    if amount is None or paid_on is None or amount <= annuity.fee:
        return
    cap = late_fee_cap(annuity, paid_on)
    if amount > cap:
        if cap == annuity.fee and paid_on <= annuity.due_on:
            problems.add("amount", _(
                "%(amount)s is more than the fee of %(fee)s: paid on %(paid)s, by its due date "
                "(%(due)s), no surcharge is owed.", amount=cny(amount),
                fee=cny(annuity.fee), paid=day(paid_on), due=day(annuity.due_on)))
        elif cap == annuity.fee:
            problems.add("amount", _(
                "%(amount)s is more than the fee of %(fee)s: paid on %(paid)s, less than a "
                "month after it was due (%(due)s), no surcharge is owed.", amount=cny(amount),
                fee=cny(annuity.fee), paid=day(paid_on), due=day(annuity.due_on)))
        else:
            problems.add("amount", _(
                "%(amount)s is more than the fee and its surcharge: paid on %(paid)s, at most "
                "%(cap)s is owed (5%% of the fee for each full month late beyond the first, at "
                "most 25%%).", amount=cny(amount), paid=day(paid_on), cap=cny(cap)))
    elif not late_fee_reason.strip():
        problems.add("late_fee_reason", _(
            "%(amount)s is more than the fee of %(fee)s: say why (the surcharge of a late "
            "payment).", amount=cny(amount), fee=cny(annuity.fee)))


def check_order(right: IpRight, annuity: Annuity | None, year_no: int | None,
                due_on: date | None, problems: Problems) -> None:
    """Each year once per right, and a later year falls due later (`annuity` is the one being
    corrected, left out of the comparison)."""
    if year_no is None:
        return
    others = [a for a in right.annuities if a is not annuity]
    if any(a.year_no == year_no for a in others):
        problems.add("year_no", _("The annuity of year %(n)s is already listed.", n=year_no))
        return
    if due_on is None:
        return
    before = [a for a in others if a.year_no < year_no and a.due_on >= due_on]
    after = [a for a in others if a.year_no > year_no and a.due_on <= due_on]
    if before:
        last = max(before, key=lambda a: a.year_no)
        problems.add("due_on", _(
            "The annuity of year %(n)s is due on %(date)s: year %(year)s falls due after it.",
            n=last.year_no, date=day(last.due_on), year=year_no))
    elif after:
        first = min(after, key=lambda a: a.year_no)
        problems.add("due_on", _(
            "The annuity of year %(n)s is due on %(date)s: year %(year)s falls due before it.",
            n=first.year_no, date=day(first.due_on), year=year_no))


def edit_refusal(annuity: Annuity) -> str | None:
    if annuity.paid:
        return _("The annuity of year %(n)s is paid: reverse its payment first, then correct "
                 "it.", n=annuity.year_no)
    return None


def reverse_refusal(annuity: Annuity) -> str | None:
    """Why its payment is not reversed (the service refuses, its page answers 409 before the
    form, `reversible`): its achievement or right withdrawn, nothing more recorded for it; it
    is not paid. None when it can be."""
    right = annuity.right
    if (said := voids.refusal(right.achievement) or voids.refusal(right)) is not None:
        return said
    if not annuity.paid:
        return _("The annuity of year %(n)s is not paid: there is no payment to reverse.",
                 n=annuity.year_no)
    return None


def edit_annuity(actor: User, annuity: Annuity, *, due_on: date | None,
                 fee: Decimal | None) -> Annuity:
    """An unpaid annuity's due date or fee, recorded wrongly, corrected; its reminders follow
    the new date."""
    right = annuity.right
    require(right.achievement.can_manage(actor), lambda: edit_refusal(annuity),
            lock=lambda: db.lock(annuity))
    problems = Problems()
    if due_on is None:
        problems.add("due_on", _("Give the date the annuity is due."))
    elif right.filed_on is not None and due_on <= right.filed_on:
        problems.add("due_on", _("An annuity falls due after the patent is filed (%(date)s).",
                                 date=day(right.filed_on)))
    check_fee(fee, problems)
    check_order(right, annuity, annuity.year_no, due_on, problems)
    problems.raise_any()
    annuity.due_on, annuity.fee = due_on, fee
    audit.record_if_changed(actor, "annuity.update", annuity)
    db.session.flush()
    return annuity


def reverse_payment(actor: User, annuity: Annuity, on: date | None,
                    reason: str) -> AnnuityPaymentReversal:
    """A payment recorded by mistake is reversed: kept as recorded in the reversal, and the
    annuity is due again (its reminders resume)."""
    def make(stated: dict) -> tuple[AnnuityPaymentReversal, dict]:
        reversal = AnnuityPaymentReversal(
            paid_on=annuity.paid_on, paid_amount=annuity.paid_amount,
            late_fee_reason=annuity.late_fee_reason, **stated)
        annuity.reversals.append(reversal)
        annuity.paid_on, annuity.paid_amount, annuity.late_fee_reason = None, None, ""
        changes = audit.pending_changes(annuity)
        changes.pop("late_fee_reason", None)
        return reversal, {**changes, **reversals.dated(reversal)}

    return reversals.record(
        actor, annuity, on, reason, may=annuity.right.achievement.can_manage(actor),
        under=annuity, stale=(), refusal=reverse_refusal, when="paid_on", make=make,
        action="annuity.reverse_payment", about=annuity)
