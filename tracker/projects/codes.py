"""A project's official code (`JITRI-2026-0042`): given when its proposal is submitted, never
when its draft is made (`tracker.projects.drafts` numbers drafts), gap-free per HQ and year of
submission; an imported project keeps the code it had before the tracker."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.errors import Invalid
from tracker.organisations.models import Headquarters
from tracker.projects.models import Project, ProjectCodeCounter


def next_code(hq: Headquarters, year: int) -> tuple[int, str]:
    """The next sequence number and code for `hq` in `year`, e.g. JITRI-2026-0042.

    The counter row is incremented with one UPDATE in the submitting transaction, which
    PostgreSQL serialises between concurrent submitters (the second waits for the first to
    commit or roll back): a submission that fails gives its number back, so codes have no gaps.
    Its first use inserts it."""
    bump = (update(ProjectCodeCounter)
            .where(ProjectCodeCounter.hq_id == hq.id, ProjectCodeCounter.year == year)
            .values(last=ProjectCodeCounter.last + 1))
    if db.session.execute(bump).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(ProjectCodeCounter).values(
                    hq_id=hq.id, year=year, last=1))
        except IntegrityError:  # another request inserted it first
            db.session.execute(bump)
    seq = db.session.scalar(select(ProjectCodeCounter.last).where(
        ProjectCodeCounter.hq_id == hq.id, ProjectCodeCounter.year == year))
    return seq, f"{hq.code}-{year}-{seq:04d}"


def assign_code(actor: User | None, project: Project) -> None:
    """Give the submitted proposal its official code, numbered in the year of submission."""
    if project.code:
        return
    project.year = today().year
    project.seq, project.code = next_code(project.hq, project.year)
    audit.record(actor, "project.code", project, {"code": [None, project.code]})
    db.session.flush()


def parse_code(hq: Headquarters, code: str) -> tuple[int, int]:
    """The year and number of an imported code, which must be one of this HQ's."""
    match = re.fullmatch(rf"{re.escape(hq.code)}-(\d{{4}})-(\d{{1,6}})", code.strip().upper())
    if match is None:
        raise Invalid("code", _("A project code reads like %(example)s: the HQ's code, the year "
                                "and the number.", example=f"{hq.code}-2024-0042"))
    return int(match.group(1)), int(match.group(2))


def code_taken() -> Invalid:
    return Invalid("code", _("Another project already has this code."))


def adopt_code(actor: User, project: Project, code: str) -> None:
    """An imported project keeps the code it had before the tracker (JITRI-2019-0042); the
    counter of its year moves past it, so no later submission is given it again."""
    hq = project.hq
    year, seq = parse_code(hq, code)
    taken = select(Project.id).where(Project.hq_id == hq.id, Project.year == year,
                                     Project.seq == seq, Project.id != project.id)
    if db.session.scalar(taken) is not None:
        raise code_taken()
    counter = db.session.scalar(select(ProjectCodeCounter).where(
        ProjectCodeCounter.hq_id == hq.id, ProjectCodeCounter.year == year))
    if counter is None:
        db.session.add(ProjectCodeCounter(hq_id=hq.id, year=year, last=seq))
    elif counter.last < seq:
        counter.last = seq
    project.year, project.seq, project.code = year, seq, f"{hq.code}-{year}-{seq:04d}"
    # It was never a draft in the tracker: no draft reference (`drafts`), as the bulk import
    # writes it, and its PM's drafts are numbered without it.
    project.draft_number = None
    audit.record(actor, "project.code", project, {"code": [None, project.code]})
    db.session.flush()
