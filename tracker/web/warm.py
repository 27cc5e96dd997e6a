"""The statements of the pages people open first, compiled before a served worker takes its
first request (gunicorn.conf.py, after the templates).

SQLAlchemy compiles a statement to SQL the first time a process runs it and keeps the result
for the next: the home page's first request in a worker compiled its 15 to 20 statements, and
took three to four times its usual time (127 ms of CPU against 28 to 36 for HQ's home, measured
in one process). The benchmark's 95th percentile of a home page was that one request of the
worker that had not served it yet. Each page below is drawn once for nobody: a user of id 0
holding the roles of each kind of account, whose lists are empty, in a transaction rolled back.
What is compiled depends on the roles (the statements differ by role), not on whose they are.
The pages are drawn for the host of BASE_URL: in production only the hosts of TRUSTED_HOSTS
(by default BASE_URL's) are served, and a request for any other, as the test client's
"localhost", fails before its view (the warm-up failed so in every served worker, unseen, until
bench/pages.py's server log was read).
"""

from __future__ import annotations

import logging
import time

from flask import Flask
from flask_login import login_user
from werkzeug.exceptions import Forbidden

from tracker import db
from tracker.accounts import sessions
from tracker.accounts.models import Role, RoleGrant, User
from tracker.organisations.models import Institute

log = logging.getLogger(__name__)

# The pages drawn, by their paths.
PAGES = ("/", "/milestones/overdue")
# The roles of each kind of account whose home page and overdue list are warmed; a director is
# one because an institute names them.
ACCOUNTS = ((Role.HQ_ADMIN,), (Role.PROJECT_MANAGER,), (Role.INSTITUTE_DIRECTOR,),
            (Role.PROJECT_MANAGER, Role.INSTITUTE_DIRECTOR), (Role.EVALUATOR,),
            (Role.OBSERVER,), (Role.INVESTMENT_COMMITTEE,))


def nobody(roles: tuple[Role, ...]) -> User:
    """A user of id 0 with `roles`, never added to the session: every list of theirs is empty."""
    user = User(id=0, name="", email="", active=True)
    user.role_grants = [RoleGrant(role=role) for role in roles
                        if role is not Role.INSTITUTE_DIRECTOR]
    if Role.INSTITUTE_DIRECTOR in roles:
        user.directed_institutes = [Institute(id=0)]
    return user


def warm_statements(app: Flask) -> bool:
    """Run the session's statement, then draw the home page and the overdue list of each kind
    of account (the views themselves: what their templates read too); nothing is written.
    False (logged) when one failed, the database out of reach above all: the worker serves
    anyway, compiling on first use as before."""
    started = time.perf_counter()
    base_url = app.config["BASE_URL"] or None
    try:
        with app.test_request_context("/", base_url=base_url):
            sessions.resume("")
            db.session.rollback()
        for roles in ACCOUNTS:
            for path in PAGES:
                with app.test_request_context(path, base_url=base_url):
                    login_user(nobody(roles))
                    try:
                        app.dispatch_request()
                    except Forbidden:
                        pass  # not a page of this account
                    finally:
                        db.session.rollback()
        log.info("statements compiled in %.0f ms", (time.perf_counter() - started) * 1000)
        return True
    except Exception:  # a warm-up never keeps a worker from serving
        log.warning("statements not compiled before the first request", exc_info=True)
        return False
