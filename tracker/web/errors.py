"""Error pages in the user's language, and domain refusals turned into HTTP answers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from tracker import db
from tracker.audit import services as audit
from tracker.errors import DomainError, Invalid
from tracker.logs import current_request_id
from tracker.web.api.problems import input_problems, is_api_request, problem
from tracker.web.oversize import drain
from tracker.web.permissions import acting_user
from tracker.web.requestlog import ERROR
from tracker.web.security import escaped

TITLES = {
    400: lambda: _("Bad request"),
    401: lambda: _("Not signed in"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    405: lambda: _("Method not allowed"),
    409: lambda: _("Not possible now"),
    412: lambda: _("Changed meanwhile"),
    413: lambda: _("File too large"),
    415: lambda: _("Unsupported media type"),
    428: lambda: _("Version required"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong"),
    503: lambda: _("Temporarily unavailable"),
}

EXPLANATIONS = {
    400: lambda: _("The request could not be understood. Go back and try again."),
    401: lambda: _("Send a personal access token: Authorization: Bearer <token>."),
    403: lambda: _("Your roles do not allow this page or action."),
    404: lambda: _("There is nothing here, or it is not yours to see."),
    405: lambda: _("This address does not accept that kind of request."),
    409: lambda: _("The change was refused."),
    412: lambda: _("The record changed since you read it: read it again, then send your change "
                   "with its new ETag in If-Match."),
    413: lambda: _("The upload is larger than %(post)d MB, the most one sending may carry "
                   "(each file up to %(n)d MB). Nothing was saved: go back and send fewer "
                   "files at a time.", post=current_app.config["MAX_POST_MB"],
                   n=current_app.config["MAX_UPLOAD_MB"]),
    415: lambda: _("Send the body in a media type this address accepts."),
    428: lambda: _("Send the ETag you read in If-Match, so a change made meanwhile is not "
                   "overwritten."),
    429: lambda: _("Too many sign-in attempts came from this address or for this account. "
                   "Wait a few minutes, then try again."),
    500: lambda: _(
        "The error has been logged and nothing was saved. Try again, or tell HQ if it persists."
    ),
    503: lambda: _("The tracker cannot reach its database just now. Nothing was saved: try "
                   "again in a minute."),
}

# What a database that is down, restarting or out of connections raises: the request gets the
# 503 page, which needs no database, and the pool opens new connections once it is back.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def back_link() -> str | None:
    """Where a refused request came from, so its page links back to the object, not only home:
    the page it was sent from (on this site), else its own address less the action
    (/projects/5/submit -> /projects/5), the nearest that a GET answers."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path and referrer.path != request.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    adapter = current_app.url_map.bind(request.host)
    path = request.path.rstrip("/")
    while path.count("/") > 1:
        path = path.rsplit("/", 1)[0]
        try:
            adapter.match(path, method="GET")
        except HTTPException:
            continue
        return path
    return None


def render_error(status: int, message: str | None = None, headers: dict | None = None,
                 explanation: str | None = None, back: str | None = None,
                 undo: tuple[tuple[str, str], ...] = (),
                 **extensions) -> tuple[str, int] | Response:
    """The error page, or under /api/ the problem document (`message` its detail).
    `explanation` replaces the status's usual one; `back` is the object's page, when the
    refusal knows it better than the request's referrer or address (`back_link`); `undo`,
    what to undo before, each (address, words), linked under its words (`DomainError.undo`)."""
    if is_api_request():
        title = TITLES.get(status, TITLES[500])()
        detail = message or explanation or EXPLANATIONS.get(status, EXPLANATIONS[500])()
        return problem(status, title, detail, headers, **extensions)
    title = TITLES.get(status, TITLES[500])()
    explanation = explanation or EXPLANATIONS.get(status, EXPLANATIONS[500])()
    back = back or (back_link() if status in (400, 403, 409, 413) else None)
    return (
        render_template(
            "errors/error.html", status=status, title=title, explanation=explanation,
            message=message, back=back, undo=undo,
            request_id=current_request_id() if status >= 500 else None,
        ),
        status,
    )


