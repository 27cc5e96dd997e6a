"""What can be done to an enterprise's need between its intake and its contract: submit it,
analyse it, propose candidates, decide the match, make it a project, move or close it. Each
function takes the acting user, checks their permission (`TechnologyNeed` predicates),
validates, changes through `organisations.stamp_state` (the one writer of a need's state),
audits and flushes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.formatting import money, on_day
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.needs.intake import intake_of
from tracker.needs.models import NeedCandidate
from tracker.notifications.services import emit
from tracker.organisations import need_states
from tracker.organisations import services as organisations
from tracker.organisations.models import (
    Institute,
    JointInnovationCentre,
    NeedState,
    NeedUrgency,
    TechnologyNeed,
)
from tracker.projects import services as projects
from tracker.projects.funding import FundingSource
from tracker.projects.models import Project, ProjectType
from tracker.techfields import services as techfields

# How long the draft a need becomes runs at first: the PM plans it from there.
DRAFT_YEARS = 2


def _may_steer(actor: User) -> None:
    if not TechnologyNeed.can_edit(actor):
        raise Forbidden()


def submit_need(actor: User, *, title: str, description: str = "",
                intended_investment: Decimal | None = None,
                centre_id: int | None = None) -> TechnologyNeed:
    """A need stated by an enterprise's contact (for their enterprise, through one of its
    centres or none) or a centre's liaison (for the centre's enterprise): collected."""
    if not TechnologyNeed.can_submit(actor):
        raise Forbidden()
    problems = Problems()
    intake = intake_of(actor)
    centre = db.session.get(JointInnovationCentre, centre_id) if centre_id else None
    if (centre_id and centre is None) or not intake.takes(centre):
        problems.add("centre_id", _("Choose a centre whose liaison you are.")
                     if intake.centre_required else
                     _("This centre belongs to another enterprise."))
    enterprise_id = (intake.enterprise.id if intake.enterprise is not None
                     else centre.enterprise_id if centre is not None else None)
    if intended_investment is not None and intended_investment < 0:
        problems.add("intended_investment", _("The amount cannot be negative."))
    problems.raise_any()
    need = TechnologyNeed(title=title.strip(), description=description.strip(),
                          enterprise_id=enterprise_id, centre_id=centre.id if centre else None,
                          intended_investment=intended_investment, submitted_by_id=actor.id,
                          state=NeedState.COLLECTED)
    changes = audit.pending_changes(need)
    db.session.add(need)
    db.session.flush()
    audit.record(actor, "need.submit", need, changes)
    return need


def analyse_need(actor: User, need: TechnologyNeed, *, field_id: int | None, trl: int | None,
                 budget_min: Decimal | None, budget_max: Decimal | None,
                 urgency: NeedUrgency | None) -> None:
    """HQ's analysis: the technical field (of HQ's list, which the reports count by), the TRL
    the enterprise starts from, the budget range it would pay, how urgent it is. A collected
    need is analysed by it; an analysed or matched one has its analysis corrected."""
    _may_steer(actor)
    if (said := need_states.final_refusal(need)) is not None:  # contracted or closed
        raise Refused(said)
    problems = Problems()
    field_id = techfields.classify(field_id)
    if field_id is None:
        problems.add("field_id", _("Choose the technical field from HQ's list."))
    if trl is not None and not 1 <= trl <= 9:
        problems.add("trl", _("A TRL is from 1 to 9."))
    for name, amount in (("budget_min", budget_min), ("budget_max", budget_max)):
        if amount is not None and amount < 0:
            problems.add(name, _("The amount cannot be negative."))
    if (budget_min is not None and budget_max is not None and budget_max < budget_min
            and "budget_min" not in problems):
        problems.add("budget_max", _("The most it would pay, %(max)s, is below the least, "
                                     "%(min)s.", max=money(budget_max), min=money(budget_min)))
    problems.raise_any()
    need.field_id, need.trl, need.urgency = field_id, trl, urgency
    need.budget_min, need.budget_max = budget_min, budget_max
    if need.state is NeedState.COLLECTED:
        organisations.stamp_state(actor, need, NeedState.ANALYSED)
    audit.record(actor, "need.analyse", need, audit.pending_changes(need))
    db.session.flush()


def propose_candidate(actor: User, need: TechnologyNeed, *, institute_id: int,
                      pm_id: int | None, reason: str) -> NeedCandidate:
    """A candidate for an analysed need: an institute, one of its PMs or none yet, and why."""
    _may_steer(actor)
    if need.state is not NeedState.ANALYSED:
        raise Refused(_("Candidates are proposed for an analysed need; this one "
                        "has been %(state)s since %(date)s. %(instead)s",
                        state=need_states.state_of(need), date=need_states.since(need),
                        instead=need_states.instead(need)))
    problems = Problems()
    institute = db.session.get(Institute, institute_id)
    if institute is None:
        problems.add("institute_id", _("Choose an institute."))
    if pm_id:
        _check_pm(db.session.get(User, pm_id), institute_id, "pm_id", problems)
    if not reason.strip():
        problems.add("reason", _("Say why this candidate fits the need."))
    problems.raise_any()
    candidate = NeedCandidate(need_id=need.id, institute_id=institute_id, pm_id=pm_id or None,
                              reason=reason.strip(), proposed_by_id=actor.id)
    db.session.add(candidate)
    db.session.flush()
    audit.record(actor, "need.candidate", need, {"candidate": [None, {
        "id": candidate.id, "institute_id": institute_id, "pm_id": pm_id or None,
        "reason": candidate.reason}]})
    return candidate


def _check_pm(pm: User | None, institute_id: int, field: str, problems: Problems) -> None:
    if (pm is None or not pm.active or not pm.has_role(Role.PROJECT_MANAGER)
            or pm.institute_id != institute_id):
        problems.add(field, _("Choose a project manager of the institute."))


def decide_match(actor: User, need: TechnologyNeed, candidate_id: int) -> NeedCandidate:
    """The match decision: which candidate, who decided, when. The need is matched to the
    candidate's institute, whose director is told (`need_matched`)."""
    _may_steer(actor)
    if need.state is not NeedState.ANALYSED:
        raise Refused(_("A need is matched once it is analysed; this one has been %(state)s "
                        "since %(date)s. %(instead)s",
                        state=need_states.state_of(need), date=need_states.since(need),
                        instead=need_states.instead(need)))
    candidate = db.session.get(NeedCandidate, candidate_id)
    if candidate is None or candidate.need_id != need.id:
        raise Invalid("candidate_id", _("Choose one of the need's candidates."))
    organisations.stamp_state(actor, need, NeedState.MATCHED)
    candidate.chosen_at, candidate.chosen_by_id = need.matched_at, actor.id
    need.institute_id = candidate.institute_id
    changes = audit.pending_changes(need)
    changes["candidate"] = [None, candidate.id]
    audit.record(actor, "need.match", need, changes)
    db.session.flush()
    emit(actor, "need_matched", need)
    return candidate


