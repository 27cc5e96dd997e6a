"""What HQ does in the project-manager register: record a candidate, interview them, appoint
them (or not, with the reason), end an appointment (at its term's end or earlier, with the
reason), renew it, and keep PM teams. Each function takes the acting user, checks their
permission (`PmRecord` predicates), validates every field at once, moves the state only by the
table (tracker/pms/register.py), audits and flushes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import corrections, db
from tracker.accounts import services as accounts
from tracker.accounts.models import GRANTABLE_ROLES, Role, User
from tracker.audit import services as audit
from tracker.display.formatting import day
from tracker.display.labels import label
from tracker.errors import Forbidden, Problems, Refused
from tracker.organisations.models import Institute
from tracker.pms.models import InterviewOutcome, Origin, PmInterview, PmRecord, PmTeam, PmTerm
from tracker.pms.register import PmState, PmStep, RegisterRefused, check
from tracker.techfields.models import TechnicalField


def record_of(user: User) -> PmRecord | None:
    """The register's record of `user` (their home page links to it), if they have one."""
    if not user.has_role(Role.PROJECT_MANAGER):
        return None
    return db.session.scalar(select(PmRecord).where(PmRecord.user_id == user.id))


def _may_manage(actor: User) -> None:
    if not PmRecord.can_manage(actor):
        raise Forbidden()


def step_refusal(record: PmRecord, step: PmStep) -> str | None:
    """Why `step` can't be taken on the record in its state (said before the step's form is
    offered, and by `move`); None when it can."""
    try:
        check(record.state, step)
    except RegisterRefused:
        return _("This cannot be done to a record that is %(state)s.",
                 state=str(label(record.state)))
    return None


def move(record: PmRecord, step: PmStep) -> PmState:
    """The state the step takes the record to, or Refused saying why not."""
    if (said := step_refusal(record, step)) is not None:
        raise Refused(said)
    return check(record.state, step)


def _fields(field_ids: Collection[int], problems: Problems) -> list[TechnicalField]:
    fields = list(db.session.scalars(select(TechnicalField).where(
        TechnicalField.id.in_(list(field_ids))).order_by(TechnicalField.code))) if field_ids else []
    if len(fields) != len(set(field_ids)):
        problems.add("field_ids", _("Choose technical fields from the list."))
    return fields


def _institute(institute_id: int | None, problems: Problems, required: bool) -> None:
    if institute_id and db.session.get(Institute, institute_id) is None or (
            required and not institute_id):
        problems.add("institute_id", _("Choose an institute."))


def save_record(actor: User, record: PmRecord | None, *, name: str, email: str,
                origin: Origin, institute_id: int | None, field_ids: Collection[int] = (),
                note: str = "") -> PmRecord:
    """A new candidate (record None), or a record's particulars corrected."""
    _may_manage(actor)
    problems = Problems()
    if not name.strip():
        problems.add("name", _("Give the person's name."))
    email = accounts.normalise_email(email)
    if "@" not in email:
        problems.add("email", _("Give an e-mail address."))
    _institute(institute_id, problems, required=False)
    fields = _fields(field_ids, problems)
    problems.raise_any()
    created = record is None
    if record is None:
        record = PmRecord(state=PmState.CANDIDATE, created_by_id=actor.id, reason="")
        db.session.add(record)
    before = sorted(f.id for f in record.fields) if not created else None
    record.name, record.email, record.origin = name.strip(), email, origin
    record.institute_id, record.note = institute_id or None, (note or "").strip()
    record.fields = fields
    changes = audit.pending_changes(record)
    after = sorted(f.id for f in fields)
    if before != after:
        changes["field_ids"] = [before, after]
    db.session.flush()
    audit.saved(actor, "pm", record, created, changes)
    return record


def interview_checked(problems: Problems, panel_ids: Collection[int],
                      outcome: InterviewOutcome | None) -> list[User]:
    """An interview's panel (the network's own staff) and outcome, as recorded or corrected:
    the panel's users."""
    panel = list(db.session.scalars(select(User).where(User.id.in_(list(panel_ids)),
                                                       User.staff()).order_by(User.name)))
    if not panel_ids:
        problems.add("panel_ids", _("Name who sat on the panel."))
    elif len(panel) != len(set(panel_ids)):
        problems.add("panel_ids", _("Choose the panel from the network's own staff (not "
                                    "external experts or enterprise contacts)."))
    if outcome is None:
        problems.add("outcome", _("Say what the interview concluded."))
    return panel


