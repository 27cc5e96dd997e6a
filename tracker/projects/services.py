"""What can be done to a project: write and submit a proposal, resume or end a held one.
Every change of phase goes through `tracker.projects.phases.change_phase`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, select

from tracker import db
from tracker.accounts.models import User
from tracker.approvals import chain
from tracker.approvals.models import ApprovalRequest, Subject
from tracker.audit import services as audit
from tracker.budgets import services as budgets
from tracker.contracts.models import ResearchContract
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Problems, Refused, require
from tracker.files.models import StoredFile
from tracker.funding.models import FundingAgreement
from tracker.gates import services as gates
from tracker.gates.models import Deliverable
from tracker.imports.models import ImportRun
from tracker.milestones.models import (
    Evidence,
    Milestone,
    MilestoneEvent,
    ProgressUpdate,
    Rebaseline,
)
from tracker.needs import contracted
from tracker.organisations.models import Enterprise, Institute, TechnologyNeed
from tracker.projects import closed, codes, drafts, guards, lifecycle, team
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import Phase, Step
from tracker.projects.models import BudgetLine, Project
from tracker.projects.phases import change_phase
from tracker.reminders.models import OutboxMessage
from tracker.techfields import services as techfields

# --- proposals --------------------------------------------------------------------------------


def _validate(values: dict, budget_lines: list[tuple[str, Decimal]], member_ids: list[int],
              pm: User, project: Project | None = None, problems: Problems | None = None,
              *, history: bool = False) -> None:
    """Every problem of the proposal at once (`Problems`, with those of `problems` when
    given): the form shows each beside its field in one answer; a rule on a value None
    (refused by its field) waits for it. `history`: the proposal of a project imported past
    it (`lifecycle.PROPOSED`), whose PM and team are named as they were, not where they are
    now: a PM who has moved institute since, a member of a sister institute or one who has
    left, are not refused."""
    problems = problems if problems is not None else Problems()
    values["field_id"] = techfields.classify(  # the choice made, or kept, or the text's
        values.get("field_id") or getattr(project, "field_id", None), values.get("field"))
    start, end, total = values["start_date"], values["end_date"], values["budget_total"]
    if None not in (start, end) and end < start:
        problems.add("end_date", _("The end date is before the start date."))
    elif project is not None and None not in (start, end):
        milestones_within(project, start, end, problems)
    if None not in (now := values["trl_now"], target := values["trl_target"]) and target < now:
        problems.add("trl_target", _("The targeted TRL is below the current one."))
    if total is not None and total < 0:
        problems.add("budget_total", _("The amount cannot be negative."))
    allocated = sum((amount for _, amount in budget_lines), Decimal("0"))
    if any(amount < 0 for _, amount in budget_lines):
        problems.add("budget_lines", _("A budget line cannot be negative."))
    elif total is not None and total >= 0 and (over := budgets.lines_over_total(allocated,
                                                                                 total)):
        problems.add("budget_lines", over)
    template = budgets.proposal_template(values, project, problems)
    if template is not None:
        amounts = budgets.by_category(template, budget_lines, problems)
        if "budget_lines" not in problems:
            budgets.check_cap(template, amounts, problems)
    if db.session.get(Institute, values["institute_id"]) is None:
        problems.add("institute_id", _("Choose an institute."))
    elif project is not None and project.code and values["institute_id"] != project.institute_id:
        # Reworked after gate 1's RECYCLE: its code and its endorsement are its institute's.
        problems.add("institute_id", _("The proposal was submitted as %(code)s for %(name)s: "
                                       "its institute stays.", code=project.code,
                                       name=project.institute.shown("name")))
    elif (not history and pm.institute_id is not None
          and values["institute_id"] != pm.institute_id):
        # The institute's director must see the project: a PM proposes for their own.
        problems.add("institute_id", _("You propose projects for your own institute, "
                                       "%(name)s.", name=pm.institute.shown("name")))
    enterprise_id = values.get("partner_enterprise_id")
    if enterprise_id and db.session.get(Enterprise, enterprise_id) is None:
        problems.add("partner_enterprise_id", _("Choose an enterprise."))
    need_id = values.get("need_id")
    if need_id:
        need = db.session.get(TechnologyNeed, need_id)
        if need is None or not need.can_view(pm):
            problems.add("need_id", _("Choose a technology need you can see."))
        elif enterprise_id and need.enterprise_id != enterprise_id:
            problems.add("need_id", _("This need was stated by another enterprise than the "
                                      "partner."))
    if "institute_id" not in problems:
        team.check_names(pm, values["institute_id"], member_ids, project, problems,
                         history=history)
    _check_funding(values, problems)
    problems.raise_any()


def _check_funding(values: dict, problems: Problems) -> None:
    """A government programme (纵向) is named with its level; an enterprise-funded project (横向)
    names its enterprise; the programme's fields are kept for a government programme only."""
    source = values.setdefault("funding_source", FundingSource.OWN)
    if source is FundingSource.GOVERNMENT:
        if not values.get("programme_level"):
            problems.add("programme_level", _("Choose the programme's level."))
        if not (values.get("programme_name") or "").strip():
            problems.add("programme_name", _("Name the government programme that funds it."))
    else:
        values.update(programme_level=None, programme_name="", funder_project_number="",
                      managing_body="")
    if source is FundingSource.ENTERPRISE and not values.get("partner_enterprise_id"):
        problems.add("partner_enterprise_id", _("An enterprise-funded project names the "
                                                "enterprise that funds it."))
    for key in ("programme_name", "funder_project_number", "managing_body"):
        values[key] = (values.get(key) or "").strip()


