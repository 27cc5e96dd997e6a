"""The project's facts a gate decision was taken on, kept in its snapshot (issue 9, rework9): a
proposal reworked after gate 1's RECYCLE, or a plan changed after a later gate, leaves the
decision's review page and documents as they were decided. `kept` is what the snapshot stores;
`as_decided` reads it back (the review page's facts and material, the decision's documents). A
decision kept before snapshots held them, or imported, reads the project's own, fact by fact,
and says when the proposal or its team has changed since it was taken (`live_since`): those
facts are then the project's as it stands, not as decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.gates.models import GateDecision
from tracker.organisations.models import Enterprise, Institute
from tracker.projects.models import Project


def _team(project: Project) -> list[int]:
    return [m.user_id for m in project.members if m.confirmed]


# The project's columns a decision's snapshot keeps, beside its confirmed team.
KEPT_COLUMNS = ("title", "summary", "start_date", "end_date", "budget_total", "version",
                "institute_id", "partner_enterprise_id")


def kept(project: Project) -> dict[str, Any]:
    """What a decision's snapshot keeps of its project."""
    return kept_of({c: getattr(project, c) for c in KEPT_COLUMNS}, _team(project))


def kept_of(values: dict[str, Any], team: list[int]) -> dict[str, Any]:
    """`kept` of a project's `KEPT_COLUMNS` values and confirmed team, whether a record's
    or a row the import's bulk path inserts (tracker/imports/projects_bulk.py)."""
    return {"title": values["title"], "summary": values["summary"],
            "start_date": values["start_date"].isoformat(),
            "end_date": values["end_date"].isoformat(),
            "budget_total": str(values["budget_total"]), "version": values["version"],
            "institute_id": values["institute_id"],
            "partner_enterprise_id": values["partner_enterprise_id"], "team": team}


@dataclass(frozen=True)
class AsDecided:
    title: str
    summary: str
    start_date: date
    end_date: date
    budget_total: Decimal
    institute: Institute
    partner_enterprise: Enterprise | None
    team: list[User]
    changed_since: bool  # the proposal is no longer as decided
    live_since: bool = False  # kept nothing, and the proposal changed since: facts are live


def _team_of(ids: list[int]) -> list[User]:
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} \
        if ids else {}
    return [users[i] for i in ids if i in users]


def as_decided(project: Project, decision: GateDecision | None) -> AsDecided:
    """The facts `decision` was taken on; the project's as they stand without a decision."""
    live = kept(project)
    stored = (decision.snapshot or {}).get("project") if decision is not None else None
    facts = {**live, **(stored or {})}
    partner_id = facts["partner_enterprise_id"]
    return AsDecided(
        title=facts["title"], summary=facts["summary"],
        start_date=date.fromisoformat(facts["start_date"]),
        end_date=date.fromisoformat(facts["end_date"]),
        budget_total=Decimal(facts["budget_total"]),
        institute=project.institute if facts["institute_id"] == project.institute_id
        else db.session.get(Institute, facts["institute_id"]),
        partner_enterprise=project.partner_enterprise if partner_id == project.partner_enterprise_id
        else db.session.get(Enterprise, partner_id) if partner_id is not None else None,
        team=[m.user for m in project.members if m.confirmed] if facts["team"] == live["team"]
        else _team_of(facts["team"]),
        changed_since=stored is not None and any(
            _compared(k, facts[k]) != _compared(k, live[k]) for k in live if k != "version"),
        live_since=decision is not None and stored is None and _changed_after(project, decision),
    )


# What changes the facts `kept` keeps: the proposal's edit (its team and budget with it) and a
# member's answer to joining the team.
_PROPOSAL_CHANGES = ("project.update", "project.member_confirm", "project.member_decline")


def _changed_after(project: Project, decision: GateDecision) -> bool:
    """Whether the audit trail holds a change to `project`'s proposal or team after `decision`
    was taken: one statement, for a decision that kept no facts of its own."""
    return db.session.scalar(select(select(AuditRecord.id).where(
        AuditRecord.object_type == Project.__tablename__, AuditRecord.object_id == project.id,
        AuditRecord.action.in_(_PROPOSAL_CHANGES),
        AuditRecord.at > decision.decided_at).exists())) or False


def _compared(key: str, value: Any) -> Any:
    return Decimal(value) if key == "budget_total" else value  # "3000000" is "3000000.00"
