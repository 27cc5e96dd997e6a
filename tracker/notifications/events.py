"""THE catalogue of events: everything that happens and tells someone, each one rule, beside
the catalogue of deadlines (tracker/reminders/rules.py).

A rule names who hears of the event (`recipients`, from the object the service changed) and
what the message says (`sentence`, filled with `details`, which the outbox keeps). The
service that makes the change calls `tracker.notifications.services.emit(actor, name, obj)`
after its audit record: the outbox rows land in the same transaction as the change, so a
change rolled back notifies nobody. `emit` leaves the actor out, and the sender
(tracker/reminders/delivery.py) delivers the rows as it delivers reminders: same retries,
same exactly-once key.

`details` values are strings; those named in `dates`, `enums` and `money` are shown in the
recipient's language when the message is written (`sentence_for`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.routing import BuildError

from tracker import db
from tracker.accounts.models import Role, RoleGrant
from tracker.approvals.models import Subject
from tracker.changes.models import ChangeKind, ChangeState
from tracker.display.bilingual import in_reader_languages
from tracker.gates.models import Declaration, Outcome
from tracker.milestones.models import RebaselineState
from tracker.organisations.models import Institute
from tracker.reminders.models import Audience

OWNER, DIRECTOR, CHAIR, HQ, COMMITTEE = (
    Audience.OWNER, Audience.DIRECTOR, Audience.CHAIR, Audience.HQ, Audience.COMMITTEE)
Recipients = list[tuple[int | None, Audience]]


@dataclass
class About:
    """What a message says about the object an event happened to."""

    item_id: int
    project_id: int | None
    details: dict[str, str]  # "title", "project", "path" and the rule's own


@dataclass(frozen=True)
class Event:
    name: str  # stored in the outbox: keep it stable
    label: Any  # lazy: the rule on the preference page and in the outbox
    sentence: Any  # lazy: the message, %-formatted with the details
    recipients: Callable[[Any], Recipients]
    about: Callable[[Any], About]
    dates: tuple[str, ...] = ()  # details that are ISO dates
    enums: dict[str, type[enum.Enum]] = field(default_factory=dict)  # details that are labels
    money: tuple[str, ...] = ()  # details that are amounts in CNY


# --- who ---------------------------------------------------------------------------------------


def holders(role: Role) -> list[int]:
    return list(db.session.scalars(
        select(RoleGrant.user_id).where(RoleGrant.role == role).order_by(RoleGrant.user_id)))


def _director(project) -> int | None:
    return project.institute.director_id


def _path(endpoint: str, **values: Any) -> str:
    adapter = current_app.url_map.bind("localhost")
    anchor = values.pop("_anchor", None)
    try:
        path = adapter.build(endpoint, values)
    except BuildError:
        path = "/"
    return f"{path}#{anchor}" if anchor else path


def _project(project, **details: str) -> dict[str, str]:
    return {"title": project.title, "project": project.reference, **details}


# --- gate reviews ------------------------------------------------------------------------------


def _review(review) -> About:
    due = review.due_date.isoformat() if review.due_date else ""
    return About(review.id, review.project_id, _project(
        review.project, gate=str(review.gate), due=due,
        path=_path("gates.review", review_id=review.id)))


def _panel_and_pm(review) -> Recipients:
    return [(m.user_id, OWNER) for m in review.panel] + [(review.project.pm_id, OWNER)]


def _undeclared(review) -> Recipients:
    return [(m.user_id, OWNER) for m in review.panel if m.declaration is None]


def _chair(review) -> Recipients:
    return [(review.chair_id, CHAIR)]


def all_scored(review) -> bool:
    """Every member has declared, and every one without a conflict has scored."""
    return all(m.declaration is not None and (
        m.declaration is Declaration.CONFLICT or m.submitted_at is not None)
        for m in review.panel)


def _decision(decision) -> About:
    review = decision.review
    return About(decision.id, decision.project_id, _project(
        review.project, gate=str(review.gate), outcome=decision.outcome.value,
        path=_path("gates.review", review_id=review.id)))


def _decided(decision) -> Recipients:
    project = decision.review.project
    people: Recipients = [(project.pm_id, OWNER), (_director(project), DIRECTOR)]
    if decision.review.gate == 3:
        people += [(user_id, COMMITTEE) for user_id in holders(Role.INVESTMENT_COMMITTEE)]
    return people


def _condition(condition) -> About:
    return About(condition.id, condition.project_id, _project(
        condition.project, condition=condition.text, due=condition.due_date.isoformat(),
        path=_path("projects.show", project_id=condition.project_id, _anchor="conditions")))


# --- milestones --------------------------------------------------------------------------------


def _milestone(milestone) -> About:
    project = milestone.project
    return About(milestone.id, milestone.project_id, {
        "title": milestone.title, "project": project.reference,
        "comment": milestone.events[-1].comment if milestone.events else "",
        "path": _path("milestones.show", milestone_id=milestone.id)})


def _pm_of_milestone(milestone) -> Recipients:
    return [(milestone.project.pm_id, OWNER)]


def _rebaseline(entry) -> About:
    milestone = entry.milestone
    return About(entry.id, milestone.project_id, {
        "title": milestone.title, "project": milestone.project.reference,
        "old": entry.old_date.isoformat(), "new": entry.new_date.isoformat(),
        "state": entry.state.value, "path": _path("milestones.show", milestone_id=milestone.id)})


def _rebaseline_corrected(entry) -> About:
    """A decision corrected: what stands now, the date the milestone is due on, and why."""
    about = _rebaseline(entry)
    about.details.update(state=entry.in_effect.value, reason=entry.correction.reason,
                         due=entry.milestone.due_date.isoformat())
    return about


def _hq(_obj) -> Recipients:
    return [(user_id, HQ) for user_id in holders(Role.HQ_ADMIN)]


def _rebaseline_asker(entry) -> Recipients:
    return [(entry.requested_by_id, OWNER), (entry.milestone.project.pm_id, OWNER)]


# --- changes of plan ---------------------------------------------------------------------------


def _change(request) -> About:
    return About(request.id, request.project_id, _project(
        request.project, change=request.kind.value, state=request.state.value,
        path=_path("changes.show", request_id=request.id)))


def _change_corrected(request) -> About:
    """A decision corrected: what stands now, and why."""
    about = _change(request)
    about.details.update(state=request.in_effect.value, reason=request.correction.reason)
    return about


def _change_deciders(request) -> Recipients:
    people = _hq(request)
    if request.kind is ChangeKind.HANDOVER:
        people.append((_director(request.project), DIRECTOR))
    return people


def _change_asker(request) -> Recipients:
    return [(request.requested_by_id, OWNER), (request.project.pm_id, OWNER)]


# --- approval at the institute ------------------------------------------------------------------


def _approval(request) -> About:
    returned = next((s for s in request.steps if s.verdict is not None
                     and s.verdict.value == "return"), None)
    # A proposal at the institute is a draft, without a code: no provisional reference, which
    # would be written in the language of the one who acted, not the reader's.
    project = request.project
    return About(request.id, request.project_id, dict(
        title=project.title, project=project.code or "", subject=request.subject.value,
        opinion=returned.opinion if returned is not None else "",
        path=_path("approvals.show", request_id=request.id)))


def _signers(request) -> Recipients:
    """Who must sign at the level the submission waits at (a delegate finds it in their
    to-do list; the message goes to the one it waits for)."""
    return [(s.approver_id, OWNER) for s in request.current_steps if s.verdict is None]


def _applicant(request) -> Recipients:
    return [(request.submitted_by_id, OWNER)]


# --- allocation-investment ---------------------------------------------------------------------


def _tranche(tranche) -> About:
    agreement = tranche.agreement
    return About(tranche.id, agreement.project_id, _project(
        agreement.project, number=str(tranche.number), amount=str(tranche.remaining),
        path=_path("funding.project", project_id=agreement.project_id)))


def _committee(_obj) -> Recipients:
    return [(user_id, COMMITTEE) for user_id in holders(Role.INVESTMENT_COMMITTEE)]


def _conversion(conversion) -> About:
    agreement = conversion.agreement
    return About(conversion.id, agreement.project_id, _project(
        agreement.project, round=conversion.round.name, amount=str(conversion.disbursed),
        path=_path("funding.project", project_id=agreement.project_id)))


def _converted(conversion) -> Recipients:
    project = conversion.agreement.project
    return ([(project.pm_id, OWNER), (_director(project), DIRECTOR)]
            + _committee(conversion))


# --- enterprise needs --------------------------------------------------------------------------


def _need(need) -> About:
    return About(need.id, None, {
        "title": need.title, "project": "", "enterprise": need.enterprise.name,
        # The enterprise in each reader's language (`sentence_for` reads `*_en`).
        **({"enterprise_en": need.enterprise.name_en} if need.enterprise.name_en else {}),
        "path": _path("organisations.need", object_id=need.id)})


def _institute_director(need) -> Recipients:
    # By its id: the need's `institute`, if read before the form set the id, is stale.
    institute = db.session.get(Institute, need.institute_id) if need.institute_id else None
    return [(institute.director_id if institute else None, DIRECTOR)]


# --- the catalogue -----------------------------------------------------------------------------

_CATALOGUE = [
    Event("panel_named", _l("A review panel is named"),
          _l("The panel of the gate %(gate)s review of %(project)s “%(title)s” is named; "
             "scores are due on %(due)s."),
          _panel_and_pm, _review, dates=("due",)),
    Event("declaration_needed", _l("A declaration of interests is needed"),
          _l("You are on the gate %(gate)s panel of %(project)s “%(title)s”: declare any "
             "conflict of interest before you read the material."),
          _undeclared, _review),
    Event("all_scores_in", _l("Every evaluator has scored"),
          _l("Every evaluator has scored the gate %(gate)s review of %(project)s “%(title)s”: "
             "the decision is yours to record."),
          _chair, _review),
    Event("conflict_declared_late", _l("An evaluator declares a conflict after declaring none"),
          _l("An evaluator of the gate %(gate)s review of %(project)s “%(title)s” corrected "
             "their declaration: they have a conflict of interest, and their scores no longer "
             "count. The panel may need changing."),
          lambda review: [*_hq(review), *_chair(review)], _review),
    Event("decision_recorded", _l("A gate decision is recorded"),
          _l("Gate %(gate)s of %(project)s “%(title)s” is decided: %(outcome)s."),
          _decided, _decision, enums={"outcome": Outcome}),
    Event("condition_set", _l("A condition is set for you"),
          _l("A condition of the decision on %(project)s “%(title)s” is yours to clear by "
             "%(due)s: %(condition)s"),
          lambda c: [(c.owner_id, OWNER)], _condition, dates=("due",)),
    Event("milestone_returned", _l("A milestone is returned for rework"),
          _l("The milestone “%(title)s” of %(project)s was returned for rework: %(comment)s"),
          _pm_of_milestone, _milestone),
    Event("milestone_accepted", _l("A milestone is accepted"),
          _l("The milestone “%(title)s” of %(project)s was accepted."),
          _pm_of_milestone, _milestone),
    Event("rebaseline_waiting", _l("A re-baseline waits for a decision"),
          _l("Moving the milestone “%(title)s” of %(project)s from %(old)s to %(new)s waits "
             "for your decision."),
          _hq, _rebaseline, dates=("old", "new")),
    Event("rebaseline_decided", _l("A re-baseline is decided"),
          _l("Moving the milestone “%(title)s” of %(project)s to %(new)s: %(state)s."),
          _rebaseline_asker, _rebaseline, dates=("old", "new"),
          enums={"state": RebaselineState}),
    # A decision corrected (tracker/milestones/corrections.py, tracker/changes/corrections.py)
    # tells whom the decision told, as the decision did.
    Event("rebaseline_corrected", _l("A decision on a re-baseline is corrected"),
          _l("HQ's decision on moving the milestone “%(title)s” of %(project)s to %(new)s was "
             "corrected: %(state)s now, due on %(due)s. Why: %(reason)s"),
          _rebaseline_asker, _rebaseline_corrected, dates=("old", "new", "due"),
          enums={"state": RebaselineState}),
    Event("change_waiting", _l("A change request waits for a decision"),
          _l("A change of %(project)s “%(title)s” waits for your decision: %(change)s."),
          _change_deciders, _change, enums={"change": ChangeKind, "state": ChangeState}),
    Event("change_decided", _l("A change request is decided"),
          _l("The change of %(project)s “%(title)s” (%(change)s) is decided: %(state)s."),
          _change_asker, _change, enums={"change": ChangeKind, "state": ChangeState}),
    Event("change_corrected", _l("A decision on a change request is corrected"),
          _l("HQ's decision on the change of %(project)s “%(title)s” (%(change)s) was "
             "corrected: %(state)s now. Why: %(reason)s"),
          _change_asker, _change_corrected, enums={"change": ChangeKind, "state": ChangeState}),
    Event("approval_to_sign", _l("A submission waits for your signature"),
          _l("“%(title)s” (%(subject)s) waits for your signature at the institute: endorse it "
             "or return it with an opinion."),
          _signers, _approval, enums={"subject": Subject}),
    Event("approval_returned", _l("Your submission is returned by the institute"),
          _l("“%(title)s” (%(subject)s) was returned to you by the institute: %(opinion)s"),
          _applicant, _approval, enums={"subject": Subject}),
    Event("tranche_payable", _l("A tranche becomes payable"),
          _l("Tranche %(number)s of the allocation-investment in %(project)s “%(title)s” can "
             "be paid: %(amount)s."),
          _committee, _tranche, money=("amount",)),
    Event("conversion_recorded", _l("A conversion to equity is recorded"),
          _l("The allocation-investment in %(project)s “%(title)s” (%(amount)s) was converted "
             "to equity at the round %(round)s."),
          _converted, _conversion, money=("amount",)),
    Event("need_matched", _l("An enterprise need is matched to your institute"),
          _l("The technology need “%(title)s” of %(enterprise)s was matched to your "
             "institute."),
          _institute_director, _need),
]

EVENTS: dict[str, Event] = {event.name: event for event in _CATALOGUE}


def sentence_for(name: str, details: dict[str, str], date_of: Callable, label_of: Callable,
                 money_of: Callable) -> str:
    """The event's sentence in the current language (inside `force_locale` for a message):
    dates, labels and amounts shown as the reader reads them."""
    event = EVENTS[name]
    values = in_reader_languages(details)
    for key in event.dates:
        if values.get(key):
            values[key] = date_of(date.fromisoformat(values[key]))
    for key, kind in event.enums.items():
        if values.get(key):
            values[key] = label_of(kind(values[key]))
    for key in event.money:
        if values.get(key):
            values[key] = money_of(Decimal(values[key]))
    return str(event.sentence) % values
