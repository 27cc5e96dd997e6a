"""Who may open a page: one decorator, whose rule the menu reads too.

The rules themselves are `can_<verb>(user)` predicates on the models (and `User.is_hq_admin`-style
properties on the account); this module only applies them to whole pages. A page decorated with
`requires(rule)` answers 403 to a logged-in user the rule refuses, and the menu lists it for
exactly the users the rule lets in, so a link the menu hides is a page that refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import abort, current_app
from flask_login import current_user

from tracker.accounts import walls
from tracker.accounts.models import User

Rule = Callable[[User], bool]


def acting_user() -> User:
    """The logged-in user as the `User` row itself, not Flask-Login's proxy: what every view
    hands to the services and to the models' predicates as the acting user."""
    return current_user._get_current_object()


def requires(rule: Rule | property) -> Callable:
    """Log in first (like `login_required`), then 403 unless `rule(user)` holds. A property
    of `User` (`User.is_hq_admin`) is read as its getter."""
    check: Rule = rule.fget if isinstance(rule, property) else rule

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not check(acting_user()):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = check
        return guarded

    return decorate


def may_open(user: User, endpoint: str) -> bool:
    """Whether the page at `endpoint` lets `user` in: its `requires` rule, or any logged-in
    user when it has none; never past the wall of a limited account (tracker/accounts/walls.py)."""
    return bool(pages_open(user, (endpoint,)))


def pages_open(user: User, endpoints: Iterable[str]) -> list[str]:
    """The `endpoints` whose pages let `user` in (`may_open` of each, in order), the wall and
    the app's views found once for all: the menu asks for its 35 pages at every request."""
    wall = walls.pages_of(user)
    views = current_app.view_functions
    return [endpoint for endpoint in endpoints if (wall is None or endpoint in wall) and (
        (rule := getattr(views[endpoint], "access_rule", None)) is None or rule(user))]
