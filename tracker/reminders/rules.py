"""THE catalogue of reminder rules: every deadline that produces reminders, in one place.

Each rule names the deadline it watches (a query over open items: one that has been done no
longer comes out of it, so its reminders stop), who receives it, its ladder of offsets (each a
setting HQ admins edit on the reminder-settings page, with domain.md's default), the e-mail
template (``templates/email/<rule>.txt`` and ``.html``) and whether its first recipients may turn
it off. Escalations (the steps to someone else than the first recipients) can never be turned
off, nor can the reminders of reviews.

A rung of a ladder fires on ``deadline + offset``; a scan on a date writes, for each audience,
the latest rung that has fired (so a scan missed one day catches up the next, without sending
stale rungs). The escalation climbs PM -> institute director -> HQ admin.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import aliased
from werkzeug.routing import BuildError

from tracker import db
from tracker.accounts.models import User
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.dates import local_date, org_zone
from tracker.gates.models import (
    Condition,
    ConditionState,
    Declaration,
    GateDecision,
    GateReview,
    PanelMember,
    ReviewState,
)
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import Institute
from tracker.projects.lifecycle import ACTIVE, Phase
from tracker.projects.models import Project
from tracker.reminders.models import Audience
from tracker.settings.catalogue import CATALOGUE, SettingDef


class When:
    BEFORE = "before"  # days before the deadline
    AFTER = "after"  # days after it (0: on the day)
    EVERY = "every"  # then every N days after the audience's last 'after' rung (0: never)


@dataclass(frozen=True)
class Step:
    name: str
    audience: Audience
    when: str
    default: int
    label: Any  # a lazy string, shown on the settings page


@dataclass(frozen=True)
class Item:
    """One open item a rule watches, with the people its ladder may reach."""

    id: int
    deadline: date
    title: str
    link: tuple[str, dict[str, Any]]  # endpoint and its values
    project_id: int | None = None
    project: str = ""  # the project's code, for the message
    owner_id: int | None = None
    director_id: int | None = None
    chair_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)  # more the template shows


@dataclass(frozen=True)
class Query:
    """Which open items to read: deadlines up to `until`, these ids, this owner's; `on` is the
    date asked about, for items that end by themselves when their date passes."""

    until: date | None = None
    item_ids: Collection[int] | None = None
    owner_id: int | None = None
    on: date | None = None

    def apply(self, stmt: Select, id_col, date_col, owner_col) -> Select:
        if self.until is not None and date_col is not None:
            stmt = stmt.where(date_col <= self.until)
        if self.item_ids is not None:
            stmt = stmt.where(id_col.in_(list(self.item_ids)))
        if self.owner_id is not None:
            stmt = stmt.where(owner_col == self.owner_id if owner_col is not None else false())
        return stmt


@dataclass(frozen=True)
class Rung:
    audience: Audience
    offset: int
    fire_on: date
    business_days: bool

    def occurrence(self, deadline: date) -> str:
        unit = "bd" if self.business_days else "d"
        return f"{deadline.isoformat()}{self.offset:+d}{unit}"


@dataclass(frozen=True)
class Rule:
    name: str  # stored in the outbox and names the templates: keep it stable
    label: Any  # lazy: the rule on the settings and preference pages
    what: Any  # lazy: the kind of item, in subjects ("Milestone")
    watches: Any  # lazy: the deadline, in a sentence
    first: Audience  # who the first rungs go to
    owner_label: Any  # lazy: who OWNER is for this rule ("project manager")
    steps: tuple[Step, ...]
    items: Callable[[Query], list[Item]]
    optional: bool  # may the first audience turn its reminders off?
    business_days: bool = False  # offsets count business days (mainland-China calendar)

    def setting_key(self, step: Step) -> str:
        return f"reminder_{self.name}_{step.name}"

    def settings(self) -> list[SettingDef]:
        return [SettingDef(self.setting_key(s), s.default, s.label, minimum=0, maximum=366)
                for s in self.steps]

    def audiences(self) -> list[Audience]:
        return list(dict.fromkeys(s.audience for s in self.steps))

    def ladder(self) -> Ladder:
        """The steps with the values in force now."""
        from tracker.settings import services as settings

        return Ladder(self, {s.name: int(settings.get(self.setting_key(s))) for s in self.steps})


class Ladder:
    """A rule's steps with their values: which rungs have fired on a date."""

    def __init__(self, rule: Rule, values: dict[str, int]) -> None:
        self.rule = rule
        self.values = values
        self._business: dict[tuple[date, int], date] = {}

    @property
    def lookahead(self) -> int:
        """How many days before a deadline its first rung can fire."""
        return max([self.values[s.name] for s in self.rule.steps if s.when == When.BEFORE],
                   default=0)

    def _fire_on(self, deadline: date, offset: int) -> date:
        if not self.rule.business_days or offset <= 0:
            return deadline + timedelta(days=offset)
        key = (deadline, offset)
        if key not in self._business:
            from tracker.workdays.services import add_business_days

            self._business[key] = add_business_days(deadline, offset)
        return self._business[key]

    def offsets(self, audience: Audience) -> tuple[list[int], int]:
        """The fixed offsets of one audience, and its repeat interval (0: none)."""
        fixed, every = [], 0
        for step in self.rule.steps:
            if step.audience is not audience:
                continue
            value = self.values[step.name]
            if step.when == When.BEFORE:
                fixed.append(-value)
            elif step.when == When.AFTER:
                fixed.append(value)
            else:
                every = value
        return sorted(set(fixed)), every

    def current(self, deadline: date, on: date) -> list[Rung]:
        """For each audience, the latest rung that has fired on `on`, if any."""
        rungs = []
        for audience in self.rule.audiences():
            fixed, every = self.offsets(audience)
            fired = [o for o in fixed if self._fire_on(deadline, o) <= on]
            after = [o for o in fixed if o >= 0]
            if every and after and not self.rule.business_days:
                last = max(after)
                elapsed = (on - deadline).days - last
                if elapsed >= every:
                    fired.append(last + (elapsed // every) * every)
            if fired:
                offset = max(fired)
                rungs.append(Rung(audience, offset, self._fire_on(deadline, offset),
                                  self.rule.business_days))
        return rungs

    def due_on(self, deadline: date) -> date:
        """When the work is due, for subjects and the calendar: the deadline itself, or for a
        rule counted from an event (a submission), the first rung after it."""
        if not self.rule.business_days:
            return deadline
        fixed, _every = self.offsets(self.rule.first)
        after = [o for o in fixed if o > 0]
        return self._fire_on(deadline, min(after)) if after else deadline


# --- the queries of open items, one per rule ---------------------------------------------------

OPEN_MILESTONE = (MilestoneState.PLANNED, MilestoneState.IN_PROGRESS)


def _rows(stmt: Select) -> list[Any]:
    return list(db.session.execute(stmt))


def milestones_due(q: Query) -> list[Item]:
    """Milestones of active projects not yet submitted (submitted ones wait on the evaluator;
    accepted or waived ones are done)."""
    stmt = (select(Milestone.id, Milestone.due_date, Milestone.title, Project.id, Project.code,
                   Project.pm_id, Institute.director_id)
            .join(Project, Project.id == Milestone.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Milestone.state.in_(OPEN_MILESTONE), Project.phase.in_(ACTIVE)))
    stmt = q.apply(stmt, Milestone.id, Milestone.due_date, Project.pm_id)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6],
                 link=("milestones.show", {"milestone_id": r[0]}))
            for r in _rows(stmt)]