def _set_team_and_budget(project: Project, budget_lines, member_ids) -> dict:
    """New team members wait for their confirmation (`tracker.projects.team`). A budget by a
    template has one line per category, kept (it is updated, never replaced: a line of a
    category is unique to its project)."""
    changes = team.set_team(project, member_ids)
    before = [[b.category, str(b.amount)] for b in project.budget_lines]
    kept = {b.category_id: b for b in project.budget_lines if b.category_id is not None}
    lines = []
    planned = budgets.planned_lines(project.budget_template_id, budget_lines)
    for name, category_id, amount in planned:
        line = kept.get(category_id) or BudgetLine(category_id=category_id)
        line.category, line.amount = name, amount
        lines.append(line)
    project.budget_lines = lines
    after = [[b.category, str(b.amount)] for b in project.budget_lines]
    if before != after:
        changes["budget_lines"] = [before, after]
    return changes


def check_proposal(actor: User, values: dict, budget_lines: list[tuple[str, Decimal]],
                   member_ids: list[int], *, named: bool = False,
                   history: bool = False) -> None:
    """What `create_proposal` refuses, without writing: the import checks each row by it.
    `named`: the row names the PM (`Problems.who`): one who is no PM is told with the
    proposal's other problems. `history`: as `_validate` says."""
    problems = Problems()
    problems.who(Project.can_create(actor), _("Only project managers write proposals."), named)
    _validate(values, budget_lines, member_ids, actor, problems=problems, history=history)


def check_update(project: Project, values: dict, budget_lines: list[tuple[str, Decimal]],
                 member_ids: list[int]) -> None:
    """What `update_proposal` refuses of a draft's values, without writing: an import row
    that changes what no row may change is told its proposal's problems in the same answer."""
    _validate(dict(values), budget_lines, member_ids, project.pm, project)


def create_proposal(actor: User, *, budget_lines: list[tuple[str, Decimal]],
                    member_ids: list[int], pm: User | None = None, history: bool = False,
                    **values) -> Project:
    """A draft led by `actor`, or by `pm` for whom HQ opens it (tracker/needs checks HQ may);
    `history`: as `_validate` says."""
    check_proposal(pm := pm or actor, values, budget_lines, member_ids, history=history)

    def draft() -> tuple[Project, dict]:  # again if a draft made meanwhile took its number
        db.session.add(project := Project(hq_id=db.session.get(
            Institute, values["institute_id"]).hq_id, pm_id=pm.id, phase=Phase.DRAFT, **values))
        changes = audit.pending_changes(project)  # pending: every value given
        return project, {**changes, **_set_team_and_budget(project, budget_lines, member_ids)}
    project, changes = drafts.written_numbered(draft)
    audit.record(actor, "project.create", project, changes)
    db.session.flush()
    return project


