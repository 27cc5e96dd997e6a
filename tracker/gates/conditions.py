"""The conditions of a CONDITIONAL GO: owned and dated, reported met by their owner, then
cleared (or sent back) by the panel chair or an HQ admin. A gate cannot be requested while a
condition of an earlier one is not cleared (`open_conditions`, listed in
tracker/projects/guards.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.display.labels import label
from tracker.errors import Invalid, require
from tracker.gates.condition_models import Condition, ConditionState
from tracker.projects.models import Project


def open_conditions(project: Project, conditions: list[Condition] | None = None, *,
                    met: bool = False) -> str | None:
    """`conditions`: every one of the project's, when the caller has read them already. The
    open ones, or with `met` those their owner marked met, awaiting confirmation (under way,
    not missing)."""
    states = (ConditionState.MET,) if met else (ConditionState.OPEN,)
    if conditions is None:
        count = len(db.session.scalars(select(Condition.id).where(
            Condition.project_id == project.id, Condition.state.in_(states))).all())
    else:
        count = sum(c.state in states for c in conditions)
    if count and met:
        return ngettext("%(num)d condition marked met, awaiting confirmation.",
                        "%(num)d conditions marked met, awaiting confirmation.", count)
    if count:
        return ngettext("%(num)d condition of an earlier gate is not cleared yet.",
                        "%(num)d conditions of an earlier gate are not cleared yet.", count)
    return None


def met_refusal(condition: Condition) -> str | None:
    """Why the condition is not marked met now: it is not open; None while it is."""
    if condition.state is ConditionState.OPEN:
        return None
    return _("This condition is “%(state)s”: only an open condition is marked met.",
             state=label(condition.state))


def confirm_refusal(condition: Condition) -> str | None:
    """Why the condition is not cleared (or sent back) now: not marked met; None once it is."""
    if condition.state is ConditionState.MET:
        return None
    return _("This condition is “%(state)s”: a condition is confirmed once its owner has "
             "marked it met.", state=label(condition.state))


def offers(user: User, conditions: list[Condition]) -> dict[int, str]:
    """What the page offers `user` to do with each condition, by id: "met" (its owner, while
    open), "confirm" (the chair or HQ, once met); a condition offering nothing is absent."""
    offered = {}
    for condition in conditions:
        if condition.can_mark_met(user) and met_refusal(condition) is None:
            offered[condition.id] = "met"
        elif condition.can_confirm(user) and confirm_refusal(condition) is None:
            offered[condition.id] = "confirm"
    return offered


def mark_condition_met(actor: User, condition: Condition, evidence: str) -> None:
    require(condition.can_mark_met(actor), lambda: met_refusal(condition),
            _("Only the owner of a condition marks it met."))
    if not evidence.strip():
        raise Invalid("evidence", _("Describe the evidence that the condition is met."))
    condition.state = ConditionState.MET
    condition.evidence = evidence.strip()
    condition.met_at = db.utcnow()
    audit.record(actor, "condition.met", condition)
    db.session.flush()


def confirm_condition(actor: User, condition: Condition, accept: bool = True,
                      note: str = "") -> None:
    """The chair or an HQ admin clears a met condition, or sends it back open."""
    require(condition.can_confirm(actor), lambda: confirm_refusal(condition))
    if accept:
        condition.state = ConditionState.CONFIRMED
        condition.confirmed_by_id = actor.id
        condition.confirmed_at = db.utcnow()
    else:
        if not note.strip():
            raise Invalid("note", _("Say why the evidence is not enough."))
        condition.state = ConditionState.OPEN
        condition.evidence = condition.evidence + "\n— " + note.strip()
    audit.record(actor, "condition.confirm" if accept else "condition.return", condition)
    db.session.flush()