def milestones_awaiting_review(q: Query) -> list[Item]:
    """Submitted milestones, counted from the day of submission; done once reviewed (accepted,
    or returned to the PM) or waived."""
    stmt = (select(Milestone.id, Milestone.submitted_at, Milestone.title, Project.id,
                   Project.code, Milestone.reviewer_id, Institute.director_id)
            .join(Project, Project.id == Milestone.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Milestone.state == MilestoneState.SUBMITTED,
                   Milestone.submitted_at.is_not(None), Project.phase.in_(ACTIVE)))
    if q.until is not None:
        # The deadline is the org-zone date of the submission: compare instants in SQL.
        end = datetime.combine(q.until + timedelta(days=1), time(0), org_zone()).astimezone(UTC)
        stmt = stmt.where(Milestone.submitted_at < end)
    stmt = Query(item_ids=q.item_ids, owner_id=q.owner_id).apply(
        stmt, Milestone.id, None, Milestone.reviewer_id)
    return [Item(id=r[0], deadline=local_date(r[1]), title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6], link=("milestones.show", {"milestone_id": r[0]}))
            for r in _rows(stmt)]


def gate_scores_due(q: Query) -> list[Item]:
    """One item per evaluator of an open review who has neither scored nor declared a
    conflict."""
    stmt = (select(PanelMember.id, GateReview.due_date, GateReview.name, Project.id,
                   Project.code, PanelMember.user_id, GateReview.chair_id, GateReview.id,
                   User.name)
            .join(GateReview, GateReview.id == PanelMember.review_id)
            .join(Project, Project.id == GateReview.project_id)
            .join(User, User.id == PanelMember.user_id)
            .where(GateReview.state == ReviewState.OPEN, GateReview.due_date.is_not(None),
                   PanelMember.submitted_at.is_(None),
                   or_(PanelMember.declaration.is_(None),
                       PanelMember.declaration != Declaration.CONFLICT)))
    stmt = q.apply(stmt, PanelMember.id, GateReview.due_date, PanelMember.user_id)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], chair_id=r[6] if r[6] != r[5] else None,
                 extra={"evaluator": r[8]}, link=("gates.review", {"review_id": r[7]}))
            for r in _rows(stmt)]


