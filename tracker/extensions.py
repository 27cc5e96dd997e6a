"""Database, login, translations and CSRF, bound to the app."""

from __future__ import annotations

from flask import Flask, current_app, flash, has_request_context, request, session
from flask_babel import Babel
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from tracker import db
from tracker.accounts import sessions
from tracker.accounts.models import User
from tracker.display.said import SayingDomain

login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


def init_database(app: Flask) -> None:
    engine = db.make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])
    app.extensions["engine"] = engine
    if not app.testing:
        db.session.configure(bind=engine)

    @app.teardown_appcontext
    def remove_session(exc: BaseException | None) -> None:
        db.finish(failed=exc is not None)


def select_locale() -> str:
    """The user's own setting, then the choice made in the header, then the browser's; on
    the JSON API, the request's Accept-Language first."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the shell, the scheduler: mail uses force_locale
        return current_app.config["DEFAULT_LOCALE"]
    if request.path.startswith("/api/") and request.accept_languages:
        # A program states its language in each request (RFC 9457 problems in it).
        return request.accept_languages.best_match(
            languages, default=current_app.config["DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        # Kept in the session cookie too: the 503 page, which can't load the user while the
        # database is down, still answers in their language (web/errors.py).
        if session.get("locale") != current_user.locale:
            session["locale"] = current_user.locale
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(
        languages, default=current_app.config["DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    return current_app.config["ORG_TIMEZONE"]


def init_extensions(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        user, timed_out = sessions.resume(token)
        if timed_out:
            session.clear()
            flash(_("Your session ended: it was unused too long, or open too long. "
                    "Log in again."), "info")
        return user

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Our catalogue, whose messages can be stored as said and said again in another language
    # (an import's problems: tracker.display.said).
    babel.domain_instance = domain = SayingDomain(domain=app.extensions["babel"].default_domain)
    # The templates' `_` and `ngettext` ask our domain for its catalogue directly, rather than
    # through Flask-Babel's lookups of the request's domain and locale at every message.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True)
    csrf.init_app(app)
