"""The limited account of an expert from outside (`Role.EXTERNAL_EXPERT`): it opens the
reviews the expert sits on and nothing else.

One list of what it may open (`OPEN`), checked before every request: any other page answers
403, whatever its own rule would say (a page open to every signed-in user, the institutes
list say, is not open to them). On the pages it may open, the review's own predicates decide
the rest: `GateReview.can_view` (their reviews only), `GateReview.can_see_material` and
`StoredFile.can_download` (the review's material, once they declared no conflict, while it is
open). The menu offers the same pages (`tracker.web.permissions.may_open`).
"""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

# Signing in and out, the language, their own password (the first sign-in replaces the one
# HQ set), their reviews: the list, a review's page, the declaration, the scores, the
# material's files.
OPEN = {"static", "auth.login", "auth.logout", "mfa.code", "web.set_language", "auth.account",
        "gates.my_reviews", "gates.review", "gates.declare", "gates.scores",
        "projects.download"}
# For machines, not people: they read no session, and answer even with the database down.
MACHINES = {"web.healthz", "metrics.scrape"}


def opens(user, endpoint: str | None) -> bool:
    """Whether the wall lets `user` reach `endpoint` (everyone but an external expert: yes)."""
    return not user.is_external_expert or endpoint in OPEN


def init_app(app: Flask) -> None:
    @app.before_request
    def keep_external_experts_to_their_reviews() -> Response | None:
        if request.endpoint in OPEN or request.endpoint in MACHINES:
            return None  # before `current_user` is read: the health check needs no database
        if not current_user.is_authenticated or opens(current_user, request.endpoint):
            return None
        if request.endpoint == "web.home":  # where signing in leads: their reviews instead
            return redirect(url_for("gates.my_reviews"))
        abort(403)
