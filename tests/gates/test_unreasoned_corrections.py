"""A gate decision's correction says why (issue 9, small 5): the service asks a reason, the
schema refuses a correction without one, and a correction recorded before reasons were
required (migration 0102 marked them) reads "no reason recorded: corrected on <its day>" on the
review and project pages, never a blank."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import login, post
from tests.factories import make_user
from tests.gates.test_decision_rows import _decided_review
from tracker import db
from tracker.accounts.models import Role
from tracker.errors import Invalid
from tracker.gates import decisions as gates
from tracker.gates.models import GateDecision, Outcome


def _corrected():
    review = _decided_review()
    decision = gates.decide(review.chair, review, review.version, Outcome.GO)
    correction = gates.correct_decision(review.chair, decision, review.version, Outcome.GO,
                                        reason="The rationale was missing",
                                        rationale="Meets every criterion")
    db.session.commit()
    return review, correction


def test_a_correction_without_a_reason_is_refused_by_the_service_and_by_the_schema(app):
    review = _decided_review()
    decision = gates.decide(review.chair, review, review.version, Outcome.GO)
    with pytest.raises(Invalid) as refused:
        gates.correct_decision(review.chair, decision, review.version, Outcome.GO,
                               reason="  ", rationale="Meets every criterion")
    assert refused.value.field == "reason"
    db.session.rollback()
    review, correction = _corrected()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            correction.correction_reason = ""
            db.session.flush()
    # Only a correction recorded before reasons were required may have none.
    correction.correction_reason, correction.unreasoned_before = "", date(2026, 11, 28)
    db.session.flush()


@pytest.mark.parametrize(("language", "said", "not_said"), [
    ("en", "No reason recorded: corrected on Nov 20, 2026, before a correction had to give one.",
     "Feb 17, 2027"),
    ("zh_CN", "未记录理由：该更正于 2026年11月20日 作出，当时更正尚无须说明理由。",
     "2027年2月17日")])
def test_a_correction_recorded_before_reasons_were_required_says_so(client, language, said,
                                                                      not_said):
    """With the correction's own day: the day 0102 marked it (`unreasoned_before`) is only when
    this database was upgraded, which may be long after reasons were required (0096)."""
    review, correction = _corrected()
    login(client, make_user(Role.HQ_ADMIN))
    post(client, "/language", {"locale": language})
    project = f"/projects/{review.project_id}"
    assert "The rationale was missing" in client.get(project).get_data(as_text=True)
    correction.correction_reason, correction.unreasoned_before = "", date(2027, 2, 17)
    correction.decided_at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    db.session.commit()
    for path in (f"/reviews/{review.id}", project):
        page = client.get(path).get_data(as_text=True)
        assert said in page, path
        assert not_said not in page, path
    assert db.session.scalars(select(GateDecision).where(
        GateDecision.unreasoned_before.is_not(None))).all() == [correction]
