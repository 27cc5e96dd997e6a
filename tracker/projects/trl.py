"""The project's TRL over time: the PM records it with its evidence whenever it moves, and
corrects or withdraws a record made wrong, with the reason, until a gate has decided on it.

Gates read the latest standing record (`Project.current_trl`): a minimum-TRL check made at gate
2 or 3 judges the technology as it stands, not as the proposal described it. A gate decided
after a record was made judged the project with it standing, so from then on the record stays
as it was (`trl_refusal`): a TRL found wrong later is a new record.
"""

from __future__ import annotations

from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import corrections, db, voids
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.display.formatting import on_day
from tracker.errors import Problems, require
from tracker.files import attached
from tracker.files import services as files
from tracker.gates.decision_models import GateDecision
from tracker.projects.closed import closed, plan_refusal
from tracker.projects.history_models import TrlRecord
from tracker.projects.models import Project


def _checked(problems: Problems, level: int | None, note: str | None, has_file: bool) -> str:
    """A level from 1 to 9 and its evidence (a note, a file or both): the note, trimmed."""
    if level is None or not 1 <= level <= 9:
        problems.add("level", _("A TRL is from 1 to 9."))
    note = (note or "").strip()
    if not note and not has_file:
        problems.add("note", _("Give the evidence of this TRL: a note, a file, or both."))
    return note


def record_trl(actor: User, project: Project, level: int, note: str,
               upload: tuple[IO[bytes], str] | None = None) -> TrlRecord:
    """A new TRL with its evidence (a note, a file, or both); audited with the level before."""
    require(project.can_manage_plan(actor), lambda: plan_refusal(project))
    problems = Problems()  # every problem at once, each beside its field
    note = _checked(problems, level, note, upload is not None)
    if upload is not None:
        problems.collect(files.check, upload[0], upload[1], "file")
    problems.raise_any()
    stored = files.store(actor, upload[0], upload[1], "file", project.id) if upload else None
    before = project.current_trl
    entry = TrlRecord(level=level, note=note, file_id=stored.id if stored else None,
                      recorded_by_id=actor.id)
    project.trl_records.append(entry)
    db.session.flush()
    audit.record(actor, "project.trl", project, {
        "trl": [before, level], "note": [None, note or None],
        "file": [None, stored.original_name if stored else None]})
    db.session.flush()
    return entry


def decisions_of(project: Project) -> list[GateDecision]:
    """The project's gate decisions, oldest first: what `trl_refusal` reads, once a page."""
    return list(db.session.scalars(
        select(GateDecision).where(GateDecision.project_id == project.id)
        .options(joinedload(GateDecision.review))
        .order_by(GateDecision.decided_at, GateDecision.id)))


def trl_refusal(entry: TrlRecord, decisions: list[GateDecision] | None = None) -> str | None:
    """Why the record can't be corrected or withdrawn (withdrawn already, the project closed,
    a gate decided with it standing); None when it can. The page offers neither form then.
    `decisions`: the project's (`decisions_of`), when the page has read them already."""
    if (said := voids.refusal(entry)) is not None:
        return said
    if entry.project.is_read_only:
        return closed(entry.project)
    decided = next((d for d in (decisions_of(entry.project) if decisions is None
                                else decisions)
                    if d.decided_at >= entry.recorded_at), None)
    if decided is not None:
        return _("Gate %(gate)d was decided on %(date)s with this TRL recorded: the decision "
                 "relied on it, so it stays as it was. If the TRL is not what it says, record "
                 "the TRL as it stands now, with its evidence.",
                 gate=decided.review.gate, date=on_day(decided.decided_at))
    return None


def correctable(user: User, project: Project) -> set[int]:
    """The ids of the project's TRL records `user` is offered to correct or withdraw."""
    records = project.trl_records
    if not records or not records[0].can_correct(user):
        return set()
    decisions = decisions_of(project)
    return {r.id for r in records if trl_refusal(r, decisions) is None}


def corrected_of(project: Project) -> dict:
    """The latest correction of each of the project's TRL records, shown beside it."""
    return corrections.last_corrected(TrlRecord.__tablename__,
                                      [r.id for r in project.trl_records], ("trl.correct",))


def _may(actor: User, entry: TrlRecord) -> None:
    """Who may, then (under the project's lock, which a new record takes too) what relies on
    the record since the page was drawn."""
    require(entry.can_correct(actor), lambda: trl_refusal(entry),
            lock=lambda: db.session.execute(select(Project.id)
                                            .where(Project.id == entry.project_id)
                                            .with_for_update()))


def correct_trl(actor: User, entry: TrlRecord, *, level: int | None, note: str | None,
                reason: str | None, upload: tuple[IO[bytes], str] | None = None,
                remove_file: bool = False) -> TrlRecord:
    """A TRL record made wrong, corrected with the reason: its level, its note, its file (a new
    one replaces it, or it is taken off). The file taken off stays stored, readable by those
    who see the project from the record's history, which names both. The project's TRL
    follows when it is the latest record."""
    _may(actor, entry)
    problems = Problems()
    keeps_file = upload is not None or (entry.file_id is not None and not remove_file)
    note = _checked(problems, level, note, keeps_file)
    if upload is not None:
        problems.collect(files.check, upload[0], upload[1], "file")
    reason = corrections.reason_of(problems, reason)
    problems.raise_any()
    attached.replace(actor, entry, "file_id", upload, remove_file, "file", entry.project_id)
    entry.level, entry.note = level, note
    corrections.corrected(actor, "trl.correct", entry, reason)
    db.session.flush()
    db.session.expire(entry, ["file"])  # the file its id now names
    return entry


def withdraw_trl(actor: User, entry: TrlRecord, reason: str | None) -> TrlRecord:
    """A TRL record made by mistake, withdrawn with the reason: it stays on the project's page,
    marked withdrawn, and the project's TRL is the latest record still standing (else the
    proposal's)."""
    _may(actor, entry)
    before = entry.project.current_trl
    return voids.void(actor, entry, reason, "trl.withdraw",
                      follow=lambda: {"trl": [before, entry.project.current_trl]})
