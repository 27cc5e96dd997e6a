"""Two chairs' tabs deciding the same review at once, on PostgreSQL with two connections."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from tests.conftest import PG_URL, empty_every_table
from tests.factories import install_gates, make_project
from tests.gates import helpers
from tracker import db
from tracker.errors import Refused
from tracker.gates import decisions
from tracker.gates.models import GateDecision, GateReview, Outcome
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

pytestmark = pytest.mark.skipif(not PG_URL, reason="two connections need PostgreSQL")


@pytest.fixture
def real_commits(app, engine) -> Iterator[None]:
    """Commits that really commit, for tests of concurrent transactions; tables emptied after."""
    db.session.remove()
    db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        empty_every_table(engine)


def test_two_decisions_at_once_record_exactly_one(app, real_commits):
    install_gates()
    project = make_project()
    review = helpers.submit(project)
    evaluators = helpers.name_panel(review)
    for evaluator in evaluators:
        helpers.score(review, evaluator)
    review_id, chair_id, version = review.id, review.chair_id, review.version
    db.session.remove()

    both_loaded = threading.Barrier(2)
    results: dict[str, str] = {}

    def decide(name: str, outcome: Outcome, fields: dict) -> None:
        with app.app_context():
            try:
                loaded = db.session.get(GateReview, review_id)
                chair = loaded.chair
                assert chair.id == chair_id
                loaded.project  # noqa: B018  (loaded before the race, as a page would)
                both_loaded.wait(timeout=10)
                decisions.decide(chair, loaded, version, outcome, **fields)
                db.session.commit()
                results[name] = "recorded"
            except Refused as refused:
                db.session.rollback()
                results[name] = f"refused: {refused.message}"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=("go", Outcome.GO, {})),
        threading.Thread(target=decide, args=("kill", Outcome.KILL,
                                              {"rationale": "Duplicate of another project"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(r.split(":")[0] for r in results.values()) == ["recorded", "refused"], results
    refused = next(r for r in results.values() if r.startswith("refused"))
    assert "Someone else changed" in refused or "This review was decided on" in refused
    count = db.session.scalar(select(func.count()).select_from(GateDecision).where(
        GateDecision.review_id == review_id))
    assert count == 1
    winner = next(name for name, r in results.items() if r == "recorded")
    phase = db.session.scalar(select(Project.phase).where(Project.id == project.id))
    assert phase is (Phase.CONTRACT_RESEARCH if winner == "go" else Phase.REJECTED)


def test_two_corrections_at_once_record_exactly_one_and_the_other_gets_a_409(app,
                                                                             real_commits):
    """Two people correcting the same decision: one correction, the other a clear refusal
    (it was an IntegrityError, a 500, in 4 of 5 trials)."""
    from datetime import timedelta

    from tests.factories import make_user
    from tracker.accounts.models import Role
    from tracker.dates import today

    install_gates()
    project = make_project()
    review = helpers.submit(project)
    for evaluator in helpers.name_panel(review):
        helpers.score(review, evaluator)
    decisions.decide(review.chair, review, review.version, Outcome.GO)
    db.session.commit()
    first, second = make_user(Role.HQ_ADMIN), make_user(Role.HQ_ADMIN)
    db.session.commit()
    review_id, version = review.id, review.version
    people = {"conditional": first.id, "go": second.id}
    db.session.remove()

    both_loaded = threading.Barrier(2)
    results: dict[str, str] = {}

    def correct(name: str, outcome: Outcome, fields: dict) -> None:
        from tracker.accounts.models import User

        with app.app_context():
            try:
                loaded = db.session.get(GateReview, review_id)
                decision = loaded.current_decision
                actor = db.session.get(User, people[name])
                loaded.project  # noqa: B018  (loaded before the race, as a page would)
                both_loaded.wait(timeout=10)
                if "conditions" in fields:
                    fields["conditions"][0]["owner"] = actor
                decisions.correct_decision(actor, decision, version, outcome,
                                           reason="Recorded wrongly", **fields)
                db.session.commit()
                results[name] = "recorded"
            except Refused as refused:
                db.session.rollback()
                results[name] = f"refused: {refused.message}"
            finally:
                db.session.remove()

    condition = {"text": "Sign the licence", "owner": None,
                 "due_date": today() + timedelta(days=30)}
    threads = [
        threading.Thread(target=correct, args=("conditional", Outcome.CONDITIONAL_GO,
                                               {"conditions": [condition]})),
        threading.Thread(target=correct, args=("go", Outcome.GO,
                                               {"rationale": "Scores re-checked"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(r.split(":")[0] for r in results.values()) == ["recorded", "refused"], results
    refused = next(r for r in results.values() if r.startswith("refused"))
    assert "Someone else changed" in refused or "superseded" in refused or "changed after" in (
        refused)
    count = db.session.scalar(select(func.count()).select_from(GateDecision).where(
        GateDecision.review_id == review_id))
    assert count == 2  # the decision and one correction


def test_two_evaluators_scoring_at_once_are_both_recorded_and_complete_the_panel(app,
                                                                                real_commits):
    """The last two members of a panel sending their scorecards at the same moment (the load
    test's evaluators did): each scorecard moves the review's version, and the second lost
    that race, a 409 telling an evaluator that "someone else changed this" for another
    member's scores. Now the second waits for the first, both are recorded, and the one that
    completes the panel says so, once."""
    from sqlalchemy.orm.exc import StaleDataError

    from tracker.accounts.models import User
    from tracker.gates import services as gates
    from tracker.gates.models import CriterionKind, PanelMember, Recommendation
    from tracker.reminders.models import OutboxMessage

    install_gates()
    project = make_project()
    review = helpers.submit(project)
    evaluators = helpers.name_panel(review)
    helpers.score(review, evaluators[0])
    for evaluator in evaluators[1:]:
        gates.declare(evaluator, review, conflict=False)
    db.session.commit()
    review_id, last_two = review.id, [e.id for e in evaluators[1:]]
    db.session.remove()

    both_loaded = threading.Barrier(2)
    results: dict[int, str] = {}

    def score(user_id: int) -> None:
        with app.app_context():
            try:
                loaded = db.session.get(GateReview, review_id)
                evaluator = db.session.get(User, user_id)
                assert loaded.member(evaluator) is not None  # the page's panel, loaded
                given = {c.id: ({"passed": True} if c.kind is CriterionKind.MUST
                                else {"value": 4}) for c in loaded.criteria}
                both_loaded.wait(timeout=10)
                gates.submit_scores(evaluator, loaded, given, Recommendation.GO)
                db.session.commit()
                results[user_id] = "recorded"
            except (Refused, StaleDataError) as refused:
                db.session.rollback()
                results[user_id] = f"refused: {refused}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=score, args=(user_id,)) for user_id in last_two]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert results == {user_id: "recorded" for user_id in last_two}
    submitted = db.session.scalar(select(func.count()).select_from(PanelMember).where(
        PanelMember.review_id == review_id, PanelMember.submitted_at.is_not(None)))
    assert submitted == 3
    told = db.session.scalar(select(func.count(func.distinct(OutboxMessage.occurrence))).where(
        OutboxMessage.rule == "all_scores_in", OutboxMessage.item_id == review_id))
    assert told == 1


def test_two_evaluators_declaring_at_once_are_both_recorded(app, real_commits):
    """A declaration moves the review's version too: two at once were a 409 for one."""
    from sqlalchemy.orm.exc import StaleDataError

    from tracker.accounts.models import User
    from tracker.gates import services as gates
    from tracker.gates.models import PanelMember

    install_gates()
    review = helpers.submit(make_project())
    evaluators = helpers.name_panel(review)
    review_id, two = review.id, [e.id for e in evaluators[:2]]
    db.session.remove()

    both_loaded = threading.Barrier(2)
    results: dict[int, str] = {}

    def declare(user_id: int) -> None:
        with app.app_context():
            try:
                loaded = db.session.get(GateReview, review_id)
                evaluator = db.session.get(User, user_id)
                assert loaded.member(evaluator) is not None
                both_loaded.wait(timeout=10)
                gates.declare(evaluator, loaded, conflict=False)
                db.session.commit()
                results[user_id] = "recorded"
            except (Refused, StaleDataError) as refused:
                db.session.rollback()
                results[user_id] = f"refused: {refused}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=declare, args=(user_id,)) for user_id in two]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert results == {user_id: "recorded" for user_id in two}
    declared = db.session.scalar(select(func.count()).select_from(PanelMember).where(
        PanelMember.review_id == review_id, PanelMember.declaration.is_not(None)))
    assert declared == 2
