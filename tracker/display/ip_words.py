"""The words of the audit trail for results and their rewards: the achievement and IP register,
transfers and licences with the income split among contributors (tracker/achievements), and
equity incentives granted to people (tracker/companies). `tracker.display.words` merges them
into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.voids import WITHDRAWN

ACTIONS = {
    "achievement.create": _l("Achievement recorded"),
    "ip_right.create": _l("Intellectual property right recorded"),
    "annuity.create": _l("Patent annuity listed"),
    "annuity.pay": _l("Patent annuity paid"),
    "annuity.update": _l("Patent annuity corrected"),
    "achievement.withdraw": _l("Achievement withdrawn as recorded by mistake"),
    "ip_right.withdraw": _l("Right withdrawn as recorded by mistake"),
    "achievement.move": _l("Achievement moved to another project"),
    "annuity.reverse_payment": _l("Payment of a patent annuity reversed: due again"),
    "transfer.create": _l("Transfer or licence recorded"),
    "transfer.void": _l("Transfer or licence voided"),
    "royalty_report.create": _l("Royalty report recorded"),
    "income.create": _l("Income received and split among contributors"),
    "income.reverse": _l("Receipt of income reversed, contributors' parts taken back"),
    "royalty_report.reverse": _l("Royalty report reversed"),
    "incentive.grant": _l("Equity incentive granted"),
    "incentive.update": _l("Equity incentive corrected"),
    "incentive.exercise": _l("Options exercised"),
    "incentive.forfeit": _l("Unvested incentive forfeited on leaving"),
    "incentive.lapse": _l("Vested options lapsed at the end of the exercise window"),
    "incentive.exercise_reverse": _l("Exercise of options reversed"),
    "incentive.forfeit_reverse": _l("Leaving reversed, the grant restored"),
    "shares.lock_up": _l("Lock-up added to shares of an equity incentive"),
}

OBJECTS = {
    "achievements": _l("Achievement"),
    "achievement_contributors": _l("Contributor"),
    "ip_rights": _l("Intellectual property right"),
    "patent_annuities": _l("Patent annuity"),
    "annuity_payment_reversals": _l("Reversal of an annuity's payment"),
    "ip_transfers": _l("Transfer or licence"),
    "royalty_reports": _l("Royalty report"),
    "royalty_report_reversals": _l("Reversal of a royalty report"),
    "ip_income": _l("Income received"),
    "ip_income_shares": _l("Contributor's part of income"),
    "incentive_grants": _l("Equity incentive grant"),
    "option_exercises": _l("Option exercise"),
    "exercise_reversals": _l("Reversal of an exercise"),
    "leaving_reversals": _l("Reversal of a leaving"),
}

FIELDS = {
    "achievement_id": _l("Achievement"), "right_id": _l("Right"),
    "annuity_id": _l("Patent annuity"), "project": _l("Project"),
    "withdrawn_by_id": _l("Withdrawn by"),  # the trail written before 0094
    "patent_type": _l("Patent type"), "jurisdiction": _l("Jurisdiction"),
    "number_key": _l("Number as compared"), "title_key": _l("Title as compared"),
    "filed_on": _l("Filed on"), "attorney_costs": _l("Attorney costs"), "status": _l("Status"),
    "year_no": _l("Patent year"), "due_on": _l("Due on"), "fee": _l("Fee"),
    "paid_amount": _l("Fee paid"), "late_fee_reason": _l("Surcharge for late payment"),
    "royalty_base": _l("Royalty base"), "minimum_royalty": _l("Minimum royalty"),
    "reporting_months": _l("Reporting period (months)"),
    "report_days": _l("Days to report after a period"),
    "payment_days": _l("Days to pay after a report"),
    "ip_deal_id": _l("IP contributed to the spin-off"),
    "period_start": _l("Period from"), "period_end": _l("Period to"),
    "base_amount": _l("Royalty base amount"), "royalty_due": _l("Royalty due"),
    "payment_due_on": _l("Payment due on"),
    "transfer_id": _l("Transfer or licence"), "report_id": _l("Royalty report"),
    "costs": _l("Deductible costs"), "contributor_pct": _l("Contributors' share"),
    "contributor_min_pct": _l("Minimum share for the contributors when recorded"),
    "receipt_id": _l("Income received"), "share_pct": _l("Share"), "pays": _l("It pays"),
    "accelerate": _l("Unvested incentive options vest at the exit"),
    "pool_id": _l("Incentive pool"), "holder_id": _l("Holder"), "person_name": _l("Person"),
    "exercise_price": _l("Exercise price"), "granted_on": _l("Granted on"),
    "vesting_start": _l("Vesting starts"), "vesting_months": _l("Vesting months"),
    "cliff_months": _l("Cliff months"), "left_on": _l("Left on"),
    "forfeited": _l("Forfeited"), "forfeit_reason": _l("Reason for forfeiture"),
    "grant_entry_id": _l("Ledger entry of the grant"),
    "forfeit_entry_id": _l("Ledger entry of the forfeiture"), "grant_id": _l("Grant"),
    "exercise_window_days": _l("Exercise window after leaving (days)"),
    "exercise_until": _l("Exercisable until"), "lapsed_on": _l("Lapsed on"),
    "lapsed": _l("Options lapsed"),
    "exercised": _l("Options exercised in all"), "exercise_id": _l("Option exercise"),
    "contributors": _l("Contributors"),
    "contributor_users": _l("Contributors with a user account"),
}

# Keys whose general label (tracker/display/words.py) would mislead on these objects.
# The records whose pages say they are withdrawn as made by mistake, not voided
# (`tracker.voids.WITHDRAWN`), nor cancelled; the trail written before 0094 named the columns
# withdrawn_at and withdrawn_reason.
_WITHDRAWN_WORDS = {"voided_at": _l("Withdrawn on"), "withdrawn_at": _l("Withdrawn on"),
                    "void_reason": _l("Why it was withdrawn"),
                    "withdrawn_reason": _l("Why it was withdrawn"),
                    "voided_by_id": _l("Withdrawn by")}

FIELDS_OF = {
    **{(table, key): said for table in WITHDRAWN for key, said in _WITHDRAWN_WORDS.items()},
    # The fee paid to the patent office, not money disbursed (`paid_on` of a tranche's payment).
    ("patent_annuities", "paid_on"): _l("Fee paid on"),
    ("annuity_payment_reversals", "paid_on"): _l("Fee paid on"),
    # A right's page says "Granted or registered on"; "Granted on" is an incentive's grant.
    ("ip_rights", "granted_on"): _l("Granted or registered on"),
    # A company's licence or assignment: the rights of the achievement it names, by name.
    ("ip_deals", "rights"): _l("Rights"),
    ("ip_income", "shares"): _l("Contributors' parts"),
    ("ip_income", "pool"): _l("Contributors' pool"),
    ("incentive_grants", "on_date"): _l("Exercised on"),
    ("incentive_grants", "shares"): _l("Number granted"),
    ("incentive_grants", "kind"): _l("Kind of grant"),
}

# A spin-off's IP deal named as its kind, in its actions and as the record (the trail's
# `action` and `object_type` with the deal's `kind`): an assignment is never called a
# licence. `ACTIONS` and `OBJECTS` name both kinds at once, for a deal no longer there and
# the audit page's list of actions.
OF_KIND = {
    ("ip_deals", "licence"): _l("IP licence"),
    ("ip_deals", "assignment"): _l("IP assignment"),
    ("ip.record", "licence"): _l("IP licence recorded"),
    ("ip.record", "assignment"): _l("IP assignment recorded"),
    ("ip.update", "licence"): _l("IP licence corrected"),
    ("ip.update", "assignment"): _l("IP assignment corrected"),
    ("ip.void", "licence"): _l("IP licence voided"),
    ("ip.void", "assignment"): _l("IP assignment voided"),
}
