"""The bulk path of the funding import: each new agreement checked as `record_agreement` checks
it (`check_agreement`: who decides, the project without one and open, the terms), each of its
tranches as `add_tranche` does (`check_tranche`, against the tranches before it) and each
disbursement as `record_disbursement` does (`check_disbursement`, against what was paid
before it), on the agreement the row makes, held in memory (`new_agreement`, `new_tranche`,
`new_disbursement`: the records the services add); then a batch written a table at a time
(`tracker.imports.bulk`): the agreements, their co-funders, tranches and disbursements, and
the audit records the services write, each by the committee member the row names (one seal an
action a batch). A row with an outcome, a co-funder's payment or a reversal takes the
row-by-row path, as does every recorded agreement.
`tests/imports/test_funding_bulk.py` imports the same rows by both paths and compares them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import Problems
from tracker.funding import services as funding
from tracker.funding.forms import AgreementForm
from tracker.funding.models import CoFunder, Disbursement, FundingAgreement, Tranche
from tracker.gates.models import GateReview
from tracker.imports.bulk import ProjectsBatch, insert_returning_ids, insert_rows
from tracker.imports.funding import Funding
from tracker.imports.reversal_lines import Reversal
from tracker.milestones.models import Milestone
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

# The columns of each record as its service fills them (the others take their defaults).
AGREED = ("project_id", "committed", "hq_ratio", "discount_pct", "qualifying_round_min",
          "conversion_deadline", "signed_on", "decided_by_id")
TRANCHE = ("number", "amount", "condition", "milestone_id", "gate")
PAID = ("paid_on", "amount", "reference", "recorded_by_id")


class Held:
    """A new agreement a batch holds: who decided it, the agreement with its co-funders,
    tranches and disbursements as the services made them, and its audit record's changes."""

    __slots__ = ("agreement", "changes", "member")

    def __init__(self, member: User, agreement: FundingAgreement, changes: dict) -> None:
        self.member, self.agreement, self.changes = member, agreement, changes