def locale_without_database() -> str:
    """The page's language read from the session cookie and the browser only: the user's own
    setting is copied into the session when it is read (extensions.select_locale)."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(
        languages, default=current_app.config["DEFAULT_LOCALE"])


def database_unavailable(error: Exception) -> Response:
    """503 with Retry-After, in the reader's language, built without the database: no user
    is loaded (the page has no menu), no template hook runs. The request's log line says why
    in one line (the traceback of a refused connection says nothing more, a thousand times)."""
    g.database_unavailable = True
    first = (str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0]
    request.environ[ERROR] = f"database unavailable: {type(error).__name__}: {first}"[:300]
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it
        db.session.remove()
    seconds = str(current_app.config["RETRY_AFTER_SECONDS"])
    with force_locale(locale_without_database()):
        title, explanation = TITLES[503](), EXPLANATIONS[503]()
        if is_api_request():
            return problem(503, title, explanation, {"Retry-After": seconds})
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            title=title, explanation=explanation, request_id=current_request_id(),
            lang="zh-CN" if locale_without_database() == "zh_CN" else "en")
    return Response(page, status=503, headers={"Retry-After": seconds,
                                               "Cache-Control": "no-store"},
                    mimetype="text/html")


def audit_refusal(reason: str) -> None:
    """Every 403 lands on the audit trail, in a transaction of its own once what the request
    changed is rolled back. A failure to record it is logged, never shown."""
    db.session.rollback()
    actor = acting_user() if current_user.is_authenticated else None
    try:
        audit.record_denied(actor, request.method, request.path, reason)
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not audit a refusal of %s", escaped(request.path))


def _own(error: HTTPException) -> bool:
    """Whether the error carries a message of ours (translated), not Werkzeug's English one."""
    return error.description != type(error).description


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        db.session.rollback()
        if error.status == 403:
            audit_refusal(error.message)
        if isinstance(error, Invalid) and is_api_request():
            # Every problem found, as the forms show them all at once.
            return render_error(
                400, error.message if len(error.problems) == 1
                else _("Some input was refused: see errors."),
                errors=[{"field": field, "detail": message}
                        for field, message in error.problems])
        return render_error(error.status, error.message or None, back=error.back,
                            undo=error.undo)

    @app.errorhandler(ValidationError)
    def invalid_api_input(error: ValidationError) -> Response:
        # The API's query strings and bodies, read through their pydantic models.
        return render_error(400, _("Some input was refused: see errors."),
                            errors=input_problems(error))

    @app.errorhandler(StaleDataError)
    def stale(error: StaleDataError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(409, _("Someone else changed this at the same moment; nothing of "
                                   "yours was saved. Reload the page and try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, _("The form had expired or was not sent from this site. Reload it and try again.")
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # A Host outside TRUSTED_HOSTS: no page of ours can be built for it (no URL adapter).
        return "Bad request: unknown host.\n", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:
            audit_refusal(error.description if _own(error) else "")
        if error.code == 413:
            drain(request.environ)
        if is_api_request():
            headers = {k: v for k, v in error.get_headers()
                       if k in ("WWW-Authenticate", "Retry-After", "Allow")}
            return render_error(error.code, error.description if _own(error) else None, headers)
        return render_error(error.code)

    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int] | Response:
        # An error page that needed the database while it is down ends here too.
        if isinstance(getattr(error, "original_exception", None), DATABASE_DOWN):
            return database_unavailable(error.original_exception)
        if app.debug or app.testing:
            # Let it through to the Werkzeug debugger (`make run`) or the failing test. Asked per
            # error, not when registering: `flask run` sets the debug flag after create_app.
            raise error
        app.logger.exception("unhandled error on %s %s", request.method, escaped(request.path))
        db.session.rollback()
        return render_error(500)
