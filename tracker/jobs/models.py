"""Each periodic job's last run, one row a job: what `/healthz` and `/metrics` read to tell
whether the scheduler is alive (tracker/jobs/services.py writes it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Base, UTCDateTime


class JobRun(Base):
    __tablename__ = "job_runs"

    # The job's id in the scheduler: "reminders", "imports".
    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The end of the last run that raised or logged no error; None until one does.
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What went wrong in the last run, as a code of tracker.jobs.failures.FAILURES and its
    # parameters: the jobs page says it in the reader's language. None after a run without one.
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The first line of the last failure's message as the program wrote it (English, for the
    # admin who reads the logs); None after a run without one.
    error: Mapped[str | None] = mapped_column(String(500))
    # Which host and process ran it: with two hosts, the one holding the scheduler's lock.
    ran_on: Mapped[str] = mapped_column(String(200))
