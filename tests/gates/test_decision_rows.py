"""Found by fault and fuzz tests: condition rows sent with an outcome other than CONDITIONAL GO
answered 500 (a row without owner) or stored a GO with an open condition; they are refused
beside the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import install_gates, make_project
from tests.gates import helpers as gate_helpers
from tracker import db
from tracker.dates import today
from tracker.errors import Invalid
from tracker.gates import decisions as gates
from tracker.gates.condition_models import Condition
from tracker.gates.models import Outcome


def _decided_review():
    install_gates()
    project = make_project()
    review = gate_helpers.submit(project)
    for evaluator in gate_helpers.name_panel(review):
        gate_helpers.score(review, evaluator)
    return review


@pytest.mark.parametrize("owner", [None, "chair"])
def test_condition_rows_are_refused_for_an_outcome_other_than_conditional_go(owner):
    review = _decided_review()
    row = {"text": "Sign the licence", "owner": review.chair if owner else None,
           "due_date": today() + timedelta(days=30)}
    with pytest.raises(Invalid, match="Conditions go with a CONDITIONAL GO only") as refused:
        gates.decide(review.chair, review, review.version, Outcome.GO, conditions=[row])
    assert refused.value.field == "conditions"
    db.session.rollback()
    assert db.session.scalars(select(Condition)).all() == []
    decision = gates.decide(review.chair, review, review.version, Outcome.GO)
    with pytest.raises(Invalid, match="CONDITIONAL GO only"):
        gates.correct_decision(review.chair, decision, review.version, Outcome.GO,
                               reason="Recorded wrongly",
                               rationale="typo", conditions=[row])