class FundingBatch(ProjectsBatch):
    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._standing: dict[int, int] = {}  # project id: its agreement that stands
        self._members: dict[int, User | None] = {}
        self._by_row: set[int] = set()  # the projects of the rows the row-by-row path saves
        self._agreements: list[Held] = []  # held, in the order of `held`

    # --- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        # Every project, the gate reviews with their decisions of those an agreement may be
        # recorded for (submitted: a tranche's condition reads them), every one's phase changes
        # (its record's first day and a closed one's last: `_phase_changes`), and
        # the projects with an agreement, a statement each, not a project and its reviews a row.
        submitted = Project.phase != Phase.DRAFT
        self._projects = {p.id: p for p in db.session.scalars(select(Project).where(
            submitted).options(selectinload(Project.gate_reviews)
                               .selectinload(GateReview.decisions)))}
        self._projects.update((p.id, p) for p in db.session.scalars(
            select(Project).where(~submitted)))
        self._phase_changes()
        self._standing = {row.project_id: row.id for row in db.session.execute(select(
            FundingAgreement.project_id, FundingAgreement.id).where(
            FundingAgreement.standing()))}

    def decider(self, user_id: int) -> User | None:
        if user_id not in self._members:
            self._members[user_id] = db.session.get(User, user_id)
        return self._members[user_id]

    def find(self, probe):
        """`Funding.find` from what `_load` read: the project's agreement that stands (or
        the one the row-by-row path may have saved for it since)."""
        project = self.project(probe.get("project_id") or 0)
        if project is None:
            return None
        if project.id in self._by_row:
            return self.adapter.find(probe)
        found = self._standing.get(project.id)
        return None if found is None else db.session.get(FundingAgreement, found)

    def form(self, formdata, obj, refs):
        """The agreement form, made once and filled again for each row."""
        if obj is not None:
            return self.adapter.form(formdata, obj, refs)
        return self.refilled(formdata, AgreementForm)

    # --- checking --------------------------------------------------------------------------

    def key(self, values):
        return values["project_id"]

    def check(self, values):
        if values["outcome"] is not None or values["co_funder_payments"] or any(
                isinstance(entry, Reversal) for entry in values["disbursements"] or []):
            self._by_row.add(values["project_id"])
            return False  # recorded by their services on the row-by-row path
        terms = {k: v for k, v in values.items() if k in (*Funding.fields, "co_funders")}
        project = self.project(values["project_id"])
        member = self.decider(values["decided_by_id"])
        # Who may not decide is told as `Funding.save` tells them, with the terms' problems.
        terms["discount_pct"] = funding.check_agreement(
            member, project, **terms, standing=project.id in self._standing, history=True,
            named=True)
        agreement, changes = funding.new_agreement(member, project, **terms)
        agreement.project = project  # what the checks of its tranches and payments read
        problems = Problems()  # as `Funding.save` finds them, each in its column
        Funding._tranches(member, agreement, values["tranches"] or [], problems,
                          add=_add_tranche)
        if "tranches" not in problems:
            Funding._disbursements(member, agreement, values["disbursements"] or [], problems,
                                   disburse=_disburse)
        problems.raise_any()
        self._agreements.append(Held(member, agreement, changes))
        return True

    # --- writing ---------------------------------------------------------------------------

    def insert(self, rows):
        held, self._agreements = self._agreements, []
        agreements = [h.agreement for h in held]
        ids = insert_returning_ids(FundingAgreement, [
            {k: getattr(a, k) for k in AGREED} for a in agreements])
        insert_rows(CoFunder, [{"agreement_id": i, "partner_id": c.partner.id, "ratio": c.ratio}
                               for i, a in zip(ids, agreements, strict=True)
                               for c in a.co_funders])
        tranches = [(h, i, t) for h, i in zip(held, ids, strict=True)
                    for t in h.agreement.tranches]
        tranche_ids = insert_returning_ids(Tranche, [
            {"agreement_id": i, **{k: getattr(t, k) for k in TRANCHE}}
            for _h, i, t in tranches])
        paid = [(h, i, d) for (h, _i, t), i in zip(tranches, tranche_ids, strict=True)
                for d in t.disbursements]
        paid_ids = insert_returning_ids(Disbursement, [
            {"tranche_id": i, **{k: getattr(d, k) for k in PAID}} for _h, i, d in paid])
        # As the services write them: the agreement's record, each tranche's, each payment's.
        audit.record_many_by("funding.agree", "funding_agreements", [
            (h.member, i, h.changes) for h, i in zip(held, ids, strict=True)])
        audit.record_many_by("funding.tranche", "tranches", [
            (h.member, i, audit.pending_changes(t))
            for (h, _i, t), i in zip(tranches, tranche_ids, strict=True)])
        audit.record_many_by("funding.disburse", "disbursements", [
            (h.member, i, audit.pending_changes(d))
            for (h, _i, d), i in zip(paid, paid_ids, strict=True)])


def _add_tranche(member: User, agreement: FundingAgreement, *, history: bool,
                 **given: Any) -> Tranche:
    """`add_tranche` on the agreement a batch holds: checked, added, not written."""
    funding.require_committee(member)
    funding.check_tranche(agreement, **given, history=history)
    tranche = funding.new_tranche(agreement, **given)
    if tranche.milestone_id is not None:  # what its payments' checks read of it
        tranche.milestone = db.session.get(Milestone, tranche.milestone_id)
    return tranche


def _disburse(member: User, tranche: Tranche, *, amount, paid_on, reference,
              history: bool) -> Disbursement:
    """`record_disbursement` on a tranche a batch holds: checked, recorded, not written."""
    funding.require_committee(member)
    funding.check_disbursement(tranche, amount=amount, paid_on=paid_on, history=history)
    return funding.new_disbursement(member, tranche, amount=amount, paid_on=paid_on,
                                    reference=reference)


class BulkFunding(Funding):
    """The funding import with its bulk path (the adapter the import uses)."""

    def batch(self, actor):
        return FundingBatch(actor, self)
