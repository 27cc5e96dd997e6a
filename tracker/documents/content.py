"""What a document prints, gathered from its record in the language HQ chose: a dict of plain
text (labels translated, money and dates formatted) that `tracker.documents.render` lays out.

Built from what does not change once recorded: a gate decision and the snapshot of the scores
it was taken on (a correction is a new decision, so a new document); for the task agreement,
the project's plan as it stands (a change of the plan makes the next task agreement differ).
Nothing here reads the clock: the date a document carries is the decision's, or the day it is
issued, given by the caller (a decision imported as history: the day it is issued, which the
document says beside the decision's).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.dates import local_date
from tracker.display.bilingual import in_reader_language
from tracker.display.formatting import aside, day, money, pct
from tracker.display.labels import label
from tracker.display.said import listed
from tracker.documents.models import DocumentKind
from tracker.documents.render import LAYOUT
from tracker.gates import taken_on
from tracker.gates.models import (
    CriterionKind,
    GateDecision,
    GateReview,
    Outcome,
    PanelMember,
    Recommendation,
    ReviewCriterion,
)
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import NOT_APPROVED, Phase
from tracker.projects.models import Project

HUNDREDTH = Decimal("0.01")

# The official conclusion of a research acceptance (验收) a gate-2 decision stands for.
ACCEPTANCE_CONCLUSIONS = {
    Outcome.GO: _l("Passed acceptance"),
    Outcome.CONDITIONAL_GO: _l("Passed acceptance"),
    Outcome.RECYCLE: _l("To be reconsidered"),
    Outcome.KILL: _l("Failed acceptance"),
}
APPROVING = (Outcome.GO, Outcome.CONDITIONAL_GO)


def documents_of(project: Project) -> list[tuple[DocumentKind, GateDecision | None]]:
    """The documents the project's records allow, in the order of its life: an approval
    notice for gate 1's GO, a review opinion form for each decision scored by a panel, an
    acceptance certificate for gate 2's conclusion, and the task agreement once approved.
    Only decisions in force count: a superseded one's papers stay as they were issued."""
    found: list[tuple[DocumentKind, GateDecision | None]] = []
    # Its reviews with their decisions and panels (who may issue a decision's papers asks its
    # review's panel) in a fixed number of statements, however many reviews it went through.
    reviews = db.session.scalars(
        select(GateReview).where(GateReview.project_id == project.id)
        .options(selectinload(GateReview.decisions).selectinload(GateDecision.review),
                 selectinload(GateReview.panel))
        .order_by(GateReview.id)).all()
    for review in reviews:
        decision = review.current_decision
        if decision is None:
            continue
        if review.gate == 1 and decision.outcome in APPROVING:
            found.append((DocumentKind.APPROVAL_NOTICE, decision))
        if _scorecards(decision):
            found.append((DocumentKind.REVIEW_OPINION, decision))
        if review.gate == 2 and decision.outcome in ACCEPTANCE_CONCLUSIONS:
            found.append((DocumentKind.ACCEPTANCE_CERTIFICATE, decision))
    if project.code and project.phase not in NOT_APPROVED:
        found.append((DocumentKind.TASK_AGREEMENT, None))
    return found


def build(kind: DocumentKind, project: Project, decision: GateDecision | None, language: str,
          wording: dict[str, str], number: str, issued_on: date) -> dict[str, Any]:
    """The content of a document of `kind`, in `language`, numbered `number`."""
    with force_locale(language):
        body = _BUILDERS[kind](project, decision)
        dated = local_date(decision.decided_at) if decision is not None else issued_on
        if decision is not None and decision.imported_in_id is not None:
            # Taken before the tracker: issued now, dated the day it is issued, and saying
            # so (dated the decision's day, it would read as sent then; issue 13, F21).
            body["fields"] = [*body["fields"], [_("Date issued"), _(
                "%(issued)s, for a decision taken on %(day)s before the tracker (imported)",
                issued=day(issued_on), day=day(dated))]]
            dated = issued_on
        return {
            "kind": kind.value, "language": language, "number": number, "layout": LAYOUT,
            "letterhead": wording["letterhead"], "title": wording["title"],
            "opening": wording["opening"], "closing": wording["closing"],
            "issuer": wording["issuer"],
            "number_line": _("Document number: %(number)s", number=number),
            "final_mark": _("Final version"),
            "page_label": _("Page %(page)s of %(pages)s", page="%(page)d", pages="%(pages)d"),
            "subject": f"{project.code} {taken_on.as_decided(project, decision).title}",
            "date": day(dated), "dated": dated.isoformat(),
            **body,
        }


