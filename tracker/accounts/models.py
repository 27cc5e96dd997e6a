"""People, their roles, and what a role lets them do."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    and_,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from tracker.crypto import Encrypted
from tracker.db import Base, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from tracker.organisations.models import Enterprise, Institute, JointInnovationCentre


class Provider(enum.StrEnum):
    """An identity service a session may be opened through (tracker.sso); none: a local
    password."""

    OIDC = "oidc"
    CAS = "cas"
    LDAP = "ldap"


PROVIDER_LABELS = {Provider.OIDC: _l("OpenID Connect"), Provider.CAS: _l("CAS"),
                   Provider.LDAP: _l("LDAP directory")}


class Role(enum.StrEnum):
    PROJECT_MANAGER = "project_manager"
    EVALUATOR = "evaluator"
    INVESTMENT_COMMITTEE = "investment_committee"
    HQ_ADMIN = "hq_admin"
    OBSERVER = "observer"
    # An expert from outside (tracker/experts): the account opens the reviews they sit on and
    # nothing else (tracker/accounts/walls.py). Held alone.
    EXTERNAL_EXPERT = "external_expert"
    # Someone at an enterprise (their account names it: `User.enterprise_id`): the account
    # submits and follows that enterprise's technology needs and opens nothing else
    # (tracker/accounts/walls.py). Held alone.
    ENTERPRISE_CONTACT = "enterprise_contact"
    # Not granted as a row: a user is a director because an institute names them
    # (Institute.director), so the fact lives in one place.
    INSTITUTE_DIRECTOR = "institute_director"


# The roles of an account behind a wall, each held alone (tracker/accounts/walls.py).
LIMITED_ROLES = (Role.EXTERNAL_EXPERT, Role.ENTERPRISE_CONTACT)

ROLE_LABELS = {
    Role.PROJECT_MANAGER: _l("Project manager"),
    Role.EVALUATOR: _l("HQ evaluator"),
    Role.INVESTMENT_COMMITTEE: _l("Investment committee"),
    Role.HQ_ADMIN: _l("HQ admin"),
    Role.OBSERVER: _l("Observer"),
    Role.EXTERNAL_EXPERT: _l("External expert"),
    Role.ENTERPRISE_CONTACT: _l("Enterprise contact"),
    Role.INSTITUTE_DIRECTOR: _l("Institute director"),
}


# A director is named by their institute; an external expert's account is made from the expert
# pool (tracker/experts/services.py), never granted on the users page.
GRANTABLE_ROLES = [r for r in Role if r not in (Role.INSTITUTE_DIRECTOR, Role.EXTERNAL_EXPERT)]
# Roles that see the whole portfolio read-only or better.
HQ_WIDE_ROLES = {Role.HQ_ADMIN, Role.OBSERVER, Role.INVESTMENT_COMMITTEE}
# Roles that configure everything or decide money: a password alone is not enough.
MFA_REQUIRED_ROLES = {Role.HQ_ADMIN, Role.INVESTMENT_COMMITTEE}
# Roles that sit on gate panels: HQ's evaluators and the pool's external experts.
REVIEWING_ROLES = (Role.EVALUATOR, Role.EXTERNAL_EXPERT)


class User(Base):
    __tablename__ = "users"
    # The overdue list sorted by PM walks the users in the order of their names (0107).
    __table_args__ = (Index("ix_users_name", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    # None: follow the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    # Set when an HQ admin chose the password: nothing else opens until its owner replaces it.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # The second factor (accounts.mfa): the TOTP secret shared with the authenticator app
    # (encrypted at rest: tracker/crypto.py), when it was confirmed, and the last time step
    # used (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(Encrypted, deferred=True)
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A mobile number in E.164 (+8613800138000), set only once a code sent to it was typed back
    # (tracker.phones): codes by SMS reset the password and, with `sms_sign_in`, are the second
    # step of a local sign-in.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    phone_bound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_sign_in: Mapped[bool] = mapped_column(default=False)
    # The number the organisation's identity service knows the person by (工号): single sign-on
    # finds the account by it or by the e-mail (tracker.sso).
    staff_number: Mapped[str | None] = mapped_column(String(50), unique=True)
    # Affiliations decide conflicts of interest: an evaluator never reviews their own
    # institute's partner enterprise's project.
    institute_id: Mapped[int | None] = mapped_column(ForeignKey("institutes.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Loaded on first use, not with every user: most pages show other people by name only.
    # Where roles are read for many users, the query asks for them (`with_roles()`).
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    institute: Mapped[Institute | None] = relationship(foreign_keys=[institute_id])
    enterprise: Mapped[Enterprise | None] = relationship(foreign_keys=[enterprise_id])
    directed_institutes: Mapped[list[Institute]] = relationship(
        back_populates="director", foreign_keys="Institute.director_id"
    )
    liaised_centres: Mapped[list[JointInnovationCentre]] = relationship(
        foreign_keys="JointInnovationCentre.liaison_id", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    # Flask-Login protocol -------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    # The secret of the session this request came with, set by accounts.sessions when it loads
    # the user: Flask-Login keeps it in the cookie instead of the id. Never stored.
    session_token = None  # str once loaded
    # The identity service that opened that session (Provider), None for a local password.
    session_provider = None
    # How many notifications they have not read, read with the session (the header's bell).
    unread_notifications = 0

    def get_id(self) -> str | None:
        return self.session_token

    # Roles -----------------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        """The roles granted, and institute director while they direct one. Worked out once
        and kept until a grant or a directorship is added or removed in the session, or the
        user is expired or refreshed (`_forget_roles`): a page asks some eighty times (the
        menu's walls and permission rules, one item after the other)."""
        roles = self.__dict__.get("_roles")
        if roles is None:
            granted = {g.role for g in self.role_grants}
            if self.directed_institutes:
                granted.add(Role.INSTITUTE_DIRECTOR)
            roles = self.__dict__["_roles"] = frozenset(granted)
        return roles

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_hq_admin(self) -> bool:
        return self.has_role(Role.HQ_ADMIN)

    @property
    def is_external_expert(self) -> bool:
        """A limited account: its reviews, and nothing else (tracker/accounts/walls.py)."""
        return self.has_role(Role.EXTERNAL_EXPERT)

    @property
    def is_enterprise_contact(self) -> bool:
        """A limited account: their enterprise's needs, and nothing else (walls.py)."""
        return self.has_role(Role.ENTERPRISE_CONTACT) and self.enterprise_id is not None

    @property
    def is_limited(self) -> bool:
        """An account behind a wall (tracker/accounts/walls.py): it holds no other role and
        makes no API token."""
        return self.has_role(*LIMITED_ROLES)

    @staticmethod
    def enterprise_contacts() -> ColumnElement[bool]:
        """SQL: `is_enterprise_contact`."""
        return and_(User.role_grants.any(RoleGrant.role == Role.ENTERPRISE_CONTACT),
                    User.enterprise_id.is_not(None))

    @staticmethod
    def staff() -> ColumnElement[bool]:
        """SQL: an active account not behind a wall (`is_limited`): who may direct an
        institute, sit on a PM's interview panel or sign in as a PM."""
        return and_(User.active.is_(True),
                    ~User.role_grants.any(RoleGrant.role.in_(LIMITED_ROLES)))

    @property
    def liaised_centre_ids(self) -> set[int]:
        """The joint innovation centres whose liaison they are."""
        return {c.id for c in self.liaised_centres}

    @property
    def sees_whole_portfolio(self) -> bool:
        return bool(self.roles & HQ_WIDE_ROLES)

    @property
    def directed_institute_ids(self) -> set[int]:
        return {i.id for i in self.directed_institutes}

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    @property
    def has_second_factor(self) -> bool:
        """Whether a local sign-in asks for a code after the password: from the authenticator
        app (or a recovery code), or one sent by SMS to the bound phone."""
        return self.mfa_enabled or (self.sms_sign_in and self.phone is not None)

    @property
    def mfa_required(self) -> bool:
        """HQ admins and the investment committee sign in with a second factor; others may."""
        return bool(self.roles & MFA_REQUIRED_ROLES)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def can_manage_users(self) -> bool:
        return self.is_hq_admin

    def can_view(self, user: User) -> bool:
        """An account's page and history: its owner, HQ admins, observers (auditors)."""
        return user.id == self.id or user.can_manage_users() or user.has_role(Role.OBSERVER)


class UserSession(Base):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is kept, so
    a copy of the database opens no session. Ending a session deletes its row."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    provider: Mapped[Provider | None] = mapped_column(str_enum(Provider, "session_provider"))

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app; kept as its SHA-256."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoleGrant(Base):
    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        # The holders of a role: the reminder rules' HQ and committee recipients, the panel's
        # and handover's choices, the users list's role filter (migration 0108).
        Index("ix_role_grants_role", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))

    user: Mapped[User] = relationship(back_populates="role_grants")


def with_roles() -> tuple:
    """Options for a query of users whose roles will be read (the logged-in user, the users
    list): their grants and directed institutes in two statements for the lot."""
    return selectinload(User.role_grants), selectinload(User.directed_institutes)


def _forget_roles(user: User | None, *args: Any) -> None:
    if user is not None:  # expired on rollback after the object itself was collected: None
        user.__dict__.pop("_roles", None)


def _forget_grantee_roles(grant: RoleGrant, *args: Any) -> None:
    if isinstance(grant.__dict__.get("user"), User):  # not loaded: nothing worked out from it
        _forget_roles(grant.__dict__["user"])


for _collection in (User.role_grants, User.directed_institutes):
    for _change in ("append", "remove"):
        event.listen(_collection, _change, _forget_roles)
event.listen(RoleGrant.role, "set", _forget_grantee_roles)
for _moment in ("expire", "refresh"):
    event.listen(User, _moment, _forget_roles)
