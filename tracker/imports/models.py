"""One import: what file, of which kind, by whom, how far it got and what it found."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ColumnElement, ForeignKey, LargeBinary, String, and_, false, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.db import Base, UTCDateTime, str_enum, utcnow
from tracker.display import said
from tracker.imports import liveness

if TYPE_CHECKING:
    from tracker.accounts.models import User


# How long an import may wait for a worker before its page says none is running: the scheduler
# polls for queued imports every few seconds (tracker/imports/jobs.py).
NOT_TAKEN_AFTER_SECONDS = 60
# How long a running import may go without a sign of life (its worker writes one when it takes
# the run and at each progress report, every 50 rows, `tracker.imports.jobs`; on SQLite in a
# file beside the database, `tracker.imports.liveness`) before its page says it stopped: its
# worker is gone (its process was killed), its transaction with it, and Cancel ends the run at
# once.
STOPPED_AFTER_SECONDS = 600


def silent_since() -> datetime:
    """A running run whose last sign of life is older than this is said stopped."""
    return utcnow() - timedelta(seconds=STOPPED_AFTER_SECONDS)


class ImportState(enum.StrEnum):
    # Uploaded through the web, waiting for a worker (`tracker.imports.jobs`).
    QUEUED = "queued"
    RUNNING = "running"
    # Every row was valid and written.
    DONE = "done"
    # A dry run whose rows were all valid: nothing written, as asked.
    CHECKED = "checked"
    # At least one row was refused: nothing written.
    FAILED = "failed"
    CANCELLED = "cancelled"


IMPORT_STATE_LABELS = {
    ImportState.QUEUED: _l("Waiting to run"),
    ImportState.RUNNING: _l("Running"),
    ImportState.DONE: _l("Imported"),
    ImportState.CHECKED: _l("Checked (dry run): nothing written"),
    ImportState.FAILED: _l("Refused: nothing written"),
    ImportState.CANCELLED: _l("Cancelled: nothing written"),
}


class ImportRun(Base):
    """The audit records an import writes name its id (`changes["import"]`), so the trail says
    which import changed what."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dry_run: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ImportState] = mapped_column(
        str_enum(ImportState, "import_state"), default=ImportState.RUNNING)
    total_rows: Mapped[int] = mapped_column(default=0)
    done_rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    # [[row, column header, message], ...], the header and the message as they were said
    # (tracker.display.said): `errors` reads them in the reader's language.
    said_errors: Mapped[list[Any]] = mapped_column("errors", JSON, default=list)
    # What a dry run would do, or what the import did: [[row, "created"|"updated", key,
    # records], ...], an update's records as [action, object type, object id, changes] (runs
    # before 2026-11-27 have no records).
    # (the first rows only; the counts above are complete).
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The choices read from a short form of their label (`tracker.imports.shortened`): [[column
    # header, short form, label, rows, how many rows], ...], header and label as said; None
    # before migration 0111.
    readings: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    # How it read its file (`tracker.imports.notices`): the sheet of a workbook, the columns
    # left unread as bookkeeping, as codes and arguments ([{"code": "sheet", ...}, ...]) said
    # in the reader's language; None before migration 0113.
    notices: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    # A web upload's file, kept until its job has read it; the uploader's language; the
    # progress page's Cancel.
    upload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # A companies upload's incentive grants file, imported with it in one run
    # (`tracker.imports.replay`, migration 0104): its name and its bytes, kept as `upload` is.
    grants_filename: Mapped[str | None] = mapped_column(String(255))
    grants_upload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    cancel_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When it was queued, or started on the command line; a worker's claim sets it again.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Its job's last sign of life: when a worker took it, then each progress report (PostgreSQL;
    # migration 0109). None while no worker has taken it: it has not started (`started`).
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship()

    @property
    def errors(self) -> list[list]:
        """(row, column header, message) of each problem found, in the language of whoever
        reads them, whoever ran the import (a problem stored before messages were kept as
        said reads as it was written)."""
        return [[row, said.say(column), said.say(message)]
                for row, column, message in self.said_errors or []]

    @property
    def placed_errors(self) -> list[list]:
        """`errors` as a reader reads them: a problem of a whole row (a total row's) placed
        in that row, where it read "-" as its column (issue 13); one of the whole file (row
        1 or before) in none."""
        return [[row, column or (_("whole row") if row > 1 else ""), message]
                for row, column, message in self.errors]

    @errors.setter
    def errors(self, problems) -> None:
        self.said_errors = [[row, said.stored(column), said.stored(message)]
                            for row, column, message in problems]

    @property
    def files(self) -> str:
        """The file's name, or both files' of a companies run with its grants file."""
        return " + ".join(filter(None, (self.filename, self.grants_filename)))

    @classmethod
    def of(cls, actor: User, kind: str, filename: str, dry_run: bool, **fields: Any) -> ImportRun:
        """A new run of `kind` on `filename` by `actor`: no error nor change found yet."""
        return cls(kind=kind, filename=filename[:255], actor_id=actor.id, dry_run=dry_run,
                   errors=[], changes=[], readings=[], notices=[], **fields)

    @classmethod
    def running(cls, actor: User, kind: str, filename: str, dry_run: bool,
                **fields: Any) -> ImportRun:
        """A run of the command line, running from now on. A queued run is never written so
        by the import: its claim committed it running (`jobs.claim_next`), and its row is
        left alone until the import ends, because on PostgreSQL its progress reports and the
        page's Cancel write that row through connections of their own while the import's
        transaction is open: had the transaction written it, they would wait for its end,
        which waits for them (an upload of more than 50 rows hung at its first progress
        report, and its Cancel with it; issue 13)."""
        now = utcnow()
        return cls.of(actor, kind, filename, dry_run, state=ImportState.RUNNING,
                      started_at=now, seen_at=now, **fields)

    @staticmethod
    def can_import(user: User) -> bool:
        return user.is_hq_admin

    def can_view(self, user: User) -> bool:
        return user.is_hq_admin

    def can_view_history(self, user: User) -> bool:
        """Its history is part of the whole trail, whose readers (observers too) follow the
        trail's links here; the run's page, with the file's rows, stays HQ admins'."""
        return user.is_hq_admin or user.has_role(Role.OBSERVER)

    @hybrid_property
    def is_open(self) -> bool:
        """Waiting or running: its page follows its progress."""
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)

    @is_open.expression
    def is_open(cls) -> ColumnElement[bool]:  # noqa: N805
        return cls.state.in_((ImportState.QUEUED, ImportState.RUNNING))

    @property
    def not_taken(self) -> bool:
        """Still waiting for a worker well after it was queued: a worker takes an import
        within seconds while the scheduler runs, so none is running (its page says so)."""
        return (self.state is ImportState.QUEUED
                and utcnow() - self.started_at > timedelta(seconds=NOT_TAKEN_AFTER_SECONDS))

    @property
    def started(self) -> datetime | None:
        """When it started, only if it did: a run no worker took (waiting, or cancelled while
        it waited) has no start to show."""
        return None if self.seen_at is None else self.started_at

    @hybrid_property
    def stopped(self) -> bool:
        """Running, with no sign of life for longer than STOPPED_AFTER_SECONDS: its worker
        died (its process was killed), and its transaction with it, so nothing of it was
        written; its page says so and its Cancel ends it at once (`jobs.request_cancel`)."""
        seen = self.last_seen
        return self.state is ImportState.RUNNING and seen is not None and seen < silent_since()

    @stopped.expression
    def stopped(cls) -> ColumnElement[bool]:  # noqa: N805
        # The row's sign of life only: on SQLite the worker's beats are in a file
        # (`liveness`), which the Cancel reads before it writes (`jobs.request_cancel`).
        return and_(cls.state == ImportState.RUNNING, cls.seen_at < silent_since())

    @property
    def last_seen(self) -> datetime | None:
        """Its last sign of life: `seen_at`, or on SQLite its worker's later report."""
        return liveness.last_seen(self.id, self.seen_at)

    @hybrid_property
    def ends_at_once(self) -> bool:
        """Its Cancel ends it at once: it waits (no worker took it) or it stopped (its worker
        is gone); a run that runs stops at its next progress report (`jobs.request_cancel`)."""
        return self.state is ImportState.QUEUED or self.stopped

    @ends_at_once.expression
    def ends_at_once(cls) -> ColumnElement[bool]:  # noqa: N805
        return or_(cls.state == ImportState.QUEUED, cls.stopped)

    @property
    def wrote_nothing(self) -> bool:
        """A run that failed or was cancelled, a dry run's too: nothing was written, and its
        counts (the rows that passed before it stopped) are no records created or updated,
        nor would be: a refused file creates nothing (issue 13: "Refused: nothing written: 2
        would be created")."""
        return self.state in (ImportState.FAILED, ImportState.CANCELLED)

    def can_cancel(self, user: User) -> bool:
        """Who imports cancels a run (while it is open: `jobs.cancel_refusal`)."""
        return self.can_import(user)

    @hybrid_property
    def keeps_checked_file(self) -> bool:
        """A dry run whose every row passed, its file kept to be imported for real from its
        page, once (`jobs.import_checked`)."""
        return self.state is ImportState.CHECKED and self.has_upload

    @keeps_checked_file.expression
    def keeps_checked_file(cls) -> ColumnElement[bool]:  # noqa: N805
        return and_(cls.state == ImportState.CHECKED, cls.upload.is_not(None))

    def can_import_checked(self, user: User) -> bool:
        """A dry run whose every row passed keeps its file (`has_upload`), so that whoever may
        import runs that same file for real from its page, once, without uploading it again
        (`jobs.checked_refusal`)."""
        return self.can_import(user)


# Whether the run still holds its uploaded file, without loading the file.
ImportRun.has_upload = column_property(ImportRun.__table__.c.upload.is_not(None))