def conditions_due(q: Query) -> list[Item]:
    """Open conditions of decisions in force (a superseded decision's conditions went with
    it), on projects still under way; done once the owner reports them met."""
    later = aliased(GateDecision)
    stmt = (select(Condition.id, Condition.due_date, Condition.text, Project.id, Project.code,
                   Condition.owner_id, Institute.director_id)
            .join(Project, Project.id == Condition.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Condition.state == ConditionState.OPEN,
                   Project.phase.in_(ACTIVE),
                   ~exists().where(later.supersedes_id == Condition.decision_id)))
    stmt = q.apply(stmt, Condition.id, Condition.due_date, Condition.owner_id)
    return [Item(id=r[0], deadline=r[1], title=_shorten(r[2]), project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6],
                 link=("projects.show", {"project_id": r[3], "_anchor": f"condition-{r[0]}"}))
            for r in _rows(stmt)]


def hold_revisits(q: Query) -> list[Item]:
    """Projects on hold, on their revisit date; done once HQ resumes or ends them."""
    stmt = (select(Project.id, Project.revisit_date, Project.title, Project.code)
            .where(Project.phase == Phase.ON_HOLD, Project.revisit_date.is_not(None)))
    stmt = q.apply(stmt, Project.id, Project.revisit_date, None)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[0], project=r[3],
                 link=("projects.show", {"project_id": r[0]}))
            for r in _rows(stmt)]


def instalments_due(q: Query) -> list[Item]:
    """Contract payment instalments not yet received in full."""
    paid = (select(Payment.instalment_id, func.sum(Payment.amount).label("paid"))
            .group_by(Payment.instalment_id).subquery())
    received = func.coalesce(paid.c.paid, 0)
    stmt = (select(Instalment.id, Instalment.due_date, ResearchContract.title, Project.id,
                   Project.code, Project.pm_id, Institute.director_id, Instalment.amount,
                   received, ResearchContract.id)
            .join(ResearchContract, ResearchContract.id == Instalment.contract_id)
            .join(Project, Project.id == ResearchContract.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .outerjoin(paid, paid.c.instalment_id == Instalment.id)
            .where(received < Instalment.amount))
    stmt = q.apply(stmt, Instalment.id, Instalment.due_date, Project.pm_id)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 owner_id=r[5], director_id=r[6],
                 extra={"amount": str(r[7]), "outstanding": str(r[7] - r[8])},
                 link=("contracts.show", {"contract_id": r[9]}))
            for r in _rows(stmt)]


def project_ends(q: Query) -> list[Item]:
    """Projects under way, ahead of their end date (the final acceptance window)."""
    stmt = (select(Project.id, Project.end_date, Project.title, Project.code, Project.pm_id,
                   Institute.director_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Project.phase.in_(ACTIVE)))
    stmt = q.apply(stmt, Project.id, Project.end_date, Project.pm_id)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[0], project=r[3],
                 owner_id=r[4], director_id=r[5], link=("projects.show", {"project_id": r[0]}))
            for r in _rows(stmt)]