def chosen(need: TechnologyNeed) -> NeedCandidate | None:
    """The candidate of the match in force (a matched or contracted need's)."""
    if need.state not in (NeedState.MATCHED, NeedState.CONTRACTED):
        return None
    return db.session.scalar(select(NeedCandidate).where(
        NeedCandidate.need_id == need.id, NeedCandidate.chosen_at.is_not(None))
        .order_by(NeedCandidate.chosen_at.desc(), NeedCandidate.id.desc()).limit(1))


def projects_of(need: TechnologyNeed) -> list[Project]:
    return list(db.session.scalars(select(Project).where(Project.need_id == need.id)
                                    .order_by(Project.id)))


def make_project(actor: User, need: TechnologyNeed, pm_id: int) -> Project:
    """A matched need becomes a project in one action: a draft proposal for the PM HQ names
    (of the institute the need is matched to), filled from the need (title, enterprise,
    institute, field, TRL, budget), linked to it; the PM finds it on their home page."""
    _may_steer(actor)
    if need.state is not NeedState.MATCHED:
        raise Refused(_("A matched need becomes a project; this one has been %(state)s since "
                        "%(date)s. %(instead)s",
                        state=need_states.state_of(need), date=need_states.since(need),
                        instead=need_states.instead(need)))
    if existing := projects_of(need):
        raise Refused(_("The need became project %(project)s on %(date)s already.",
                        project=existing[0].reference, date=on_day(existing[0].created_at)))
    problems = Problems()
    pm = db.session.get(User, pm_id)
    _check_pm(pm, need.institute_id, "pm_id", problems)
    problems.raise_any()
    institute = db.session.get(Institute, need.institute_id)
    start = today()
    trl = need.trl or 1
    project = projects.create_proposal(
        actor, pm=pm, budget_lines=[], member_ids=[], title=need.title,
        summary=need.description,
        field=need.technical_field.name if need.technical_field else institute.field,
        field_id=need.field_id or institute.field_id,
        type=ProjectType.CONTRACT_RESEARCH, institute_id=institute.id,
        partner_enterprise_id=need.enterprise_id, need_id=need.id,
        funding_source=FundingSource.ENTERPRISE, trl_now=trl, trl_target=min(9, trl + 2),
        budget_total=need.budget_max or need.intended_investment or Decimal("0"),
        start_date=start, end_date=start + timedelta(days=365 * DRAFT_YEARS))
    audit.record(actor, "need.project", need, {"project": [None, project.id],
                                                "pm_id": [None, pm.id]})
    db.session.flush()
    return project


def move_need(actor: User, need: TechnologyNeed, target: NeedState, reason: str = "") -> None:
    """HQ moves a need by the table: a match that fell through (back to analysed), a contract
    signed outside the tracker (contracted), given up (closed, with the reason)."""
    _may_steer(actor)
    if (said := need_states.final_refusal(need)) is not None:
        raise Refused(said)
    if target is None:  # the form could not read one
        raise Invalid("target", _("Choose the state it moves to."))
    organisations.stamp_state(actor, need, target, reason)
    changes = audit.pending_changes(need)
    if reason.strip():
        changes["reason"] = [None, reason.strip()]
    audit.record(actor, "need.move", need, changes)
    db.session.flush()
