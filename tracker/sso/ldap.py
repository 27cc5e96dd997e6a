"""LDAP sign-in (ldap3): the person types their directory username and password on our page.

The entry is found with `LDAP_USER_FILTER` under `LDAP_USER_BASE` (as `LDAP_BIND_DN`, or
anonymously), then a bind as that entry with the typed password proves it; the password is
never kept. Their groups are those under `LDAP_GROUP_BASE` matching `LDAP_GROUP_FILTER`, named
by their `cn`; `LDAP_GROUP_ROLES` maps group names to the tracker's roles
(`hq-admins:hq_admin,pm:project_manager`), synchronised at each sign-in (identities.sync_roles).

A password is typed here, so the rules of a local sign-in hold: failures count per username
towards a lock (accounts.throttle, like an unknown e-mail) and towards the sign-in rate limits,
and a second factor, when the account has one, is asked after the bind.
"""

from __future__ import annotations

from flask import current_app
from ldap3 import NONE, SUBTREE, Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from tracker.accounts.models import Provider, Role
from tracker.sso.identities import Identity


class Unavailable(Exception):
    """The directory did not answer (logged; the person is told to try later)."""


def configured() -> bool:
    return bool(current_app.config["LDAP_URL"])


def group_roles() -> dict[str, Role]:
    """`LDAP_GROUP_ROLES` read: group name -> role. An unknown role is a configuration error."""
    pairs = [p.strip() for p in current_app.config["LDAP_GROUP_ROLES"].split(",") if p.strip()]
    mapping = {}
    for pair in pairs:
        group, _, role = pair.rpartition(":")
        mapping[group.strip()] = Role(role.strip())
    return mapping


def _connection(server: Server, user: str | None, password: str | None) -> Connection:
    config = current_app.config
    connection = Connection(server, user=user, password=password,
                            receive_timeout=config["SSO_HTTP_TIMEOUT"], raise_exceptions=False)
    if config["LDAP_START_TLS"]:
        connection.open()
        connection.start_tls()
    return connection


def _value(entry, attribute: str) -> str:
    if not attribute or attribute not in entry.entry_attributes:
        return ""
    value = entry[attribute].value
    return str(value[0] if isinstance(value, list) and value else value or "")


def authenticate(username: str, password: str) -> Identity | None:
    """The identity whose directory password this is, or None; Unavailable when the directory
    does not answer."""
    config = current_app.config
    username = username.strip()
    # An empty password is an unauthenticated bind, which LDAP servers answer with success.
    if not username or not password:
        return None
    attributes = [a for a in (config["LDAP_EMAIL_ATTRIBUTE"], config["LDAP_NAME_ATTRIBUTE"],
                              config["LDAP_STAFF_NUMBER_ATTRIBUTE"]) if a]
    server = Server(config["LDAP_URL"], connect_timeout=config["SSO_HTTP_TIMEOUT"],
                    get_info=NONE)
    try:
        lookup = _connection(server, config["LDAP_BIND_DN"] or None,
                             config["LDAP_BIND_PASSWORD"] or None)
        if not lookup.bind():
            current_app.logger.warning("LDAP lookup bind refused: %s", lookup.result)
            raise Unavailable
        lookup.search(config["LDAP_USER_BASE"],
                      config["LDAP_USER_FILTER"].format(username=escape_filter_chars(username)),
                      SUBTREE, attributes=attributes, size_limit=2)
        entries = list(lookup.entries)
        if len(entries) != 1:
            lookup.unbind()
            return None
        entry = entries[0]
        proof = _connection(server, entry.entry_dn, password)
        proved = proof.bind()
        proof.unbind()
        if not proved:
            lookup.unbind()
            return None
        groups = []
        if config["LDAP_GROUP_BASE"]:
            lookup.search(config["LDAP_GROUP_BASE"], config["LDAP_GROUP_FILTER"].format(
                dn=escape_filter_chars(entry.entry_dn), username=escape_filter_chars(username)),
                SUBTREE, attributes=["cn"])
            groups = [str(g.cn.value) for g in lookup.entries]
        lookup.unbind()
    except LDAPException as error:
        current_app.logger.warning("LDAP unavailable: %s", type(error).__name__)
        raise Unavailable from None
    return Identity(provider=Provider.LDAP, subject=entry.entry_dn,
                    email=_value(entry, config["LDAP_EMAIL_ATTRIBUTE"]),
                    name=_value(entry, config["LDAP_NAME_ATTRIBUTE"]),
                    staff_number=_value(entry, config["LDAP_STAFF_NUMBER_ATTRIBUTE"]),
                    groups=groups)