def conversion_deadlines(q: Query) -> list[Item]:
    """Allocation-investment agreements still running (no conversion, no outcome recorded)."""
    from tracker.funding.models import FundingAgreement

    stmt = (select(FundingAgreement.id, FundingAgreement.conversion_deadline, Project.title,
                   Project.id, Project.code, Project.pm_id, Institute.director_id)
            .join(Project, Project.id == FundingAgreement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(FundingAgreement.outcome.is_(None)))
    stmt = q.apply(stmt, FundingAgreement.id, FundingAgreement.conversion_deadline, None)
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3], project=r[4],
                 director_id=r[6], link=("funding.show", {"project_id": r[3]}))
            for r in _rows(stmt)]


def lockup_expiries(q: Query) -> list[Item]:
    """The lock-up of team shares, one item per company and lock-up date still ahead; the
    item's id is the first ledger entry with that date."""
    from tracker.companies.models import (
        Company,
        HolderType,
        ShareEntry,
        Shareholder,
        company_projects,
    )

    project = (select(func.min(company_projects.c.project_id))
               .where(company_projects.c.company_id == Company.id).scalar_subquery())
    stmt = (select(func.min(ShareEntry.id), ShareEntry.lock_up_until, Company.name,
                   project, Company.id)
            .join(Company, Company.id == ShareEntry.company_id)
            .join(Shareholder, Shareholder.id == ShareEntry.to_holder_id)
            .where(Shareholder.kind == HolderType.TEAM, ShareEntry.lock_up_until.is_not(None))
            .group_by(Company.id, Company.name, ShareEntry.lock_up_until))
    if q.on is not None:
        stmt = stmt.where(ShareEntry.lock_up_until >= q.on)
    if q.until is not None:
        stmt = stmt.where(ShareEntry.lock_up_until <= q.until)
    if q.owner_id is not None:
        return []
    if q.item_ids is not None:
        stmt = stmt.having(func.min(ShareEntry.id).in_(list(q.item_ids)))
    return [Item(id=r[0], deadline=r[1], title=r[2], project_id=r[3],
                 link=("companies.show", {"company_id": r[4]}))
            for r in _rows(stmt)]


