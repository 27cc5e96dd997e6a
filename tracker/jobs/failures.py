"""What went wrong in a scheduled job, in the reader's language.

A job runs in the scheduler, where no reader is known; its last run is read later by HQ admins
in either language (the jobs page, /healthz). So the run keeps a code and its parameters
(`JobRun.error_code`, `error_params`), said here when shown, and the program's own words
(`JobRun.error`) as a detail for whoever reads the logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# The jobs of tracker/reminders/scheduler.py, by their id.
JOBS = {"reminders": _l("Reminders and the outbox"), "imports": _l("Queued imports"),
        "cleanup": _l("Clean-up of abandoned drafts")}

# Each code's sentence, given its parameters.
FAILURES: dict[str, Callable[[dict[str, Any]], str]] = {
    "database": lambda p: _("The job stopped: the database could not be reached."),
    "raised": lambda p: _("The job stopped on an unexpected error (%(kind)s).",
                          kind=p.get("kind", "?")),
    "logged": lambda p: _("The job reported an error and went on."),
}

# A job that logs an error may say which of the codes it is: log.error(..., extra=DATABASE).
DATABASE = {"job_error": "database"}


def of_record(record: logging.LogRecord) -> tuple[str, dict[str, Any]]:
    """The code and parameters of an error a job logged."""
    code = getattr(record, "job_error", None)
    if code in FAILURES:
        return code, {}
    if record.exc_info and record.exc_info[0] is not None:
        return "raised", {"kind": record.exc_info[0].__name__}
    return "logged", {}


def of_exception(error: BaseException) -> tuple[str, dict[str, Any]]:
    return "raised", {"kind": type(error).__name__}


def job_name(job: str) -> str:
    return str(JOBS[job]) if job in JOBS else job


def headline(code: str | None, params: dict[str, Any] | None) -> str:
    """The failure in the current language ('' for none; a code since removed: generic)."""
    if not code:
        return ""
    return FAILURES.get(code, FAILURES["logged"])(params or {})