def _project_fields(project: Project, decision: GateDecision | None) -> list[list[str]]:
    facts = taken_on.as_decided(project, decision)  # a decision's documents print as decided
    return [
        [_("Project code"), project.code or ""],
        [_("Project title"), facts.title],
        [_("Institute"), facts.institute.shown("name")],
        [_("Project manager"), project.pm.name],
        [_("Project type"), label(project.type)],
        [_("Period"), f"{day(facts.start_date)} – {day(facts.end_date)}"],
        [_("Total budget"), money(facts.budget_total)],
    ]


def _decision_fields(decision: GateDecision) -> list[list[str]]:
    review = decision.review
    fields = [[_("Gate review"), review.shown("name")],
              [_("Decision"), review.word(decision.outcome)],
              [_("Decided on"), day(local_date(decision.decided_at))]]
    if decision.weighted_score is not None:
        fields.append([_("Averaged weighted score"),
                       _("%(score)s%% (pass threshold %(threshold)s%%)",
                         score=decision.weighted_score, threshold=review.pass_threshold)])
    return fields


def _rationale(decision: GateDecision) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = [{"heading": _("Opinion"), "text": decision.rationale}]
    if decision.conditions:
        sections.append({"heading": _("Conditions"), "columns": [_("Condition"), _("Due")],
                         "rows": [[c.text, day(c.due_date)] for c in decision.conditions]})
    return sections


def _approval_notice(project: Project, decision: GateDecision | None) -> dict[str, Any]:
    assert decision is not None
    return {"fields": _project_fields(project, decision) + _decision_fields(decision),
            "sections": _rationale(decision)}


def _acceptance_certificate(project: Project, decision: GateDecision | None) -> dict[str, Any]:
    assert decision is not None
    milestones = [m for m in _milestones(project) if m.phase is Phase.CONTRACT_RESEARCH]
    done = sum(1 for m in milestones if m.state is MilestoneState.ACCEPTED)
    fields = _project_fields(project, decision) + [
        # The conclusion the panel recorded (tracker/gates/decision_models.py), else the one
        # its outcome means (a decision imported from before the tracker has none).
        [_("Acceptance conclusion"), label(decision.conclusion) if decision.conclusion
         else str(ACCEPTANCE_CONCLUSIONS[decision.outcome])],
        *([[_("Completion ratio"), pct(decision.completion_ratio)]]
          if decision.completion_ratio is not None else []),
        *_decision_fields(decision),
        [_("Research milestones accepted"), _("%(done)d of %(n)d", done=done,
                                              n=len(milestones))],
    ]
    return {"fields": fields, "sections": _rationale(decision)}


def _scorecards(decision: GateDecision) -> list[dict[str, Any]]:
    """The scorecards the decision was taken on (its snapshot): submitted, without conflict."""
    return [m for m in (decision.snapshot or {}).get("panel", [])
            if m.get("submitted_at") and m.get("declaration") == "none"]


def _percent(value: Decimal) -> str:
    return f"{value.quantize(HUNDREDTH, ROUND_HALF_UP)}%"


