"""Who may open a page: one decorator, whose rule the menu reads too.

The rules themselves are `can_<verb>(user)` predicates on the models (and `User.is_hq_admin`-style
properties on the account); this module only applies them to whole pages. A page decorated with
`requires(rule)` answers 403 to a logged-in user the rule refuses, and the menu lists it for
exactly the users the rule lets in, so a link the menu hides is a page that refuses.

Every page about one record loads it with `loaded` (by its key) or `found` (a record a query
selected): 404 when it is not there and, alike, when the record's predicate (its `can_view`,
unless the view names another) says the user may not see it, so the answer never tells which.
The page's `requires` rule is asked first: a user it refuses gets 403 whatever the address's id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app
from flask_login import current_user

from tracker import db
from tracker.accounts import walls
from tracker.accounts.models import User

Rule = Callable[[User], bool]
T = TypeVar("T")
# Whether the acting user may see a record: `Model.can_view` unless a view names another.
May = Callable[[Any, User], bool]


def acting_user() -> User:
    """The logged-in user as the `User` row itself, not Flask-Login's proxy: what every view
    hands to the services and to the models' predicates as the acting user."""
    return current_user._get_current_object()


def _views(record: Any, user: User) -> bool:
    return record.can_view(user)


def found(record: T | None, may: May | None = _views) -> T:
    """`record`, or 404 when there is none or when `may(record, user)` says the acting user may
    not see it (by default the record's own `can_view`): a record hidden from the user is
    indistinguishable from one that does not exist. `may=None`: existence alone, for a page
    whose `requires` rule already said who may see every record of its kind (an HQ admin's
    settings)."""
    if record is None or (may is not None and not may(record, acting_user())):
        abort(404)
    return record


def loaded(model: type[T], key: Any, *, may: May | None = _views, **get: Any) -> T:
    """The `model` row whose primary key is `key` (`db.session.get`, with `get`'s options), or
    404 as `found` says."""
    return found(db.session.get(model, key, **get), may)


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
