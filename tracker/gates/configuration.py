"""HQ admins configure how each gate is run: its criteria, threshold, TRL bar, deliverables,
quorum and review period.

A review copies its template when it is requested (`services.open_request`), so a change here
applies to reviews requested from then on and never to one already under way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from tracker import db
from tracker.audit import services as audit
from tracker.errors import Forbidden, Problems
from tracker.experts.models import ExpertTitle
from tracker.gates.bounds import said, within
from tracker.gates.models import CriterionKind, GateCriterion, GateTemplate
from tracker.names import name_key, one_line

if TYPE_CHECKING:
    from tracker.accounts.models import User


def save_template(
    actor: User,
    template: GateTemplate,
    *,
    name: str,
    name_en: str | None = None,
    pass_threshold: Decimal | None,
    min_trl: int | None,
    quorum: int | None,
    review_days: int | None,
    required_deliverables: list[str],
    required_deliverables_en: list[str] | None = None,
    criteria: list[dict[str, Any]],
    min_experts: int | None = 0,
    min_outside_units: int | None = 0,
    min_expert_title: ExpertTitle | None = None,
) -> GateTemplate:
    """Replace the template's settings and its criteria (positions in the order given).

    Each criterion is a dict of `kind`, `text` (Chinese), `text_en`, `weight` and `scale_max`;
    the English name, deliverables and texts are optional (pages then show the Chinese).
    `min_experts`, `min_outside_units` and `min_expert_title` are what a panel must hold
    (tracker/experts/panels.py). Must-meet criteria are met or not: their scale is 1 and their
    weight, 1 unless given,
    counts for nothing. Every problem is refused at once, each beside its field;
    `criteria.<i>.<key>` is the i-th criterion given.
    `template` may be new (not yet in the session): it is then created.
    """
    if not GateTemplate.can_configure(actor):
        raise Forbidden()
    problems = Problems()
    name = (name or "").strip()
    if not name:
        problems.add("name", _("Give the gate a name."))
    if not within("pass_threshold", pass_threshold):
        problems.add("pass_threshold", said("pass_threshold"))
    if min_trl is not None and not within("min_trl", min_trl):
        problems.add("min_trl", said("min_trl"))
    if not within("quorum", quorum):
        problems.add("quorum", said("quorum"))
    if not within("review_days", review_days):
        problems.add("review_days", said("review_days"))
    min_experts, min_outside_units = min_experts or 0, min_outside_units or 0
    if not within("min_experts", min_experts):
        problems.add("min_experts", said("min_experts"))
    if not within("min_outside_units", min_outside_units):
        problems.add("min_outside_units", said("min_outside_units"))
    elif min_outside_units > min_experts:
        problems.add("min_outside_units", _("The experts counted come from at most as many "
                                            "units as there are experts: raise the number of "
                                            "experts first."))
    if min_expert_title is not None and not min_experts:
        problems.add("min_expert_title", _("A minimum title applies to the experts counted: "
                                           "give their number too."))
    deliverables = _checked_deliverables(required_deliverables, problems)
    english_deliverables = _checked_deliverables(required_deliverables_en or [], problems,
                                                 "required_deliverables_en") or None
    if english_deliverables and len(english_deliverables) != len(deliverables):
        problems.add("required_deliverables_en",
                     _("Give one English name per deliverable, in the same order, or none."))
    rows = _checked_criteria(criteria, problems)
    problems.raise_any()

    creating = template.id is None
    criteria_before = [] if creating else described_criteria(template.criteria)
    template.name = name
    template.name_en = (name_en or "").strip() or None
    template.pass_threshold = pass_threshold
    template.min_trl = min_trl
    template.quorum = quorum
    template.review_days = review_days
    template.required_deliverables = deliverables
    template.required_deliverables_en = english_deliverables
    template.min_experts = min_experts
    template.min_outside_units = min_outside_units
    template.min_expert_title = min_expert_title
    changes = audit.pending_changes(template)
    criteria_after = described_criteria(rows)
    if criteria_after != criteria_before:
        template.criteria = rows
        changes["criteria"] = [criteria_before, criteria_after]
    db.session.add(template)
    audit.saved(actor, "gate_template", template, creating, changes)
    db.session.flush()
    return template


def _checked_deliverables(names: list[str], problems: Problems,
                          field: str = "required_deliverables") -> list[str]:
    """The names, trimmed; a problem when one is empty, too long or given twice."""
    checked: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = one_line(raw)
        if not name:
            problems.add(field, _("A deliverable needs a name."))
        elif len(name) > 200:
            problems.add(field, _("A deliverable's name has at most 200 characters."))
        elif name_key(name) in seen:
            problems.add(field, _("“%(name)s” is listed twice.", name=name))
        else:
            seen.add(name_key(name))
            checked.append(name)
    return checked


def _checked_criteria(criteria: list[dict[str, Any]], problems: Problems) -> list[GateCriterion]:
    """New criterion rows for what was given, in order; each problem beside its row."""
    if not criteria:
        problems.add("criteria", _("A gate needs at least one criterion."))
    rows = []
    for i, given in enumerate(criteria):
        field = f"criteria.{i}."
        try:
            kind = CriterionKind(given.get("kind"))
        except ValueError:
            problems.add(field + "kind", _("Choose must meet or should meet."))
            kind = CriterionKind.SHOULD
        text = (given.get("text") or "").strip()
        if not text:
            problems.add(field + "text", _("Describe the criterion."))
        elif len(text) > 300:
            problems.add(field + "text", _("A criterion has at most 300 characters."))
        weight = given.get("weight")
        scale_max = given.get("scale_max")
        if kind is CriterionKind.MUST:
            weight = Decimal("1") if weight is None else weight
            scale_max = 1
        if not within("weight", weight):
            problems.add(field + "weight", said("weight"))
            weight = Decimal("0")
        if not within("scale_max", scale_max):
            problems.add(field + "scale_max", said("scale_max"))
        text_en = (given.get("text_en") or "").strip() or None
        if text_en and len(text_en) > 300:
            problems.add(field + "text_en", _("A criterion has at most 300 characters."))
        rows.append(GateCriterion(position=i, kind=kind, text=text, text_en=text_en,
                                  weight=Decimal(weight), scale_max=scale_max))
    should = [i for i, row in enumerate(rows) if row.kind is CriterionKind.SHOULD]
    if should and not any(rows[i].weight > 0 for i in should):
        problems.add(f"criteria.{should[0]}.weight",
                     _("At least one should-meet criterion needs a weight above 0, or no "
                       "score can be computed."))
    return rows


def described_criteria(criteria: list[GateCriterion]) -> list[list[Any]]:
    """Criteria as the audit trail keeps them, a row each: [kind, weight, highest score, text,
    English text], weight and score None for a must-meet one (`history_values.said_criteria`
    says them; a text holding " / " stays whole)."""
    return [[c.kind.value, None, None, c.text, c.text_en or None] if c.kind is CriterionKind.MUST
            else [c.kind.value, format(Decimal(c.weight).normalize(), "f"), c.scale_max, c.text,
                  c.text_en or None] for c in criteria]
