"""What HQ does with the expert pool: add and edit experts, find them, and give an expert from
outside a limited account to score with. Each function checks the actor's permission,
validates, applies, audits and flushes; the view commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from tracker import db
from tracker.accounts import services as accounts
from tracker.accounts.models import Role, RoleGrant, User
from tracker.audit import services as audit
from tracker.errors import Forbidden, Invalid, Problems, require
from tracker.experts.models import Expert, ExpertTitle
from tracker.search import matching

FIELDS = ("name", "professional_title", "unit", "unit_institute_id", "unit_enterprise_id",
          "expertise", "email", "phone", "active")


def search(q: str = "", title: ExpertTitle | None = None, active: bool | None = True) -> Select:
    """The pool, narrowed: `q` in the name, unit or fields of expertise (case-insensitive),
    a title or above, only those in the pool (None: everyone)."""
    query = select(Expert)
    if q:
        query = query.where(matching(q, Expert.name, Expert.unit, Expert.expertise))
    if title is not None:
        query = query.where(Expert.professional_title.in_(
            [t.value for t in ExpertTitle if t.rank >= title.rank]))
    if active is not None:
        query = query.where(Expert.active.is_(active))
    return query


def _expertise(text: str) -> str:
    """One field per line, trimmed, each once; commas and the Chinese 、，；separate too."""
    fields: list[str] = []
    for raw in text.replace("、", "\n").replace("，", "\n").replace("；", "\n").replace(
            ",", "\n").replace(";", "\n").splitlines():
        field = raw.strip()
        if field and field.casefold() not in {f.casefold() for f in fields}:
            fields.append(field)
    return "\n".join(fields)


def save_expert(actor: User, expert: Expert | None, **values: Any) -> Expert:
    """Add an expert to the pool (`expert` None) or change one; every problem at once."""
    if not Expert.can_manage(actor):
        raise Forbidden()
    problems = Problems()
    name = (values.get("name") or "").strip()
    unit = (values.get("unit") or "").strip()
    if not name:
        problems.add("name", _("Give the expert's name."))
    if not unit:
        problems.add("unit", _("Give the expert's unit (the organisation they work for)."))
    try:
        title = ExpertTitle(values.get("professional_title"))
    except ValueError:
        problems.add("professional_title", _("Choose the expert's title."))
        title = None
    if values.get("unit_institute_id") and values.get("unit_enterprise_id"):
        problems.add("unit_enterprise_id", _("A unit is one of our institutes or an "
                                             "enterprise, not both."))
    email = (values.get("email") or "").strip().lower()
    if email and "@" not in email:
        problems.add("email", _("Give an e-mail address such as name@example.cn."))
    problems.raise_any()
    creating = expert is None
    if creating:
        expert = Expert()
    expert.name = name
    expert.professional_title = title
    expert.unit = unit
    expert.unit_institute_id = values.get("unit_institute_id") or None
    expert.unit_enterprise_id = values.get("unit_enterprise_id") or None
    expert.expertise = _expertise(values.get("expertise") or "")
    expert.email = email
    expert.phone = (values.get("phone") or "").strip()
    expert.active = bool(values.get("active", True))
    changes = audit.pending_changes(expert)
    db.session.add(expert)
    audit.saved(actor, "expert", expert, creating, changes)
    db.session.flush()
    return expert


def account_refusal(expert: Expert) -> str | None:
    """Why no account is linked to or made for the expert: they have one, named; None while
    they have none. The services refuse by it and the expert's page offers the form by it."""
    if expert.user_id is None:
        return None
    return _("This expert has an account already, %(email)s: they score with it.",
             email=expert.user.email)


def link_account(actor: User, expert: Expert, user: User) -> None:
    """The expert scores with an existing account: an HQ evaluator's, say."""
    require(Expert.can_manage(actor), lambda: account_refusal(expert))
    if db.session.scalar(select(Expert.id).where(Expert.user_id == user.id)):
        raise Invalid("user_id", _("That account belongs to another expert."))
    if not user.has_role(Role.EVALUATOR, Role.EXTERNAL_EXPERT):
        raise Invalid("user_id", _("Only an evaluator's account can be an expert's."))
    expert.user_id = user.id
    audit.record(actor, "expert.account", expert, {"user_id": [None, user.id]})
    db.session.flush()


def create_account(actor: User, expert: Expert, password: str) -> User:
    """A limited account for an expert from outside (`Role.EXTERNAL_EXPERT`): it signs in with
    the expert's e-mail and this password (replaced at the first sign-in), declares conflicts
    and scores the reviews the expert sits on, and opens nothing else."""
    require(Expert.can_manage(actor), lambda: account_refusal(expert))
    if not expert.email:
        raise Invalid("password", _("Give the expert's e-mail first: they sign in with it."))
    user = accounts.create_user(actor, email=expert.email, name=expert.name, password=password,
                                roles=[], enterprise_id=expert.unit_enterprise_id,
                                institute_id=expert.unit_institute_id)
    # Never granted on the users page (GRANTABLE_ROLES): given here, with the expert.
    user.role_grants.append(RoleGrant(role=Role.EXTERNAL_EXPERT))
    expert.user = user
    db.session.flush()
    audit.record(actor, "expert.account", expert, {
        "user_id": [None, user.id], "roles": [[], [Role.EXTERNAL_EXPERT.value]]})
    db.session.flush()
    return user
