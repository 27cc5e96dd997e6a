"""The project page as its views render it, after a GET and above a refused form posted from it:
what it shows its reader and which forms it offers them, each where the model's predicate (who)
and the refusal (when) both allow it; the template reads no state to decide."""

from __future__ import annotations

from flask import render_template

from tracker.accounts.models import User
from tracker.achievements import queries as achievement_queries
from tracker.achievements import withdrawals as achievement_withdrawals
from tracker.achievements.models import Achievement
from tracker.changes import queries as changes
from tracker.contracts.models import ResearchContract
from tracker.dates import today
from tracker.funding.models import FundingAgreement
from tracker.gates import conditions, deliverables
from tracker.gates import services as gates
from tracker.milestones.models import Milestone
from tracker.obligations import queries as obligation_queries
from tracker.projects import closed, lifecycle, queries, services, team, trl
from tracker.projects.forms import ReasonForm, TrlForm, UploadForm
from tracker.projects.models import Project
from tracker.web.permissions import acting_user


def _upload_form(user: User, project: Project, gate: int | None) -> UploadForm | None:
    """The deliverable upload form, for the PM while the current gate's template asks for
    deliverables (none asked: no form, rather than one with nothing to choose)."""
    template = gates.find_template(gate) if gate else None
    if not template or not template.required_deliverables or not project.can_prepare(user):
        return None
    form = UploadForm()
    form.name.choices = [(n, template.deliverable_shown(n)) for n in template.required_deliverables]
    return form


def project_page(project: Project, **forms) -> str:
    """The project page; `forms` are those posted from it, as filled (`upload`, `resume_form`,
    `terminate_form`, `condition_forms` by condition id)."""
    user, gate = acting_user(), lifecycle.current_gate(project.phase)
    page = queries.project_page(project)
    # For everyone who sees the project; from what the page has read.
    checklist = services.readiness(project, page.known())
    is_open = closed.open_refusal(project) is None
    withdrawal = services.withdrawal_refusal(project)
    ready = not any(check.refusal for check in checklist)
    return render_template(
        "projects/show.html", **page.as_context(), gate=gate,
        upload=forms.get("upload") or _upload_form(user, project, gate), checklist=checklist,
        # The proposal's submission, or the request of the gate closing its phase, once the
        # checklist is met: each as its service's refusal answers.
        submits_proposal=ready and closed.submit_refusal(project) is None,
        requests_gate=ready and gate is not None and closed.gate_refusal(project) is None,
        later_checklists=services.later_readiness(project, page.known()),
        resume_form=forms.get("resume_form") or ReasonForm(id_prefix="resume"),
        terminate_form=forms.get("terminate_form") or ReasonForm(id_prefix="terminate"),
        condition_forms=forms.get("condition_forms", {}), today=today(),
        trl_form=forms.get("trl_form") or (
            TrlForm(id_prefix="trl") if project.can_manage_plan(user)
            and closed.plan_refusal(project) is None else None),
        trl_correctable=trl.correctable(user, project), trl_corrected=trl.corrected_of(project),
        deliverables_correctable={d.id for d in page.deliverables if d.can_correct(user)
                                  and deliverables.refusal(d) is None},
        can_withdraw=project.can_withdraw(user) and withdrawal is None,
        withdrawal_refusal=project.is_draft and project.can_withdraw(user) and withdrawal,
        can_prepare=project.can_prepare(user) and is_open,
        # A draft, or a proposal gate 1 sent back for rework (`closed.rework`, said above it).
        edits_proposal=project.can_edit_proposal(user)
        and closed.proposal_refusal(project) is None,
        rework=closed.rework(project),
        decides_hold=Project.can_decide_hold(user) and closed.hold_refusal(project) is None,
        can_plan_milestone=Milestone.can_plan(user, project) and is_open,
        can_record_contract=ResearchContract.can_record(user, project) and is_open,
        achievements=achievement_queries.of_project(project),
        reports_owed=obligation_queries.of_project(user, project),
        can_record_achievement=Achievement.can_record(user, project)
        and achievement_withdrawals.record_refusal(project) is None,
        can_see_funding=FundingAgreement.can_see(user, project),
        plan=changes.comparison(project), pending_changes=changes.pending_count(project),
        answerable=team.answerable(user, project.members),
        condition_offers=conditions.offers(user, page.conditions))
