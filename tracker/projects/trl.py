"""The project's TRL over time: the PM records it with its evidence whenever it moves.

Gates read the latest record (`Project.current_trl`): a minimum-TRL check made at gate 2 or 3
judges the technology as it stands, not as the proposal described it.
"""

from __future__ import annotations

from typing import IO

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import Forbidden, Problems, Refused
from tracker.files import services as files
from tracker.projects.history_models import TrlRecord
from tracker.projects.models import Project


def record_trl(actor: User, project: Project, level: int, note: str,
               upload: tuple[IO[bytes], str] | None = None) -> TrlRecord:
    """A new TRL with its evidence (a note, a file, or both); audited with the level before."""
    if project.is_read_only:
        raise Refused(_("This project is closed: nothing of it changes."))
    if not project.can_manage_plan(actor):
        raise Forbidden()
    problems = Problems()  # every problem at once, each beside its field
    if level is None or not 1 <= level <= 9:
        problems.add("level", _("A TRL is from 1 to 9."))
    note = (note or "").strip()
    if not note and upload is None:
        problems.add("note", _("Give the evidence of this TRL: a note, a file, or both."))
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
