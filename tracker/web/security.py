"""What every request and response goes through: proxies, bad bytes, response headers."""

from __future__ import annotations

from flask import Flask, Response, abort, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DEV_SECRET_KEY

# No inline script or style anywhere: every asset is a file under static/, served by the app.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def escaped(text: str) -> str:
    """`text` fit for one log line: control characters (a forged line break, an escape
    sequence for the terminal) written as Python escapes."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def has_nul() -> bool:
    """A NUL byte in the path, the query string, a form field or an upload's name. Nobody
    types one, and PostgreSQL refuses to store or compare it: refused here, in one place."""
    if "\x00" in request.path or b"%00" in request.query_string.lower():
        return True
    for multidict in (request.args, request.form):
        for key, value in multidict.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return True
    return any("\x00" in (upload.filename or "") for upload in request.files.values())


def init_app(app: Flask) -> None:
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        # The client address and scheme from the proxies we run, never from further left; the
        # host is not taken from a header at all (links come from BASE_URL).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0,
                                x_port=0, x_prefix=0)
    if app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        app.logger.warning("SECRET_KEY is the development default: sessions can be forged. "
                           "Set SECRET_KEY before this serves anyone but you.")

    @app.before_request
    def refuse_nul_bytes() -> None:
        if has_nul():
            abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # What a signed-in person sees (pages, downloads) and the secret calendar feed stay out
        # of every cache, the browser's back-button copy and shared proxies alike (ASVS 8.2.1).
        # (An answer made while the database is down loads no user: it is never cached.)
        if request.endpoint != "static" and (
            g.get("database_unavailable") or current_user.is_authenticated
            or request.endpoint == "reminders.feed"
        ):
            response.headers["Cache-Control"] = "no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
