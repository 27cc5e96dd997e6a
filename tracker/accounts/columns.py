"""The user list's columns: what its page shows and its files hold."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.db import utcnow
from tracker.display.labels import label
from tracker.display.paths import id_path
from tracker.display.said import listed
from tracker.export.columns import Column


def _roles(user) -> str:
    return listed(sorted(label(role) for role in user.roles))


def _status(user) -> str:
    status = _("Active") if user.active else _("Deactivated")
    if user.locked_until and user.locked_until > utcnow():
        status += " · " + _("Locked")
    return status


USER_COLUMNS = [
    Column(_l("Name"), lambda u: u.name, width=18,
           link=lambda u: id_path("users.edit_user", "user_id", u.id)),
    Column(_l("E-mail"), lambda u: u.email, width=28),
    Column(_l("Roles"), _roles, width=36),
    Column(_l("Status"), _status, width=18,
           tone=lambda u: "warn" if u.locked_until and u.locked_until > utcnow() else None),
]
