"""The words of the audit trail for multi-level approval (tracker/approvals): submissions to
the institute's levels, signatures, withdrawals, delegations and HQ's levels.
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "approval.submit": _l("Submitted to the institute for approval"),
    "approval.endorse": _l("Endorsed at the institute"),
    "approval.return": _l("Returned by the institute with an opinion"),
    "approval.withdraw": _l("Withdrawn from the institute by its applicant"),
    "approval.delegate": _l("Approval signature delegated"),
    "approval.undelegate": _l("Delegation of the approval signature ended"),
    "approval.level_add": _l("Approval level added"),
    "approval.level_remove": _l("Approval level removed"),
    "approval.level_move": _l("Approval level moved"),
    "change.endorsed": _l("Change endorsed by the institute: passed to HQ"),
    "change.return": _l("Change returned by the institute"),
    "change.withdraw": _l("Change withdrawn by the project manager"),
}

OBJECTS = {
    "approval_levels": _l("Approval level"),
    "approval_requests": _l("Submission for approval"),
    "approval_steps": _l("Approval signature"),
    "approval_delegations": _l("Delegation of the approval signature"),
}

FIELDS = {
    "approval": _l("Submitted for approval"),
    "approval_state": _l("State of the approval"),
    "approvers": _l("Approvers"),
    "verdict": _l("Verdict"),
    "opinion": _l("Opinion"),
    "on_behalf_of": _l("On behalf of"),
    "position": _l("Position"),
    "director": _l("Signed by the institute director"),
    "applies_to": _l("Applies to"),
    "subject": _l("Submitted for approval"),
    "level": _l("Level"),
    "level_since": _l("At this level since"),
    "level_name": _l("Level"),
    "submitted_by_id": _l("Submitted by"),
    "closed_at": _l("Closed at"),
    "approver_id": _l("Approver"),
    "signed_by_id": _l("Signed by"),
    "signed_at": _l("Signed at"),
    "principal_id": _l("On behalf of"),
    "delegate_id": _l("Delegate"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "cancelled_at": _l("Ended at"),
    "created_by_id": _l("Created by"),
    "request_id": _l("Submission for approval"),
}
