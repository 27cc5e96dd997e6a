"""Which gate decision is in force is one rule (issue 11: no piece of logic written twice): in
Python `GateReview.current_decision` / `GateDecision.is_superseded`, in SQL
`GateDecision.in_force()`, which the HQ and PM home pages' reworks, the PM register's figures,
the institutes' assessment and the conditions' reminders all ask. They had written it four
ways (the review's highest decision id, NOT IN the superseded ids, NOT EXISTS a superseding
decision)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.gates import decisions
from tracker.gates.models import GateDecision, Outcome

TRACKER = Path(__file__).resolve().parents[2] / "tracker"


def test_the_sql_and_the_python_rule_agree_on_a_corrected_decision():
    install_gates()
    admin = make_user(Role.HQ_ADMIN)
    project = make_project()
    review = helpers.submit(project)
    first = helpers.go(review)
    second = decisions.correct_decision(admin, first, review.version, Outcome.GO,
                                        reason="Recorded against the wrong criteria",
                                        rationale="Meets every criterion")
    db.session.commit()
    third = decisions.correct_decision(admin, second, review.version, Outcome.GO,
                                       reason="Its rationale said more",
                                       rationale="Meets every criterion; the partner pays")
    db.session.commit()
    in_force = set(db.session.scalars(select(GateDecision.id).where(
        GateDecision.project_id == project.id, GateDecision.in_force())))
    assert in_force == {third.id}
    assert {d.id for d in (first, second, third) if not d.is_superseded} == in_force
    assert review.current_decision is third


def test_no_query_works_out_the_decision_in_force_itself():
    """A query that reads `supersedes_id` to tell which decision stands, or takes a review's
    highest decision id, says again what `GateDecision.in_force` says."""
    found = []
    for path in sorted(TRACKER.rglob("*.py")):
        if path.name == "decision_models.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"supersedes_id\s*(==|!=|\.is_not|\.is_\(|\.in_|\.not_in)",
                        r"select\([^)]*supersedes_id", r"func\.max\(\w*\.id\)\)\.where\(\w*"
                        r"\.review_id"):
            found += [f"{path.relative_to(TRACKER)}: {m.group(0)}"
                      for m in re.finditer(pattern, text)]
    assert found == []