def milestones_within(project: Project, start: date, end: date,
                      problems: Problems | None = None) -> None:
    """New project dates keep every milestone inside them: a problem of `problems`, or
    refused at once without."""
    outside = db.session.scalars(select(Milestone).where(
        Milestone.project_id == project.id,
        (Milestone.due_date < start) | (Milestone.due_date > end))
        .order_by(Milestone.due_date)).first()
    if outside is not None:
        field = "end_date" if outside.due_date > end else "start_date"
        message = _("Milestone “%(title)s” is due on %(date)s, outside these dates: move it "
                    "first.", title=outside.title, date=day(outside.due_date))
        if problems is None:
            raise Invalid(field, message)
        problems.add(field, message)


def update_proposal(actor: User, project: Project, *, budget_lines: list[tuple[str, Decimal]],
                    member_ids: list[int], **values) -> None:
    require(project.can_edit_proposal(actor), lambda: closed.proposal_refusal(project))
    _validate(values, budget_lines, member_ids, actor, project)
    need_before = project.need
    for key, value in values.items():
        setattr(project, key, value)
    changes = audit.pending_changes(project)
    changes.update(_set_team_and_budget(project, budget_lines, member_ids))
    audit.record_if_changed(actor, "project.update", project, changes)
    db.session.flush()
    if "need_id" in changes and db.session.scalar(select(ResearchContract.id).where(
            ResearchContract.project_id == project.id).limit(1)) is not None:
        db.session.expire(project, ["need"])  # its contracts date another need
        contracted.follow(actor, [need_before, project.need])


def submission_checklist(project: Project) -> list[guards.Check]:
    """What a draft needs before it is submitted: what gate 1 asks for, its budget included."""
    return guards.gate_checklist(project, 1)


def submission_refusals(project: Project) -> list[str]:
    """What stands between a draft and its submission (empty: it may be submitted)."""
    return [check.refusal for check in submission_checklist(project) if check.refusal]


def readiness(project: Project, known: guards.Known | None = None) -> list[guards.Check]:
    """The checklist everyone who sees the project finds on its page: every guard between the
    project and its next gate, met or not (no gate ahead: none); `known`: `guards.Known`."""
    gate = lifecycle.current_gate(project.phase)
    if gate is None:
        return []
    if project.phase is Phase.DRAFT:
        return submission_checklist(project)
    return guards.gate_checklist(project, gate, known=known)


def later_readiness(project: Project, known: guards.Known | None = None) -> list:
    """The guards of the gates after the next one, listed on the page from the start."""
    gate = lifecycle.current_gate(project.phase)
    return [] if gate is None else guards.later_checklists(project, gate, known)


def submit_proposal(actor: User, project: Project) -> ApprovalRequest | None:
    """To the institute's levels (tracker/approvals), then HQ (`enter_review`)."""
    require(project.can_prepare(actor), lambda: closed.submit_refusal(project))
    if refusals := submission_refusals(project):
        raise Refused(" ".join(refusals))
    return chain.start(actor, project, Subject.PROPOSAL) or enter_review(project)


def enter_review(project: Project) -> None:
    """Once endorsed: proposal review, code, gate 1; what it needs is checked again."""
    if refusals := submission_refusals(project):
        raise Refused(" ".join(refusals))
    change_phase(project.pm, project, Phase.PROPOSAL_REVIEW, Step.SUBMIT)
    codes.assign_code(project.pm, project)
    gates.open_request(project.pm, project, 1)


def submit_imported(actor: User, project: Project, code: str, imported: tuple[int, datetime]):
    """A proposal submitted before the tracker, brought in by an HQ admin's import (`imported`:
    it and when): it enters proposal review, by that admin, under its code (no deliverables)."""
    if not ImportRun.can_import(actor):
        raise Forbidden()
    change_phase(actor, project, Phase.PROPOSAL_REVIEW, Step.SUBMIT, imported=imported)
    codes.adopt_code(actor, project, code, imported[1])


