"""How the history reads the keys of the trail that are not plain columns of the object's
model: keys a service writes itself (`KEYS`), keys that mean something else on one kind of
object (`FIELDS_OF`), the kinds of import by name, and the numeric columns holding a
percentage. `tracker.display.history` describes the records with them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.accounts.models import Role
from tracker.approvals.models import RequestState, Subject, Verdict
from tracker.changes.models import ChangeKind, ChangeState
from tracker.display import ip_words, partner_words
from tracker.gates.models import Declaration
from tracker.milestones.models import RebaselineState
from tracker.pms.models import InterviewOutcome
from tracker.regions.defaults import JIANGSU

# How a value is shown: a formatting kind, or for a reference, ("ref", table).
Kind = str | tuple[str, str]

# Keys that mean something else on one kind of object than `FIELDS` says: an approval's
# "level" is a government body's on a partner, an agreement's "outcome" a gate's decision.
FIELDS_OF = {**ip_words.FIELDS_OF, **partner_words.FIELDS_OF,
             ("gate_decisions", "outcome"): _l("Decision"),
             ("gate_decisions", "correction_reason"): _l("Reason for the correction"),
             # set by migration 0102 alone, on corrections recorded without a reason
             ("gate_decisions", "unreasoned_before"): _l("Marked as corrected without a reason on"),
             # a contract is 登记 with a registration office, a company 注册
             ("research_contracts", "registered_on"): _l("Date of registration"),
             # a royalty report's date is the report's, not the money's (到账日期)
             ("royalty_reports", "received_on"): _l("Report received on"),
             # A corrected record's fields, named in its history as its correction's form names
             # them (tests/test_one_sense.py): a TRL's "level" is no approval's level.
             ("trl_records", "level"): _l("TRL"),
             ("trl_records", "note"): _l("Evidence"),
             ("trl_records", "file_id"): _l("Evidence file"),
             ("deliverables", "file_id"): _l("Deliverable file"),
             ("partner_agreements", "file_id"): _l("Signed document"),
             ("partner_agreement_documents", "agreement_id"): _l("Agreement with a partner"),
             ("progress_updates", "percent"): _l("Percent complete"),
             ("assessment_evidence", "description"): _l("What it is and where it comes from"),
             ("pm_interviews", "outcome"): _l("Interview outcome"),
             ("technology_needs", "candidate"): _l("Candidate for a need"),
             ("assessment_evidence", "files"): _l("Evidence files"),
             ("gate_templates", "criteria"): _l("Criteria"),
             ("gate_decisions", "conditions"): _l("Conditions"),  # an imported decision's
             ("research_contracts", "number"): _l("Contract number"),
             ("research_contracts", "enterprise_id"): _l("Counterparty enterprise"),
             ("research_contracts", "certificate"): _l("Registration certificate"),
             ("research_contracts", "certificate_id"): _l("Registration certificate")}

# Keys services write that are no column of the object's model.
KEYS: dict[str, Kind] = {
    "member": ("ref", "users"),
    "import": ("ref", "import_runs"),
    "checked_in": ("ref", "import_runs"),  # the dry run whose file an import runs for real
    "members": ("refs", "users"),
    "partner_ids": ("refs", "partners"),  # an institute's co-building partners
    "merged_partner": ("ref", "partners"),  # a partner entered twice, merged (partners)
    "moved_agreements": "number",
    "moved_co_funding": "number",
    "moved_reports": "number",
    "moved_institutes": "number",
    "on": "date",
    # An instalment a contract's record names: [its number, its due date] ("2 (due 31 Mar
    # 2026)"); in older records its due date alone.
    "instalment": "instalment",
    "due_date": "date",
    "payment": "date_money",
    # A budget line by its category's Chinese name (`BudgetLine.category`), shown in the
    # reader's language when a template names it; a line its PM named, as they named it.
    "budget_lines": "text_money_rows",
    "budget_line": "budget_category",  # a spending entry's line
    # A cap table's holders and a holder of shares: by the names typed, shown as the holders
    # the app knows are named in the reader's language (`Shareholder.shown_name`).
    "cap_table": "holder_number_rows",
    "holder": "holder",
    "holders": "holders",
    "evidence": "number",
    "recovery_codes_left": "number",
    "second_factor": "secret",
    "roles": ("enums", Role),
    # (co-funder, ratio): the co-funder by its Chinese name, shown in the reader's language
    "co_funders": "partner_number_rows",
    "instalments": "date_money_rows",
    "declaration": ("enum", Declaration),
    "scores_withdrawn": "bool",  # an evaluator's conflict declared since scoring
    "locale": "locale",
    "change": ("enum", ChangeKind),
    "change_state": ("enum", ChangeState),
    "approval": ("enum", Subject),
    "approval_state": ("enum", RequestState),
    "verdict": ("enum", Verdict),
    "approvers": ("refs", "users"),
    "on_behalf_of": ("ref", "users"),
    # The register's steps (tracker/pms): an interview and a term, recorded on the PM's record.
    "held_on": "date",
    "starts_on": "date",
    "ends_on": "date",
    "ended_on": "date",
    "interview_outcome": ("enum", InterviewOutcome),
    "panel": ("refs", "users"),
    "field_ids": ("refs", "technical_fields"),
    # Dates and figures services write as text (ISO dates, counts).
    "on_date": "date",
    "submitted_on": "date",
    "exercised": "number",
    "exercise_price": "money",  # a price in yuan (¥1.00), as the grant's page shows it
    # Years are said as years, not as amounts (2022, not 2,022); a column's by its name
    # (formatting.is_year), a key a service writes here.
    "year": "year",
    # A milestone's progress, in whole per cent (40 %) as its pages say it, wherever the trail
    # keeps it (a post, its milestone, a withdrawal's milestone before and after).
    "percent": "whole_pct",
    "percent_complete": "whole_pct",
    "percent_before": "whole_pct",
}
# Keys of one kind of object that are no column of its model, or not what its column holds.
KINDS_OF: dict[tuple[str | None, str], Kind] = {
    ("import_runs", "kind"): "import_kind",
    ("users", "reason"): "login_failure",  # a refused sign-in's, a code
    ("projects", "amount"): "money",  # a spending entry's, recorded on its project
    # An approved allocation: each institute's code and amount (JITRI-RB CN¥4,500,000.00).
    ("assessment_years", "allocations"): "code_money_rows",
    # A receipt's contributors' parts: each name as typed, its amount (李强 CN¥118,440.00);
    # records before [name, amount] kept the text the recorder's language had made.
    ("ip_income", "shares"): "code_money_rows",
    # An imported decision's conditions: [text, owner's e-mail, due date, state] each (shown
    # with the owner's name: `history_values.said_conditions`).
    ("gate_decisions", "conditions"): "conditions",
    # A gate template's criteria, each a row [kind, weight, highest score, text, English text]
    # (`said_criteria`; records before them, a line each).
    ("gate_templates", "criteria"): "criteria",
    # A need's candidate (as proposed: the record written whole), the project made of it and
    # its PM: named, never by their ids ("pm_id 1", "Project: 1").
    ("technology_needs", "candidate"): ("ref", "need_candidates"),
    ("technology_needs", "project"): ("ref", "projects"),
    ("technology_needs", "pm_id"): ("ref", "users"),
    # An enum a table took the place of: its values in the records written before, the codes
    # of that table's rows (`history_values.coded_names`). An institute's region until
    # migration 0112 ("south", not the region's id).
    ("institutes", "region"): ("coded", "regions"),
}
# The names an enum's values had, for a code no row of the table that replaced it has any
# more (deleted since): (code, name, English name) each.
RETIRED_CODES: dict[str, tuple[tuple[str, str, str], ...]] = {"regions": JIANGSU}


# Keys one action writes on its object that mean something else there than the column of that
# name: a re-baseline's state, recorded on its milestone (Awaiting HQ -> Approved), is not the
# milestone's state (it read "pending -> approved", the codes).
KINDS_OF_ACTION: dict[tuple[str, str], Kind] = {
    (action, "state"): ("enum", RebaselineState)
    for action in ("milestone.rebaseline", "milestone.rebaseline_decided",
                   "milestone.rebaseline_corrected")}


def written(table: str | None, key: str, action: str | None = None) -> Kind | None:
    """The kind of a value a service wrote under `key` on a record of `table` by `action`;
    None: the column's."""
    return KINDS_OF_ACTION.get((action, key), KINDS_OF.get((table, key), KEYS.get(key)))


# The kinds of import by name (an import run's `kind`), each with its title in the reader's
# language: filled by tracker/imports/kinds.py, which knows them.
IMPORT_KINDS: dict[str, Any] = {}
# Numeric columns that hold a percentage, not an amount.
PERCENT_KEYS = {"discount_pct", "royalty_pct", "pass_threshold", "percent", "percent_complete",
                "weighted_score", "completion_ratio", "contributor_pct", "contributor_min_pct",
                "share_pct", "flat_pct"}

# Why a sign-in was refused, as `accounts.services.record_failed_login` writes it: a code,
# shown in the reader's language (a directory's prefixed with its provider: "ldap:locked").
LOGIN_FAILURES = {
    "unknown_email": _l("No account has this e-mail"),
    "wrong_password": _l("Wrong password"),
    "locked": _l("Account locked after too many failures"),
    "inactive": _l("Account deactivated"),
    "wrong_code": _l("Wrong code"),
    "reused_code": _l("Code already used"),
    "unknown": _l("Unknown to the directory"),
    "no_email": _l("The directory gave no e-mail"),
    "email_taken": _l("The e-mail belongs to another account"),
}