def _review_opinion(project: Project, decision: GateDecision | None) -> dict[str, Any]:
    assert decision is not None
    cards = _scorecards(decision)
    criteria = decision.snapshot["criteria"]
    english = dict(db.session.execute(select(ReviewCriterion.id, ReviewCriterion.text_en).where(
        ReviewCriterion.id.in_([c["id"] for c in criteria]))).tuples().all())
    comments = {m.user_id: m for m in db.session.scalars(select(PanelMember).where(
        PanelMember.review_id == decision.review_id))}
    scores = [{s["criterion_id"]: s for s in card["scores"]} for card in cards]
    rows = []
    should_weight = sum((Decimal(c["weight"]) for c in criteria if c["kind"] == "should"),
                        Decimal("0"))
    points = [Decimal("0")] * len(cards)
    for criterion in criteria:
        text = in_reader_language(criterion["text"], english.get(criterion["id"]))
        given = [card.get(criterion["id"], {}) for card in scores]
        if criterion["kind"] == CriterionKind.MUST.value:
            cells = [_("Met") if s.get("passed") else _("Not met") for s in given]
            mean = _("%(met)d of %(n)d met", met=sum(1 for s in given if s.get("passed")),
                     n=len(given))
            rows.append([_("%(text)s (must meet)", text=text), *cells, mean])
            continue
        scale, weight = Decimal(criterion["scale_max"]), Decimal(criterion["weight"])
        values = [Decimal(s.get("value") or 0) for s in given]
        for i, value in enumerate(values):
            points[i] += weight * value / scale
        mean = sum(values, Decimal("0")) / len(values) if values else Decimal("0")
        rows.append([_("%(text)s (weight %(weight)s, out of %(scale)s)", text=text,
                       weight=criterion["weight"], scale=criterion["scale_max"]),
                     *[str(v) for v in values], f"{mean.quantize(HUNDREDTH, ROUND_HALF_UP)}"])
    if should_weight:
        each = [p / should_weight * 100 for p in points]
        rows.append([_("Weighted score"), *[_percent(p) for p in each],
                     _percent(sum(each, Decimal("0")) / len(each))])
    rows.append([_("Recommendation"), *[decision.review.word(Recommendation(c["recommendation"]))
                                        if c.get("recommendation") else "—" for c in cards], ""])
    names = [card["name"] + (_(" (chair)") if card.get("chair") else "") for card in cards]
    opinions = [[card["name"], comments[card["user_id"]].comment
                 if card["user_id"] in comments else ""] for card in cards]
    return {
        "fields": _project_fields(project, decision)[:4] + _decision_fields(decision),
        "sections": [
            {"heading": _("Scores"), "columns": [_("Criterion"), *names, _("Average")],
             "rows": rows, "total": True},
            {"heading": _("Experts' opinions"), "columns": [_("Expert"), _("Opinion")],
             "rows": opinions},
            *_rationale(decision),
        ],
    }


def _milestones(project: Project) -> list[Milestone]:
    return list(db.session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                   .order_by(Milestone.due_date, Milestone.id)))


def _team(project: Project) -> list[str]:
    """The team as the agreement names it: the PM who leads it, then each member (with their
    role), a place not yet confirmed said so (a team named and waiting printed "—")."""
    members = sorted(project.members, key=lambda m: (not m.confirmed, m.id))
    named = [_("%(name)s (project manager)", name=project.pm.name)]
    for member in members:
        if not member.confirmed:
            named.append(_("%(name)s (awaiting confirmation)", name=member.user.name))
        else:
            named.append(member.user.name + aside(member.role) if member.role
                         else member.user.name)
    return named


def _task_agreement(project: Project, decision: GateDecision | None) -> dict[str, Any]:
    lines = sorted(project.budget_lines, key=lambda line: line.id)
    total = project.budget_total
    # Each line in the document's language; what the total holds beyond them on a row of its
    # own, so that the rows add up to the total printed under them.
    rows = [(line.name, line.amount) for line in lines]
    if (unallocated := total - sum((line.amount for line in lines), Decimal(0))) > 0:
        rows.append((_("Not allocated to a category"), unallocated))
    budget = [[name, money(amount), _percent(amount / total * 100) if total else "—"]
              for name, amount in rows]
    budget.append([_("Total"), money(total), _percent(Decimal(100)) if total else "—"])
    team = _team(project)
    fields = _project_fields(project, None) + [
        [_("Field"), project.field],
        [_("Technology readiness level"),
         _("TRL %(now)d now, TRL %(target)d to reach", now=project.trl_now,
           target=project.trl_target)],
        [_("Team"), listed(team)],
    ]
    return {
        "fields": fields,
        "sections": [
            {"heading": _("Objectives"), "text": project.summary},
            {"heading": _("Technical route"), "text": project.technical_route},
            {"heading": _("Milestones"),
             "columns": [_("No."), _("Milestone"), _("Phase"), _("Due"), _("Deliverable")],
             "widths": [0.08, 0.32, 0.17, 0.17, 0.26],
             "rows": [[str(i), m.title, label(m.phase), day(m.due_date), m.deliverable]
                      for i, m in enumerate(_milestones(project), start=1)]},
            {"heading": _("Budget"), "columns": [_("Category"), _("Amount"), _("Share")],
             "widths": [0.5, 0.3, 0.2],
             "rows": budget, "total": True},
        ],
    }


_BUILDERS = {
    DocumentKind.APPROVAL_NOTICE: _approval_notice,
    DocumentKind.REVIEW_OPINION: _review_opinion,
    DocumentKind.ACCEPTANCE_CERTIFICATE: _acceptance_certificate,
    DocumentKind.TASK_AGREEMENT: _task_agreement,
}