def withdrawal_refusal(project: Project) -> str | None:
    """Why the project cannot be withdrawn now by its PM or HQ (`Project.can_withdraw`): it is
    no longer a draft, it waits at the institute, or money was recorded against the draft (the
    project page says that instead of offering the button); None when it can."""
    if not project.is_draft:
        return _("This proposal is “%(phase)s”, no longer a draft: only a draft is "
                 "withdrawn.", phase=label(project.phase))
    if project.proposal_at_institute:
        return _("The proposal is with the institute: withdraw it from there first, then "
                 "the draft.")
    for model, what in ((ResearchContract, _("a research contract")),
                        (FundingAgreement, _("an allocation-investment agreement"))):
        if db.session.scalar(select(model.id).where(model.project_id == project.id).limit(1)):
            return _("This draft has %(what)s recorded against it, so it cannot be "
                     "withdrawn.", what=what)
    return None


def withdraw_draft(actor: User, project: Project) -> None:
    """Delete a draft: by its PM, or by HQ for any draft. Its milestones and uploads go with
    it; the audit trail keeps what it was."""
    require(project.can_withdraw(actor), lambda: withdrawal_refusal(project))
    audit.record(actor, "project.withdraw", project, {
        "title": [project.title, None], "phase": [project.phase.value, None]})
    _delete_draft_rows(project)
    db.session.delete(project)
    db.session.flush()


def _delete_draft_rows(project: Project) -> None:
    """What a draft can have besides its team and budget: milestones with their history and
    evidence, gate-1 uploads, reminders queued about them."""

    milestones = select(Milestone.id).where(Milestone.project_id == project.id)
    updates = select(ProgressUpdate.id).where(ProgressUpdate.milestone_id.in_(milestones))
    for stmt in (
        delete(OutboxMessage).where(OutboxMessage.project_id == project.id),
        delete(Evidence).where(Evidence.update_id.in_(updates)),
        delete(ProgressUpdate).where(ProgressUpdate.milestone_id.in_(milestones)),
        delete(MilestoneEvent).where(MilestoneEvent.milestone_id.in_(milestones)),
        delete(Rebaseline).where(Rebaseline.milestone_id.in_(milestones)),
        delete(Milestone).where(Milestone.project_id == project.id),
        delete(Deliverable).where(Deliverable.project_id == project.id),
        delete(StoredFile).where(StoredFile.project_id == project.id),
    ):
        db.session.execute(stmt.execution_options(synchronize_session=False))


# --- resuming or ending a held project ------------------------------------------------------


def resume(actor: User, project: Project, reason: str, *,
           imported: tuple[int, datetime] | None = None) -> None:
    """HQ resumes a held project in the phase it was held in; `imported`: (the import, the
    instant) of one resumed before the tracker (`tracker.imports.holds`)."""
    _hold_decidable(actor, project)
    if (refusal := closed.resume_refusal(reason)) is not None:
        raise Invalid("reason", refusal)
    change_phase(actor, project, project.held_phase, Step.RESUME, reason=reason.strip(),
                 imported=imported)


def _hold_decidable(actor: User, project: Project) -> None:
    """Who may never resume or end a held project hears so (403) before reason or phase; one
    who may, why this project cannot be (409), whatever the reason says."""
    require(Project.can_decide_hold(actor), lambda: closed.hold_refusal(project),
            _("You may not take this step on this project."))


def terminate_held(actor: User, project: Project, rationale: str, *,
                   imported: tuple[int, datetime] | None = None) -> None:
    """HQ ends a held project, without a gate; `imported`: (the import, the instant) of one
    ended before the tracker (`tracker.imports.projects`)."""
    _hold_decidable(actor, project)
    if (refusal := closed.rationale_refusal(rationale)) is not None:
        raise Invalid("reason", refusal)
    change_phase(actor, project, Phase.TERMINATED, Step.KILL, reason=rationale.strip(),
                 imported=imported)
