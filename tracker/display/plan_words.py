"""The words of the audit trail for a project's plan once under way (PM system): TRL records,
progress posts corrected or withdrawn, spending, change requests, baselines and handovers.
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PLAN_ACTIONS = {
    "project.trl": _l("TRL recorded"),
    "trl.correct": _l("TRL record corrected"),
    "trl.withdraw": _l("TRL record withdrawn as recorded by mistake"),
    "progress.correct": _l("Progress post corrected"),
    "progress.withdraw": _l("Progress post withdrawn as posted by mistake"),
    "spending.record": _l("Spending recorded"),
    "spending.reverse": _l("Spending reversed"),
    "change.apply": _l("Plan changed"),
    "change.request": _l("Change asked of HQ"),
    "change.approve": _l("Change approved by HQ"),
    "change.refuse": _l("Change refused by HQ"),
    "change.correct": _l("Decision on a change corrected"),
}

PLAN_OBJECTS = {
    "trl_records": _l("TRL record"),
    "spending_entries": _l("Spending"),
    "change_requests": _l("Change request"),
    "change_corrections": _l("Correction of a decision on a change"),
    "project_baselines": _l("Approved baseline"),
    "pm_handovers": _l("Handover"),
}

PLAN_FIELDS = {
    "level": _l("TRL"),
    "trl": _l("TRL"),
    "percent_before": _l("Percent complete before the post"),
    # files added to a record or withdrawn from it by a correction (a post, evidence)
    "files_added": _l("Files added"),
    "files_withdrawn": _l("Files withdrawn"),
    "budget_line": _l("Budget line"),
    "budget_line_id": _l("Budget line"),
    "spent_on": _l("Date spent"),
    "voucher": _l("Voucher"),
    "voucher_id": _l("Voucher"),
    "change": _l("Change"),
    "change_state": _l("State of the change"),
    "change_request_id": _l("Change request"),
    "decision_reason": _l("Reason of the decision"),
    "approved": _l("Approved"),
    "corrected_by_id": _l("Corrected by"),
    "technical_route": _l("Technical route"),
    "moved": _l("Moved between lines"),
    "params": _l("Change"),
    "before": _l("Before"),
    "after": _l("After"),
    "taken_at": _l("Taken at"),
    "from_pm_id": _l("Former project manager"),
    "to_pm_id": _l("New project manager"),
    "by_id": _l("By"),
}