def record_interview(actor: User, record: PmRecord, *, held_on: date,
                     panel_ids: Collection[int], outcome: InterviewOutcome,
                     notes: str = "") -> PmInterview:
    """An interview of a candidate (a first one, or another round): the date, the panel
    (users of the tracker), its outcome and notes."""
    _may_manage(actor)
    target = move(record, PmStep.INTERVIEW)
    problems = Problems()
    panel = interview_checked(problems, panel_ids, outcome)
    problems.raise_any()
    interview = PmInterview(record_id=record.id, held_on=held_on, outcome=outcome,
                            notes=(notes or "").strip(), recorded_by_id=actor.id, panel=panel)
    db.session.add(interview)
    record.state = target
    changes = audit.pending_changes(record)
    db.session.flush()
    changes.update(held_on=[None, held_on.isoformat()],
                   interview_outcome=[None, outcome.value],
                   panel=[None, [u.id for u in panel]])
    audit.record(actor, "pm.interview", record, changes)
    db.session.expire(record, ["interviews"])
    return interview


def decline(actor: User, record: PmRecord, reason: str) -> None:
    """HQ does not appoint the candidate, and says why."""
    _may_manage(actor)
    target = move(record, PmStep.DECLINE)
    problems = Problems()
    if not (reason or "").strip():
        problems.add("reason", _("Say why the candidate is not appointed."))
    problems.raise_any()
    record.state, record.reason = target, reason.strip()
    audit.record(actor, "pm.decline", record, audit.pending_changes(record))
    db.session.flush()


def _check_term(problems: Problems, starts_on: date, ends_on: date,
                renews: PmTerm | None) -> None:
    if ends_on <= starts_on:
        problems.add("ends_on", _("The term ends after it starts."))
    if renews is not None and starts_on <= (last := renews.ended_on or renews.ends_on):
        problems.add("starts_on", _("A renewal starts after the term it renews ends (%(date)s): "
                                    "two terms never overlap.", date=day(last)))


def _account(actor: User, record: PmRecord, user_id: int | None, password: str,
             institute_id: int, problems: Problems) -> User | None:
    """The account the PM signs in with: the record's, the one chosen, the one of the
    record's e-mail, or None (one is made with `password`)."""
    user = record.user
    if user is None and user_id:
        user = db.session.get(User, user_id)
        if user is None:
            problems.add("user_id", _("Choose an account."))
    if user is None and not user_id:
        user = accounts.find_by_email(record.email)
    if user is not None and user.id != record.user_id:
        other = db.session.scalar(select(PmRecord).where(PmRecord.user_id == user.id))
        if other is not None:
            problems.add("user_id", _("This account is the PM record of %(name)s.",
                                      name=other.name))
    if user is None and not user_id and not password:
        problems.add("password", _("%(name)s has no account yet: give the first password of "
                                   "the one to make (it is replaced at the first sign-in).",
                                   name=record.name))
    return user


def _grant_pm(actor: User, user: User, institute_id: int) -> None:
    """The PM role, through the account services (audited as any change of an account)."""
    if user.has_role(Role.PROJECT_MANAGER):
        return
    roles = sorted({g.role.value for g in user.role_grants if g.role in GRANTABLE_ROLES}
                   | {Role.PROJECT_MANAGER.value})
    accounts.update_user(actor, user, email=user.email, name=user.name, roles=roles,
                         locale=user.locale, institute_id=user.institute_id or institute_id,
                         enterprise_id=user.enterprise_id, active=user.active,
                         staff_number="")


def appoint(actor: User, record: PmRecord, *, institute_id: int, starts_on: date,
            ends_on: date, user_id: int | None = None, password: str = "") -> PmTerm:
    """An interviewed candidate appointed for a term at an institute. Their account (the one
    linked, chosen or of their e-mail; made when they have none) gets the PM role."""
    _may_manage(actor)
    target = move(record, PmStep.APPOINT)
    problems = Problems()
    _institute(institute_id, problems, required=True)
    _check_term(problems, starts_on, ends_on, None)
    user = _account(actor, record, user_id, password, institute_id, problems)
    problems.raise_any()
    if user is None:
        user = accounts.create_user(actor, email=record.email, name=record.name,
                                    password=password, roles=[Role.PROJECT_MANAGER.value],
                                    institute_id=institute_id)
    else:
        _grant_pm(actor, user, institute_id)
    return _new_term(actor, record, target, "pm.appoint", institute_id, starts_on, ends_on,
                     None, user)