def _shorten(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# --- the catalogue ----------------------------------------------------------------------------

PM = _l("project manager")
DAYS_BEFORE_1 = _l("First reminder: days before the deadline")
DAYS_BEFORE_2 = _l("Second reminder: days before the deadline")
DAYS_BEFORE = _l("Reminder: days before the deadline")
DAYS_AFTER = _l("Reminder: days after the deadline")
ON_THE_DAY = _l("Reminder: days after the date (0: on the day)")
REPEAT_EVERY = _l("Then again every so many days (0: never)")
DIRECTOR_AFTER = _l("Escalation to the institute director: days after the deadline")
HQ_AFTER = _l("Escalation to HQ admins: days after the deadline")
CHAIR_AFTER = _l("Escalation to the panel chair: days after the deadline")

OWNER, DIRECTOR, CHAIR, HQ, COMMITTEE = (
    Audience.OWNER, Audience.DIRECTOR, Audience.CHAIR, Audience.HQ, Audience.COMMITTEE)
BEFORE, AFTER, REPEAT = When.BEFORE, When.AFTER, When.EVERY

_CATALOGUE = [
    Rule("milestone_due", _l("Milestone due date"), _l("Milestone"),
         _l("the due date of a milestone not yet submitted"), OWNER, PM,
         (Step("before_first", OWNER, BEFORE, 14, DAYS_BEFORE_1),
          Step("before_second", OWNER, BEFORE, 3, DAYS_BEFORE_2),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("every", OWNER, REPEAT, 7, REPEAT_EVERY),
          Step("director", DIRECTOR, AFTER, 7, DIRECTOR_AFTER),
          Step("hq", HQ, AFTER, 30, HQ_AFTER)),
         milestones_due, optional=True),
    Rule("milestone_review", _l("Submitted milestone awaiting review"), _l("Review of milestone"),
         _l("the review of a submitted milestone, counted in business days from submission"),
         OWNER, _l("evaluator"),
         (Step("after", OWNER, AFTER, 5,
               _l("Reminder to the evaluator: business days after submission")),
          Step("hq", HQ, AFTER, 10,
               _l("Escalation to HQ admins: business days after submission"))),
         milestones_awaiting_review, optional=False, business_days=True),
    Rule("gate_scores", _l("Gate review scores"), _l("Scores for gate review"),
         _l("the due date of a gate review, for each evaluator who has not scored"),
         OWNER, _l("evaluator"),
         (Step("before", OWNER, BEFORE, 3, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("chair", CHAIR, AFTER, 5, CHAIR_AFTER),
          Step("hq", HQ, AFTER, 5, HQ_AFTER)),
         gate_scores_due, optional=False),
    Rule("condition_due", _l("Condition of a conditional GO"), _l("Condition"),
         _l("the due date of an open condition of a conditional GO"), OWNER, _l("condition owner"),
         (Step("before", OWNER, BEFORE, 7, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("hq", HQ, AFTER, 7, HQ_AFTER)),
         conditions_due, optional=True),
    Rule("hold_revisit", _l("Hold revisit date"), _l("Revisit of held project"),
         _l("the revisit date of a project on hold"), HQ, _l("HQ admin"),
         (Step("on_day", HQ, AFTER, 0, ON_THE_DAY),),
         hold_revisits, optional=True),
    Rule("instalment_due", _l("Contract payment instalment"), _l("Payment instalment"),
         _l("the due date of a contract instalment not yet received in full"), OWNER, PM,
         (Step("before", OWNER, BEFORE, 7, DAYS_BEFORE),
          Step("after", OWNER, AFTER, 1, DAYS_AFTER),
          Step("director", DIRECTOR, AFTER, 30, DIRECTOR_AFTER)),
         instalments_due, optional=True),
    Rule("project_end", _l("Project end date"), _l("End of project"),
         _l("the end date of a project under way (the final acceptance window)"), OWNER, PM,
         (Step("before", OWNER, BEFORE, 30, DAYS_BEFORE),),
         project_ends, optional=True),
    Rule("conversion_deadline", _l("Allocation-investment conversion deadline"),
         _l("Conversion deadline of"),
         _l("the conversion deadline of an allocation-investment agreement with no outcome yet"),
         COMMITTEE, _l("investment committee"),
         (Step("before_first", COMMITTEE, BEFORE, 30, DAYS_BEFORE_1),
          Step("before_second", COMMITTEE, BEFORE, 7, DAYS_BEFORE_2),
          Step("after", COMMITTEE, AFTER, 1, DAYS_AFTER)),
         conversion_deadlines, optional=True),
    Rule("lockup_expiry", _l("Lock-up expiry of team shares"), _l("Lock-up of team shares in"),
         _l("the end of the lock-up of a company's team shares"), HQ, _l("HQ admin"),
         (Step("before", HQ, BEFORE, 30, DAYS_BEFORE),),
         lockup_expiries, optional=True),
]

RULES: dict[str, Rule] = {rule.name: rule for rule in _CATALOGUE}


def rule_settings() -> list[SettingDef]:
    return [definition for rule in RULES.values() for definition in rule.settings()]


# The offsets are settings like any other: registered in the settings catalogue, read with
# tracker.settings.services.get, changed (and audited) with set_value.
CATALOGUE.update({definition.key: definition for definition in rule_settings()})


def item_path(item: Item, adapter: Any = None) -> str:
    """The item's page, as a path (the message adds BASE_URL): no request needed."""
    endpoint, values = item.link
    values = dict(values)
    anchor = values.pop("_anchor", None)
    adapter = adapter or current_app.url_map.bind("localhost")
    try:
        path = adapter.build(endpoint, values)
    except BuildError:  # a page not built yet: the project's page instead
        if item.project_id is None:
            return "/"
        path = adapter.build("projects.show", {"project_id": item.project_id})
    return f"{path}#{anchor}" if anchor else path


def open_deadlines(rule: Rule, item_ids: Collection[int]) -> dict[int, date]:
    """The deadline of each of these items still open (the others are done)."""
    if not item_ids:
        return {}
    found: dict[int, date] = {}
    ids = list(item_ids)
    for start in range(0, len(ids), 500):
        for item in rule.items(Query(item_ids=ids[start:start + 500])):
            found[item.id] = item.deadline
    return found


