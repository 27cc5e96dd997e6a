"""Log lines as JSON objects, one a line, on standard output: the web app's (one line per
request, tracker/web/requestlog.py), the scheduler's (one line per job run, tracker/jobs) and
every warning or error, each with the request id of the request it belongs to. A `flask`
command writes them on standard error instead: its standard output is its own (the annual
report's JSON, CSV or XLSX, `flask report annual > report.json`), and a warning written into it
made the file unreadable.

A collector (journald, a log shipper) reads them without parsing prose, and a user who quotes
the id on a 500 page leads to the request's lines. JSON escapes control characters, so a
forged line break in a path can't start a line of its own. `LOG_FORMAT=text` writes the same
records as plain text, for a developer's terminal.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask, has_request_context, request

# Where the request's id is kept in the WSGI environ (set by tracker/web/requestlog.py).
REQUEST_ID = "tracker.request_id"


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return request.environ.get(REQUEST_ID) if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC), level, logger, message, the request id, the
    record's `fields` (a dict given as `extra={"fields": {...}}`) and any traceback, which
    stays inside the line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "fields", None)
        if fields:
            text += " " + " ".join(f"{key}={value}" for key, value in fields.items())
        request_id = getattr(record, "request_id", None) or current_request_id()
        return f"{text} [{request_id}]" if request_id else text


def _stamp(record: logging.LogRecord) -> bool:
    """The request id, noted when the app's logger is called (a handler may format the
    record later, outside the request)."""
    if getattr(record, "request_id", None) is None:
        record.request_id = current_request_id()
    return True


FORMATTERS = {"json": JsonFormatter, "text": TextFormatter}
_HANDLER_NAME = "tracker.stdout"


def _in_a_command() -> bool:
    """Whether the app is being made for a `flask` command (inside its click context)."""
    return click.get_current_context(silent=True) is not None


def configure(app: Flask) -> None:
    """Every logger under `tracker` (the app's own, the scheduler's, the requests') writes to
    standard output in `LOG_FORMAT`, once, however many apps a process makes. Tests keep
    pytest's capture: nothing is changed when the app is testing."""
    logger = logging.getLogger("tracker")
    if _stamp not in logger.filters:
        logger.addFilter(_stamp)
    if app.testing:
        return
    if any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr if _in_a_command() else sys.stdout)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(FORMATTERS[app.config["LOG_FORMAT"]]())
    # Flask's default handler (stderr, prose) would write each line a second time.
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
