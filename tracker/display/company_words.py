"""The words of the audit trail for spin-off companies (tracker/companies): the company, its
ledger of share entries, its financing rounds and exits, and their reversals.
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "company.create": _l("Company recorded"),
    "company.update": _l("Company changed"),
    "company.detach": _l("Company detached from a project"),
    "company.void_founders": _l("Founders' table voided"),
    "company.exit": _l("Exit recorded"),
    "exit.reverse": _l("Exit reversed"),
    "company.incorporate": _l("Founders' table recorded"),
    "round.create": _l("Financing round recorded"),
    "round.reverse": _l("Round reversed"),
    "shares.issue": _l("Shares issued"),
    "shares.reverse": _l("Share entry reversed"),
    "shares.transfer": _l("Shares transferred"),
}

OBJECTS = {
    "companies": _l("Company"),
    "company_detachments": _l("Company detachment"),
    "company_exits": _l("Exit"),
    "financing_rounds": _l("Financing round"),
    "round_investments": _l("Round investment"),
    "exit_reversals": _l("Exit reversal"),
    "round_reversals": _l("Round reversal"),
    "share_entries": _l("Share entry"),
    "shareholders": _l("Shareholder"),
}

FIELDS = {
    "acquired_by": _l("Acquired by"),
    "cap_table": _l("Cap table"),
    "detached_at": _l("Detached at"),
    "detached_by_id": _l("Detached by"),
    "entry_id": _l("Share entry"),
    "from_holder_id": _l("From holder"),
    "to_holder_id": _l("To holder"),
    "holder": _l("Holder"),
    "holders": _l("Holders"),
    "lead": _l("Lead investor"),
    "lock_up_until": _l("Lock-up until"),
    "pre_money": _l("Pre-money valuation"),
    "price_per_share": _l("Price per share"),
    "round_price": _l("Round price"),
    "shares": _l("Shares"),
    "shares_before": _l("Shares before"),
    "round_id": _l("Financing round"),
    "exit_id": _l("Exit"),
    "paid": _l("Paid for the shares"),
    "hq_proceeds": _l("HQ proceeds"),
    "institute_proceeds": _l("Institute proceeds"),
    "registered_capital": _l("Registered capital"),
}
