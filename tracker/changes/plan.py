"""A project's plan as change control reads it: the current plan, the approved baseline, the
money the PM has moved on their own word, and how each kind of change is applied.

The appliers are called twice over a request's life at most: when it is within the limits (at
once) and when HQ approves it; each checks again what may have moved meanwhile (a line spent,
a milestone planned) and refuses rather than apply on a stale plan.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db
from tracker.accounts.models import Role, User
from tracker.budgets import services as budgets
from tracker.changes.models import (
    OPEN_STATES,
    ChangeKind,
    ChangeRequest,
    ChangeState,
    ProjectBaseline,
)
from tracker.display.formatting import money, on_day
from tracker.display.labels import label
from tracker.errors import Invalid, Problems, Refused
from tracker.gates.condition_models import TO_CLEAR, Condition
from tracker.projects import team
from tracker.projects.history_models import PmHandover
from tracker.projects.models import BudgetLine, Project, ProjectMember
from tracker.reminders.models import Audience, MessageKind, MessageState, OutboxMessage


def lines_of(project: Project) -> list[list[str]]:
    return [[line.category, f"{line.amount:.2f}"] for line in project.budget_lines]


def baseline(project: Project) -> ProjectBaseline | None:
    """What HQ approved last (None: nothing has changed since the proposal gate)."""
    return db.session.scalar(select(ProjectBaseline).where(
        ProjectBaseline.project_id == project.id).order_by(ProjectBaseline.id.desc()).limit(1))


def take_baseline(project: Project, request: ChangeRequest | None = None) -> ProjectBaseline:
    taken = ProjectBaseline(project_id=project.id, budget_total=project.budget_total,
                            end_date=project.end_date, technical_route=project.technical_route,
                            budget_lines=lines_of(project), pm_id=project.pm_id,
                            change_request_id=request.id if request else None)
    db.session.add(taken)
    return taken


def ensure_baseline(project: Project) -> ProjectBaseline:
    """Before the first change, the plan as the proposal gate approved it becomes the
    baseline, so the page can show both."""
    return baseline(project) or take_baseline(project)


def moved_on_own_word(project: Project) -> Decimal:
    """Money the PM has moved between lines without HQ, over the project's life."""
    return db.session.scalar(select(func.coalesce(func.sum(ChangeRequest.moved), 0)).where(
        ChangeRequest.project_id == project.id, ChangeRequest.kind == ChangeKind.BUDGET_MOVE,
        ChangeRequest.state == ChangeState.APPLIED)) or Decimal("0")


# What a change of each kind waits for: another change of the same plan asked and not decided
# (any other kind: one of its own kind).
SAME_PLAN = {ChangeKind.BUDGET_MOVE: (ChangeKind.BUDGET_MOVE, ChangeKind.BUDGET_TOTAL),
             ChangeKind.BUDGET_TOTAL: (ChangeKind.BUDGET_MOVE, ChangeKind.BUDGET_TOTAL)}


def same_plan(kind: ChangeKind) -> tuple[ChangeKind, ...]:
    return SAME_PLAN.get(kind, (kind,))


def pending_of(project: Project, kinds: tuple[ChangeKind, ...]) -> ChangeRequest | None:
    return db.session.scalar(select(ChangeRequest).where(
        ChangeRequest.project_id == project.id, ChangeRequest.kind.in_(kinds),
        ChangeRequest.state.in_(OPEN_STATES)).limit(1))


def pending_list(project: Project) -> list[ChangeRequest]:
    return list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.project_id == project.id, ChangeRequest.state.in_(OPEN_STATES))))


