"""Every request gets an id and leaves one log line and its count in /metrics.

A WSGI middleware, outermost, so the line covers whatever answered (a page, a file, an error
page, the 503 while the database is down) and a streamed export's whole length. The id is the
X-Request-ID the reverse proxy sent (nginx's `$request_id`), when it looks like one, else a
new one; it goes back in the response's X-Request-ID, into every log line of the request
(tracker/logs.py) and onto the 500 page, so a user's report leads to the request's lines.

What the line says beyond the status and time, the app adds to the environ while it serves:
the user's id when the request loaded the user (`tracker.user_id`), the path with a secret
token masked (`tracker.log_path`), the one line of a database failure (`tracker.error`).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g, request
from werkzeug.wsgi import ClosingIterator

from tracker.logs import REQUEST_ID
from tracker.web import metrics

log = logging.getLogger("tracker.request")

# What an id from outside may look like: no spaces or control characters, not too long.
INCOMING_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{8,128}")
USER_ID = "tracker.user_id"
LOG_PATH = "tracker.log_path"
ERROR = "tracker.error"


def request_id_from(environ: dict[str, Any]) -> str:
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestLog:
    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ[REQUEST_ID] = request_id = request_id_from(environ)
        started = time.perf_counter()
        status: list[int] = [500]

        def start(status_line: str, headers: list, exc_info: Any = None) -> Callable:
            status[0] = int(status_line.split(" ", 1)[0])
            headers.append(("X-Request-ID", request_id))
            return start_response(status_line, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            self.done(environ, 500, time.perf_counter() - started)
            raise
        return ClosingIterator(
            body, lambda: self.done(environ, status[0], time.perf_counter() - started))

    @staticmethod
    def done(environ: dict[str, Any], status: int, seconds: float) -> None:
        method = environ.get("REQUEST_METHOD", "")
        metrics.observe(method, status, seconds)
        fields = {
            "method": method,
            "path": environ.get(LOG_PATH) or environ.get("PATH_INFO", ""),
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
        }
        if environ.get(USER_ID) is not None:
            fields["user_id"] = environ[USER_ID]
        error = environ.get(ERROR)
        if error:
            fields["error"] = error
        level = logging.ERROR if status >= 500 and status != 503 else (
            logging.WARNING if error else logging.INFO)
        log.log(level, "%s %s %s", method, fields["path"], status,
                extra={"fields": fields, "request_id": environ[REQUEST_ID]})


def init_app(app: Flask) -> None:
    # Outermost: wraps ProxyFix too (security.init_app runs first), so the address logged is
    # the client's as ProxyFix read it.
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def mask_secret_tokens() -> None:
        # The calendar feed's address is its password: logged as /calendar/*.ics.
        if request.view_args and "token" in request.view_args:
            request.environ[LOG_PATH] = request.path.replace(
                str(request.view_args["token"]), "*")

    @app.after_request
    def note_user(response: Any) -> Any:
        # Only a user the request loaded anyway: the line never costs a query.
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            request.environ[USER_ID] = getattr(user, "id", None)
        return response
