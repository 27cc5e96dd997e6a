"""A project's official code (`JITRI-2026-0042`): given when its proposal is submitted, never
when its draft is made (`tracker.projects.drafts` numbers drafts), gap-free per HQ and year of
submission.

An imported project keeps the code it had before the tracker, as its contracts and papers cite
it (issue 13). A code of the generator's form (the HQ's code, a year, a number) is the
generator's: it is read as that year and number (`JITRI-2019-42` is `JITRI-2019-0042`) and the
year's counter moves past it, so no submission is given it again. Any other code
(`JITRI-AM-2026-0001`, `SIAT2019-007`) is kept as written, so long as every cell that names a
project can name it: at most 40 letters and digits of any script and `- _ . ( )`, beginning
with a letter or a digit; no space, comma, semicolon, slash, colon or bar, which separate a
cell's entries. It has no number, so the generator, which writes only its own form, never
gives it; its year, the year reports count it in, is that of its submission as imported.

Every code is compared as `spelt` writes it: full-width letters and digits in their usual
form (NFKC), trimmed, in capitals, its number as the generator writes it when it has one
(`spellings`). `find` is the one way a code typed or read from a cell names a project.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import local_date, today
from tracker.errors import Invalid
from tracker.organisations.models import Headquarters
from tracker.projects.models import Project, ProjectCodeCounter

MAX_LENGTH = 40  # Project.code's
# A code kept from before the tracker (see above).
_KEPT = re.compile(r"[^\W_][\w.()\-]*")


def spelt(text: str | None) -> str:
    """A project code as stored and compared."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def spellings(text: str | None, hq_codes: Collection[str]) -> tuple[str, ...]:
    """The codes `text` may be, `spelt`: as written, then, when it is of the generator's form
    for one of `hq_codes` (JITRI-2019-42), its number as the generator writes it
    (JITRI-2019-0042), as `read_code` kept it, so that the file it came from names it again.
    A kept code that only looks numbered (JITRI-AM-2019-1, not an HQ's form) is itself only:
    `read_code` kept it as written, and JITRI-AM-2019-0001 is another project's."""
    code = spelt(text)
    numbered = re.fullmatch(r"(.+)-(\d{4})-(\d{1,9})", code)
    padded = code
    if numbered is not None and numbered.group(1) in hq_codes:
        padded = f"{numbered.group(1)}-{numbered.group(2)}-{int(numbered.group(3)):04d}"
    return tuple(dict.fromkeys(c for c in (code, padded) if c))


def hq_codes() -> set[str]:
    """The codes of the headquarters, whose generator's form `spellings` reads."""
    return set(db.session.scalars(select(Headquarters.code)))


def find(text: str | None) -> Project | None:
    """The project a code names, however it was typed (`spellings`); None for none."""
    found = find_id(text)
    return None if found is None else db.session.get(Project, found)


def find_id(text: str | None) -> int | None:
    """The id of the project a code names (`find`)."""
    for code in spellings(text, hq_codes()):
        found = db.session.scalar(select(Project.id).where(Project.code == code))
        if found is not None:
            return found
    return None


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


@dataclass(frozen=True)
class Adopted:
    """The code an imported project keeps, and its year and number when it is of the
    generator's form (None for a code kept as written)."""

    code: str
    year: int | None = None
    seq: int | None = None


def read_code(hq: Headquarters, text: str) -> Adopted:
    """The code an imported project had, as it is kept (see above); refused when it is not
    one."""
    code = spelt(text)
    match = re.fullmatch(rf"{re.escape(hq.code)}-(\d{{4}})-(\d{{1,9}})", code)
    if match is not None:
        year, seq = int(match.group(1)), int(match.group(2))
        return Adopted(f"{hq.code}-{year}-{seq:04d}", year, seq)
    if len(code) > MAX_LENGTH or not _KEPT.fullmatch(code):
        raise Invalid("code", _(
            "A project code is at most %(n)d letters and digits, hyphens, underscores, full "
            "stops and brackets, beginning with a letter or a digit: the code it had, such as "
            "%(example)s, or one of the institute's own.", n=MAX_LENGTH,
            example=f"{hq.code}-2024-0042"))
    return Adopted(code)


def as_kept(hq: Headquarters | None, text: str | None) -> str:
    """The code `text` is kept as (`read_code`: JITRI-2019-42 as JITRI-2019-0042), or as
    `spelt` when it is none, which `read_code` then refuses."""
    try:
        return read_code(hq, text).code if hq is not None and spelt(text) else spelt(text)
    except Invalid:
        return spelt(text)


def code_taken() -> Invalid:
    return Invalid("code", _("Another project already has this code."))


def adopt_code(actor: User, project: Project, code: str, submitted: datetime) -> None:
    """An imported project keeps the code it had before the tracker (`read_code`), submitted
    at `submitted`; the counter of a generated code's year moves past it, so no later
    submission is given it again."""
    hq = project.hq
    adopted = read_code(hq, code)
    taken = select(Project.id).where(Project.code == adopted.code, Project.id != project.id)
    if db.session.scalar(taken) is not None:
        raise code_taken()
    if adopted.seq is not None:
        counter = db.session.scalar(select(ProjectCodeCounter).where(
            ProjectCodeCounter.hq_id == hq.id, ProjectCodeCounter.year == adopted.year))
        if counter is None:
            db.session.add(ProjectCodeCounter(hq_id=hq.id, year=adopted.year,
                                              last=adopted.seq))
        elif counter.last < adopted.seq:
            counter.last = adopted.seq
    project.year = adopted.year or year_submitted(submitted)
    project.seq, project.code = adopted.seq, adopted.code
    # It was never a draft in the tracker: no draft reference (`drafts`), as the bulk import
    # writes it, and its PM's drafts are numbered without it.
    project.draft_number = None
    audit.record(actor, "project.code", project, {"code": [None, project.code]})
    db.session.flush()


def year_submitted(submitted: datetime) -> int:
    """The year a project of a code kept as written is counted in: its submission's."""
    return local_date(submitted).year
