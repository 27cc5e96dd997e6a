"""A project's team: whom the PM may name, and the confirmation that makes a place count.

The PM names team members among the people of the project's institute (the picker lists no
one else, ASVS 4.2: a list shows only people the viewer may see). A new place is pending until
the person, or the director of the project's institute, confirms it (`ProjectMember`): a
pending place gives no access and no stake, so naming an evaluator to the team can't keep them
off the project's panels.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext as _
from sqlalchemy import Row, or_, select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.changes.models import ChangeKind, ChangeRequest, ChangeState
from tracker.display import said
from tracker.display.collation import ordered
from tracker.display.formatting import on_day
from tracker.errors import Forbidden, Invalid, Problems, Refused, require
from tracker.gates.models import Declaration, GateReview, PanelMember, ReviewState
from tracker.imports.models import ImportRun
from tracker.projects.models import Project, ProjectMember


def candidates(pm: User, institute_id: int | None, project: Project | None = None) -> list[Row]:
    """Ids and names of whom `pm` may name to the team: the active people of the institute,
    and whoever is on the team already."""
    clauses = []
    if institute_id is not None:
        clauses.append((User.institute_id == institute_id) & User.active.is_(True))
    if project is not None and project.team_ids:
        clauses.append(User.id.in_(project.team_ids))
    if not clauses:
        return []
    return ordered(db.session.execute(select(User.id, User.name).where(
        or_(*clauses), User.id != pm.id).order_by(User.name)))


def check_names(pm: User, institute_id: int, member_ids: list[int],
                project: Project | None, problems: Problems | None = None, *,
                history: bool = False) -> None:
    """The team's names are of the institute and not the PM: a problem of `problems`, or
    refused at once without. `history`: the team a project imported past its proposal had,
    named wherever its people are now (a sister institute's, one who has left): not the PM."""
    message = None
    if pm.id in member_ids:
        message = _("The project manager leads the team; list the others.")
    elif member_ids and not history and (outside := set(member_ids) - {
            row.id for row in candidates(pm, institute_id, project)}):
        # Which of them (an import's cell names several: issue 13, "say which one").
        message = _("Choose team members among the people of the project's institute: not "
                    "%(people)s.", people=said.listed(db.session.scalars(
                        select(User.email).where(User.id.in_(outside)).order_by(User.email))))
    if message is not None and problems is None:
        raise Invalid("member_ids", message)
    if message is not None:
        problems.add("member_ids", message)


def set_team(project: Project, member_ids: list[int]) -> dict:
    """Keep the places still named, add the new ones pending; {"members": [before, after]}."""
    before = sorted(project.team_ids)
    project.members = [m for m in project.members if m.user_id in member_ids]
    have = project.team_ids
    project.members.extend(ProjectMember(user_id=uid) for uid in member_ids if uid not in have)
    after = sorted(set(member_ids))
    return {"members": [before, after]} if before != after else {}


def confirm_imported(actor: User, project: Project, user_ids: Collection[int]) -> None:
    """The places an import adds to a team, confirmed at once by the importing HQ admin: the
    file is history HQ asserts (the team the project had), not a PM's naming to answer, so
    the imported members count as the team (access, a stake, a grant's grantees) as they do
    in a project built in the tracker. The audit record names the import (`audit.record`
    adds it during one)."""
    if not ImportRun.can_import(actor):
        raise Forbidden()
    wanted = sorted({m.user_id for m in project.members
                     if m.user_id in user_ids and not m.confirmed})
    if not wanted:
        return
    now = db.utcnow()
    for member in project.members:
        if member.user_id in wanted:
            member.confirmed_at, member.confirmed_by_id = now, actor.id
    audit.record(actor, "project.member_confirm", project, {"members": [None, wanted]})
    db.session.flush()


def open_panel_seat(project: Project, user_id: int) -> GateReview | None:
    """The open review of `project` whose panel `user_id` sits on (a conflict declared aside):
    a place on the team would give them a stake in what they are reviewing."""
    return db.session.scalar(
        select(GateReview).join(PanelMember, PanelMember.review_id == GateReview.id).where(
            GateReview.project_id == project.id, GateReview.state == ReviewState.OPEN,
            PanelMember.user_id == user_id,
            or_(PanelMember.declaration.is_(None),
                PanelMember.declaration != Declaration.CONFLICT)).limit(1))


def hq_saw_the_conflict(project: Project, user_id: int) -> bool:
    """HQ approved this person's place knowing of the panel seat (`tracker.changes`)."""
    return db.session.scalar(select(ChangeRequest.id).where(
        ChangeRequest.project_id == project.id, ChangeRequest.kind == ChangeKind.TEAM_ADD,
        ChangeRequest.state == ChangeState.APPROVED,
        ChangeRequest.params["user_id"].as_integer() == user_id).limit(1)) is not None


def answer_refusal(member: ProjectMember) -> str | None:
    """Why the place is not answered now: it was confirmed already; None while pending."""
    if not member.confirmed:
        return None
    return _("This place on the team was confirmed on %(date)s by %(name)s.",
             date=on_day(member.confirmed_at),
             name=member.confirmed_by.name if member.confirmed_by else "—")


def answerable(user: User, members: list[ProjectMember]) -> set[int]:
    """The places on the team `user` may answer now (their own, their institute's), by id."""
    return {m.id for m in members if m.can_answer(user) and answer_refusal(m) is None}


def answer(actor: User, member: ProjectMember, confirm: bool) -> None:
    """The person, or the institute's director, confirms the place or declines it (the place
    is then removed). Audited on the project."""
    require(member.can_answer(actor), lambda: answer_refusal(member))
    project = member.project
    seat = open_panel_seat(project, member.user_id) if confirm else None
    if seat is not None and not hq_saw_the_conflict(project, member.user_id):
        raise Refused(_("%(name)s sits on the open panel of %(review)s: the place is confirmed "
                        "once the review closes or, on a project under way, once HQ approves it "
                        "(the project manager asks on the project's change page).",
                        name=member.user.name, review=seat.shown("name")))
    if confirm:
        member.confirmed_at = db.utcnow()
        member.confirmed_by_id = actor.id
        audit.record(actor, "project.member_confirm", project,
                     {"members": [None, [member.user_id]]})
    else:
        project.members.remove(member)
        audit.record(actor, "project.member_decline", project,
                     {"members": [[member.user_id], None]})
    db.session.flush()