def _new_term(actor: User, record: PmRecord, target: PmState, action: str, institute_id: int,
              starts_on: date, ends_on: date, renews: PmTerm | None, user: User) -> PmTerm:
    term = PmTerm(record_id=record.id, institute_id=institute_id, starts_on=starts_on,
                  ends_on=ends_on, renews_id=renews.id if renews else None,
                  recorded_by_id=actor.id)
    db.session.add(term)
    record.state, record.institute_id, record.user_id = target, institute_id, user.id
    record.reason = ""
    changes = audit.pending_changes(record)
    db.session.flush()
    changes.setdefault("institute_id", [None, institute_id])
    changes.update(starts_on=[None, starts_on.isoformat()], ends_on=[None, ends_on.isoformat()])
    audit.record(actor, action, record, changes)
    db.session.expire(record, ["terms", "user"])
    return term


def renew(actor: User, record: PmRecord, *, institute_id: int, starts_on: date,
          ends_on: date) -> PmTerm:
    """A new term naming the latest one, for a PM appointed or whose appointment ended."""
    _may_manage(actor)
    target = move(record, PmStep.RENEW)
    renews = record.current_term
    problems = Problems()
    _institute(institute_id, problems, required=True)
    _check_term(problems, starts_on, ends_on, renews)
    problems.raise_any()
    return _new_term(actor, record, target, "pm.renew", institute_id, starts_on, ends_on,
                     renews, record.user)


def end_appointment(actor: User, record: PmRecord, *, ended_on: date, reason: str) -> None:
    """The appointment ends: at its term's end, or earlier; the reason is said either way.
    The account keeps its role: the PM's projects are handed over on their own pages."""
    _may_manage(actor)
    target = move(record, PmStep.END)
    term = record.current_term
    problems = Problems()
    if not (reason or "").strip():
        problems.add("reason", _("Say why the appointment ends."))
    if ended_on < term.starts_on or ended_on > term.ends_on:
        problems.add("ended_on", _("The appointment ends within its term, %(start)s to "
                                   "%(end)s.", start=day(term.starts_on),
                                   end=day(term.ends_on)))
    problems.raise_any()
    term.ended_on = ended_on
    record.state, record.reason = target, reason.strip()
    changes = audit.pending_changes(record)
    changes["ended_on"] = [None, ended_on.isoformat()]
    audit.record(actor, "pm.end", record, changes)
    db.session.flush()


def save_team(actor: User, team: PmTeam | None, *, name: str, lead_id: int,
              member_ids: Collection[int]) -> PmTeam:
    """A PM team: its name, its lead PM and its members (appointed PMs)."""
    _may_manage(actor)
    problems = Problems()
    if not name.strip():
        problems.add("name", _("Give the team a name."))
    elif db.session.scalar(select(PmTeam.id).where(PmTeam.name == name.strip(),
                                                   PmTeam.id != (team.id if team else 0))):
        problems.add("name", _("Another team has this name."))
    wanted = set(member_ids) - {lead_id}
    people = {r.id: r for r in db.session.scalars(select(PmRecord).where(
        PmRecord.id.in_([lead_id, *wanted]), PmRecord.state == PmState.APPOINTED))}
    if lead_id not in people:
        problems.add("lead_id", _("The lead is an appointed PM."))
    if any(i not in people for i in wanted):
        problems.add("member_ids", _("The members are appointed PMs."))
    problems.raise_any()
    created = team is None
    if team is None:
        team = PmTeam()
        db.session.add(team)
    before = sorted(r.id for r in team.members) if not created else None
    team.name, team.lead_id = name.strip(), lead_id
    team.members = sorted((people[i] for i in wanted), key=lambda r: r.name)
    changes = corrections.changed(team, {"member_ids": [before, sorted(wanted)]}
                                  if before != sorted(wanted) else None, new=created)
    db.session.flush()
    audit.saved(actor, "pm_team", team, created, changes)
    return team