def waiting_refusal(waiting: ChangeRequest, here: bool = False) -> str:
    """Why the same plan (or the same person's place) is not changed otherwise while
    `waiting` is open, asked or corrected: which change, asked when, where it stands, and what
    to do meanwhile. Its page is linked from the project's page of changes, under Change
    requests: said on that page (`here`), the sentence points there, not to the page the
    reader is on."""
    where = (_("its page is linked below, under Change requests") if here
             else _("in the project's list of changes"))
    if waiting.is_endorsing:
        return _("“%(change)s”, asked on %(date)s, is still %(state)s: nothing else changes the "
                 "same plan until it is decided. To change it otherwise, withdraw it from its "
                 "signatures (%(where)s) while nobody has signed.",
                 change=waiting.name, date=on_day(waiting.requested_at),
                 state=label(waiting.state).lower(), where=where)
    return _("“%(change)s”, asked on %(date)s, is %(state)s: nothing else changes the same "
             "plan until it is decided. Its page (%(where)s) says who decides it; come back "
             "once it is decided.",
             change=waiting.name, date=on_day(waiting.requested_at),
             state=label(waiting.state).lower(), where=where)


def line_of(project: Project, line_id: Any, field: str) -> BudgetLine:
    line = next((b for b in project.budget_lines if b.id == line_id), None)
    if line is None:
        raise Invalid(field, _("Choose one of the project's budget lines."))
    return line


# --- applying each kind ----------------------------------------------------------------------


def check_cap_after_move(project: Project, source: BudgetLine, target: BudgetLine,
                         amount: Decimal, problems: Problems) -> None:
    """A budget by a template keeps its indirect costs within the cap after the move: money
    moved into them, or out of the direct costs they are a share of (beside the amount)."""
    template = project.budget_template
    if template is None:
        return
    amounts = budgets.project_amounts(project)
    amounts[source.category_id] = amounts.get(source.category_id, Decimal("0")) - amount
    amounts[target.category_id] = amounts.get(target.category_id, Decimal("0")) + amount
    budgets.check_cap(template, amounts, problems, field="amount")


def check_new_line(project: Project, name: str) -> str:
    """The name of a budget line a move creates: given, and not one the project has. A
    budget by a template has its categories for lines, and no other."""
    if project.budget_template is not None:
        raise Invalid("new_line", _("This project's budget follows the template %(template)s: "
                                    "its lines are its categories.",
                                    template=project.budget_template.name))
    name = (name or "").strip()
    if not name:
        raise Invalid("new_line", _("Name the new budget line."))
    if len(name) > 100:
        raise Invalid("new_line", _("At most 100 characters."))
    same = next((line for line in project.budget_lines
                 if line.category.strip().casefold() == name.casefold()), None)
    if same is not None:
        raise Refused(_("The project has a budget line “%(line)s” already: move the money "
                        "into it.", line=same.category))
    return name


def short_of(source: BudgetLine, amount: Decimal) -> str | None:
    """What a line holding less than `amount` says (None when it holds enough): when the move
    is asked, beside its amount, and again when it is applied (HQ may approve it after the
    line gave money elsewhere)."""
    if amount <= source.amount:
        return None
    return _("Line “%(line)s” holds %(amount)s: it cannot give more.",
             line=source.name, amount=money(source.amount))


def apply_budget_move(project: Project, params: dict) -> None:
    """Checked again when applied (HQ may approve long after): the source still holds the
    amount, and a new line is created only if none of its name appeared meanwhile."""
    source = line_of(project, params["from_line_id"], "from_line_id")
    if params.get("new_line"):
        target = BudgetLine(category=check_new_line(project, params["new_line"]),
                            amount=Decimal("0"))
    else:
        target = line_of(project, params["to_line_id"], "to_line_id")
    amount = Decimal(params["amount"])
    if short := short_of(source, amount):
        raise Refused(short)
    if target.category_id is not None:  # checked again: the plan may have moved meanwhile
        problems = Problems()
        check_cap_after_move(project, source, target, amount, problems)
        if problems:
            raise Refused(problems.found[0][1])
    source.amount -= amount
    if target not in project.budget_lines:
        project.budget_lines.append(target)
    target.amount += amount


def apply_budget_total(project: Project, params: dict) -> None:
    total = Decimal(params["budget_total"])
    if over := budgets.lines_over_total(project.budget_allocated, total):
        raise Refused(over)
    project.budget_total = total


