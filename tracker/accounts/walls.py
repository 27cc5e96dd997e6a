"""The limited accounts: an expert from outside (`Role.EXTERNAL_EXPERT`) opens the reviews they
sit on, an enterprise's contact (`Role.ENTERPRISE_CONTACT`) the technology needs of their
enterprise, and nothing else.

One list per limited role of what it may open (`WALLS`), checked before every request: any
other page answers 403, whatever its own rule would say (a page open to every signed-in user,
the institutes list say, is not open to them). On the pages it may open, the records' own
predicates decide the rest: `GateReview.can_view` (an expert's reviews only),
`GateReview.can_see_material` and `StoredFile.can_download` (the review's material, once they
declared no conflict, while it is open); `TechnologyNeed.can_view` (a contact's enterprise's
needs only). The menu offers the same pages (`tracker.web.permissions.may_open`).
"""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role

# Signing in and out, the language, their own password (the first sign-in replaces the one
# HQ set).
ACCOUNT = {"static", "auth.login", "auth.logout", "mfa.code", "web.set_language",
           "auth.account"}
# An expert's reviews: the list, a review's page, the declaration, the scores, the material's
# files.
OPEN = ACCOUNT | {"gates.my_reviews", "gates.review", "gates.declare", "gates.scores",
                  "projects.download"}
# An enterprise contact's needs: the list, a need's page, a new one.
CONTACT_OPEN = ACCOUNT | {"organisations.needs", "organisations.need", "needs.submit_need"}
# Each limited role: what it opens, and where signing in leads (their home page instead).
WALLS = {Role.EXTERNAL_EXPERT: (OPEN, "gates.my_reviews"),
         Role.ENTERPRISE_CONTACT: (CONTACT_OPEN, "organisations.needs")}
# For machines, not people: they read no session, and answer even with the database down.
MACHINES = {"web.healthz", "metrics.scrape"}


def _wall(user) -> tuple[set[str], str] | None:
    for role, wall in WALLS.items():
        if user.has_role(role):
            return wall
    return None


def pages_of(user) -> set[str] | None:
    """The only pages the walls let `user` reach; None for everyone but a limited account."""
    wall = _wall(user)
    return None if wall is None else wall[0]


def init_app(app: Flask) -> None:
    everyones = set.intersection(*(wall for wall, _home in WALLS.values()))

    @app.before_request
    def keep_limited_accounts_to_their_pages() -> Response | None:
        if request.endpoint in everyones or request.endpoint in MACHINES:
            return None  # before `current_user` is read: the health check needs no database
        if not current_user.is_authenticated:
            return None
        wall = _wall(current_user)
        if wall is None or request.endpoint in wall[0]:
            return None
        if request.endpoint == "web.home":  # where signing in leads: their own list instead
            return redirect(url_for(wall[1]))
        abort(403)
