"""The rules of a financing round and its price: what `deals.record_round` checks before it
records a round, and the companies import's bulk path (`tracker.imports.companies_bulk`) of a
company it has not written yet, so that the two never disagree. Price per share = pre-money
valuation / shares outstanding on the round's date; each investor buys whole shares for their
amount, rounded down (`tracker.money`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker import money
from tracker.companies import ledger, ledger_checks, services
from tracker.companies.holder_models import Shareholder
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, Company, FinancingRound, HolderType
from tracker.display.formatting import day, number, plural
from tracker.display.formatting import money as cny
from tracker.display.formatting import price as price_text
from tracker.errors import Problems, Refused, in_row

if TYPE_CHECKING:
    from tracker.accounts.models import User


@dataclass(frozen=True)
class InvestorLine:
    name: str
    kind: HolderType
    amount: Decimal
    lead: bool = False
    row: int | None = None  # its row in the form's table: a problem is shown there

    def field(self, column: str) -> str:
        return in_row("investors", self.row, column)


class Priced(NamedTuple):
    """A round as `check_round` prices it: the shares outstanding it is priced on, the price
    per share, and each investor's whole shares for their amount."""

    shares_before: Decimal
    price: Decimal
    bought: list[tuple[InvestorLine, Decimal]]


def check_round(company: Company, *, name: str, on: date, pre_money: Decimal, amount: Decimal,
                investors: list[InvestorLine], named: Callable[[], bool]) -> Priced:
    """Every rule of a round of `company` (its name stripped; `named()`: whether a round of
    the company that stands has that name): Refused without a cap table or shares
    outstanding, else every problem at once (`Problems`), each beside its field, the price
    computed only from sound values: the round priced."""
    services.require_cap_table(company)
    problems = Problems()
    if amount is None or amount <= 0:
        problems.add("amount", _("A round raises more than zero: %(amount)s was given.",
                                 amount=cny(amount or Decimal("0"))))
    if pre_money is None or pre_money <= 0:
        problems.add("pre_money", _("The pre-money valuation must be more than zero: "
                                    "%(amount)s was given.",
                                    amount=cny(pre_money or Decimal("0"))))
    problems.collect(ledger_checks.check_dated, company, "on_date", on)
    if not investors:
        problems.add("investors", _("List the investors and their amounts."))
    for line in investors:
        if not line.name.strip():
            problems.add(line.field("name"), _("Name each investor."))
        if line.amount is None or line.amount <= 0:
            problems.add(line.field("amount"), _("%(name)s: an investment is more than zero; "
                                        "%(amount)s was given.", name=line.name,
                                        amount=cny(line.amount or Decimal("0"))))
    subscribed = sum((line.amount or Decimal("0") for line in investors), Decimal("0"))
    if investors and amount is not None and amount > 0 and subscribed != amount:
        problems.add("investors", _(
            "The investors' amounts add up to %(subscribed)s, not the round's %(amount)s.",
            subscribed=cny(subscribed), amount=cny(amount)))
    if sum(1 for line in investors if line.lead) > 1:
        problems.add("investors", _("A round has one lead investor."))
    problems.collect(services.check_holders, company, [
        (line.name, line.kind, line.field("name")) for line in investors if line.name.strip()])
    # Unique among the rounds that stand (a reversed round frees its name).
    if named():
        problems.add("name", _("%(company)s already has a round called %(name)s.",
                               company=company.name, name=name))
    if "pre_money" in problems or "on_date" in problems or any(
            field.startswith("investors") for field, _message in problems.found):
        problems.raise_any()
    outstanding = ledger.outstanding(company, on)
    if not outstanding:
        problems.raise_any()
        raise Refused(_("No shares were outstanding on %(date)s: a round needs the cap table "
                        "at incorporation first.", date=day(on)))
    price = money.price_per_share(pre_money, outstanding)
    if price <= 0:
        problems.add("pre_money", ngettext(
            "A pre-money valuation of %(amount)s over %(shares)s share gives a price per share "
            "that rounds to zero.",
            "A pre-money valuation of %(amount)s over %(shares)s shares gives a price per share "
            "that rounds to zero.", plural(outstanding), amount=cny(pre_money),
            shares=number(outstanding)))
        problems.raise_any()
    bought = [(line, money.whole_shares(line.amount, price)) for line in investors]
    for line, shares in bought:
        if shares < 1:
            problems.add(line.field("amount"), _("%(name)s's %(amount)s buys no whole share at "
                                        "%(price)s a share.", name=line.name,
                                        amount=cny(line.amount), price=price_text(price)))
    problems.raise_any()
    return Priced(outstanding, price, bought)


def new_round(actor: User, company: Company, name: str, on: date, pre_money: Decimal,
              amount: Decimal, priced: Priced) -> FinancingRound:
    """The round `check_round` priced, on the company's list, not yet written (`record_round`
    writes it; the bulk path, with others)."""
    financing = FinancingRound(name=name, on_date=on, pre_money=pre_money, amount=amount,
                               shares_before=priced.shares_before,
                               price_per_share=priced.price, recorded_by_id=actor.id)
    company.rounds.append(financing)
    return financing


def bought_lines(company: Company, priced: Priced) -> list[tuple[Shareholder, IssueLine]]:
    """The issuances of a round priced: each investor's whole shares, paid in cash, to the
    company's holder it names (created if new: `holder_for`)."""
    return [(services.holder_for(company, line.name, line.kind),
             IssueLine(line.name, line.kind, shares, Acquisition.CASH))
            for line, shares in priced.bought]