def apply_team_add(project: Project, params: dict) -> None:
    """A new place, pending until its holder or the director confirms it (`team.answer`); a
    place named already (HQ approving it, conflict seen) stays as it is, to be confirmed."""
    if params["user_id"] in project.member_ids:
        place = next(m for m in project.members if m.user_id == params["user_id"])
        raise Refused(_("%(name)s has been on the team since %(date)s: this change adds nothing "
                        "and is not approved. Refuse it, or leave its refusal as it stands.",
                        name=place.user.name, date=on_day(place.confirmed_at)))
    if params["user_id"] not in project.team_ids:
        project.members.append(ProjectMember(user_id=params["user_id"]))


def apply_team_remove(project: Project, params: dict) -> None:
    place = next((m for m in project.members if m.user_id == params["user_id"]), None)
    if place is None:
        raise Refused(_("%(name)s is no longer on the team: this change removes nothing and is "
                        "not approved. Refuse it, or leave its refusal as it stands.",
                        name=db.session.get(User, params["user_id"]).name))
    project.members.remove(place)


def apply_route(project: Project, params: dict) -> None:
    project.technical_route = params["technical_route"]


def apply_end_date(project: Project, params: dict) -> None:
    project.end_date = date.fromisoformat(params["end_date"])


def check_new_pm(project: Project, user: User | None) -> User:
    """Whom a project may be handed to: an active PM of its institute (or of none), who is not
    its PM already and sits on none of its open panels (they would gain a stake in a project
    they are reviewing)."""
    if user is None or not user.active or not user.has_role(Role.PROJECT_MANAGER):
        raise Invalid("user_id", _("Choose an active project manager."))
    if user.id == project.pm_id:
        raise Invalid("user_id", _("This is the project's manager already."))
    if user.institute_id is not None and user.institute_id != project.institute_id:
        raise Invalid("user_id", _("Choose a project manager of the project's institute."))
    seat = team.open_panel_seat(project, user.id)
    if seat is not None:
        raise Refused(_("%(name)s sits on the open panel of %(review)s: HQ changes the panel "
                        "before the project is handed to them.", name=user.name,
                        review=seat.shown("name")))
    return user


def apply_handover(actor: User, project: Project, params: dict, reason: str) -> PmHandover:
    """The project, its open conditions and its waiting reminders go to the new PM: the
    reminders already written for the old one are cancelled, and the next scan writes them
    for the new one (every rule reads the project's PM when it scans). The old PM keeps read
    access (`Project.can_view`)."""
    new_pm = check_new_pm(project, db.session.get(User, params["user_id"]))
    old_pm_id = project.pm_id
    place = next((m for m in project.members if m.user_id == new_pm.id), None)
    if place is not None:  # the PM leads the team: no place of their own
        project.members.remove(place)
    for condition in db.session.scalars(select(Condition).where(
            Condition.project_id == project.id, Condition.owner_id == old_pm_id,
            Condition.state.in_(TO_CLEAR))):
        condition.owner_id = new_pm.id
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.project_id == project.id, OutboxMessage.recipient_id == old_pm_id,
            OutboxMessage.audience == Audience.OWNER,
            OutboxMessage.kind == MessageKind.REMINDER,  # what happened to them stays told
            OutboxMessage.state == MessageState.PENDING)):
        message.state = MessageState.CANCELLED
    handover = PmHandover(from_pm_id=old_pm_id, to_pm_id=new_pm.id, by_id=actor.id,
                          reason=reason)
    project.handovers.append(handover)
    project.pm_id = new_pm.id
    project.pm = new_pm
    return handover


APPLY = {
    ChangeKind.BUDGET_MOVE: apply_budget_move,
    ChangeKind.BUDGET_TOTAL: apply_budget_total,
    ChangeKind.TEAM_ADD: apply_team_add,
    ChangeKind.TEAM_REMOVE: apply_team_remove,
    ChangeKind.ROUTE: apply_route,
    ChangeKind.END_DATE: apply_end_date,
}
