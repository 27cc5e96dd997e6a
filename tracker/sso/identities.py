"""From an identity the organisation's service vouches for to an account of the tracker.

OIDC, CAS and LDAP each hand over an `Identity` (its attributes read as `OIDC_*`, `CAS_*` and
`LDAP_*` name them). It finds its account by e-mail or by staff number (`SSO_MATCH_BY`). An
identity without an account gets one with no role, waiting for an HQ admin to grant one, or is
refused (`SSO_UNKNOWN_USERS`: `create` or `refuse`). Every sign-in is audited with its provider;
every refusal too, like a failed password.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import Provider, Role, RoleGrant, User
from tracker.accounts.passwords import SSO_NO_PASSWORD
from tracker.accounts.services import normalise_email, record_failed_login
from tracker.audit import services as audit
from tracker.errors import Refused


@dataclass
class Identity:
    provider: Provider
    subject: str  # the service's own id of the person (OIDC `sub`, CAS user, LDAP DN)
    email: str = ""
    name: str = ""
    staff_number: str = ""
    groups: list[str] = field(default_factory=list)  # LDAP group names (tracker.sso.ldap)


def _find(identity: Identity) -> User | None:
    by = current_app.config["SSO_MATCH_BY"]
    if by == "staff_number":
        if not identity.staff_number:
            return None
        return db.session.scalar(select(User).where(User.staff_number == identity.staff_number))
    if not identity.email:
        return None
    return db.session.scalar(select(User).where(User.email == normalise_email(identity.email)))


def _refuse(user: User | None, identity: Identity, reason: str, message: str) -> Refused:
    record_failed_login(user, identity.email or identity.staff_number or identity.subject,
                        f"{identity.provider.value}:{reason}")
    return Refused(message)


def _create(identity: Identity) -> User:
    if not identity.email:
        raise _refuse(None, identity, "no_email",
                      _("The identity service did not give your e-mail address, so no account "
                        "could be made. Ask an HQ admin."))
    email = normalise_email(identity.email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        # Matched by staff number, yet the e-mail is another account's: never merge the two.
        raise _refuse(None, identity, "email_taken",
                      _("Another account already uses your e-mail address. Ask an HQ admin."))
    user = User(email=email, name=(identity.name or email)[:100], password_hash=SSO_NO_PASSWORD,
                staff_number=identity.staff_number or None)
    changes = audit.pending_changes(user)
    changes["provider"] = [None, identity.provider.value]
    db.session.add(user)
    audit.record(None, "user.create", user, changes)
    db.session.flush()
    return user


def account_for(identity: Identity) -> User:
    """The account `identity` signs in as, or Refused saying why not (recorded, and to be
    committed like a success)."""
    user = _find(identity)
    if user is None:
        if current_app.config["SSO_UNKNOWN_USERS"] != "create":
            raise _refuse(None, identity, "unknown",
                          _("Your identity was confirmed, but the tracker has no account for "
                            "you. Ask an HQ admin to make one."))
        user = _create(identity)
    if not user.active:
        raise _refuse(user, identity, "inactive",
                      _("This account has been deactivated. Ask an HQ admin."))
    return user


def sync_roles(user: User, identity: Identity, group_roles: dict[str, Role]) -> None:
    """Grant the roles the identity's groups map to, and take away the mapped roles its groups
    no longer give; roles the mapping does not name stay as HQ set them."""
    mapped = set(group_roles.values())
    given = {group_roles[g] for g in identity.groups if g in group_roles}
    before = sorted(g.role.value for g in user.role_grants)
    user.role_grants = [g for g in user.role_grants if g.role not in mapped or g.role in given]
    have = {g.role for g in user.role_grants}
    user.role_grants.extend(RoleGrant(role=role) for role in sorted(given - have))
    after = sorted(g.role.value for g in user.role_grants)
    if before != after:
        audit.record(None, "user.update", user, {"roles": [before, after],
                                                 "provider": [None, identity.provider.value]})
    db.session.flush()


def record_failed_attempt(typed: str, provider: Provider, reason: str) -> None:
    """A refused password of the directory, about no account (the name typed says whose)."""
    record_failed_login(None, typed, f"{provider.value}:{reason}")


def attempt(identity: Identity, group_roles: dict[str, Role] | None = None,
            password_typed: bool = False) -> tuple[User | None, str]:
    """`account_for` for a sign-in page: the user (their roles synchronised with their groups
    when a mapping is given, the sign-in audited with its provider), or None and the reason to
    show. Returned, not raised: what a refusal recorded must be committed. With a password
    typed on our page (LDAP), an account with a second factor is signed in by its code, as
    after a local password: only the password is recorded as right now."""
    try:
        user = account_for(identity)
    except Refused as refused:
        return None, refused.message
    if group_roles:
        sync_roles(user, identity, group_roles)
    action = "user.password_ok" if password_typed and user.has_second_factor else "user.login"
    audit.record(user, action, user, {"provider": [None, identity.provider.value]})
    db.session.flush()
    return user, ""
